"""Two posts in one database, through the pages: where each person opens, the Admin page's mission settings and
home missions, the demo banner of the mission shown, the due days a tracker counts, and the Missions page's filters
when coming back to it."""

from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.formats.ics_document import parse_ics_file
from dashboard.services import admin, missions
from dashboard.services.bootstrap import init_database
from dashboard.services.strategy_import import import_strategy
from dashboard.settings import Settings
from dashboard.store.database import get_engine, read_session, write_session
from models import AppUser, Mission, Objective, StatusUpdate
from tests.appcast import app, ok, open_page, rendered, start, texts
from tests.people import ADMIN, TODAY, USAID, VIEWER
from tests.people import World as Cast

GHANA_SAMPLE = Path(__file__).resolve().parents[1] / "formats" / "samples" / "ics_ghana.txt"


def _import_ghana(url: str) -> int:
    with write_session(get_engine(url)) as session:
        return import_strategy(session=session, strategy=parse_ics_file(GHANA_SAMPLE), today=TODAY).mission_id


@pytest.fixture
def ghana(cast: Cast) -> int:
    """Ghana imported beside Peru (and sorting before it), as a new post's admin would; its mission id."""
    return _import_ghana(cast.url)


def _shown(at: AppTest, key: str = "ov_mission") -> int:
    return int(at.sidebar.selectbox(key=key).value)


def _overview(email: str | None, **query: str) -> AppTest:
    at = app(email)
    for name, value in query.items():
        at.query_params[name] = value
    return ok(at.run())


def _set(cast: Cast, mission_id: int, **changes: object) -> None:
    with write_session(cast.engine) as session:
        missions.set_mission(
            session=session,
            actor_email=SYSTEM_ACTOR,
            mission_id=mission_id,
            changes=missions.MissionChanges(**changes),  # type: ignore[arg-type]
        )


def test_a_new_mission_that_sorts_first_does_not_take_over(cast: Cast, ghana: int) -> None:
    assert _shown(_overview(None)) == cast.mission_id  # visitors: the mission loaded first, not Ghana
    assert _shown(_overview(USAID)) == cast.mission_id  # Peru's contributor: their home
    assert _shown(_overview(None, mission=str(ghana))) == ghana  # a link naming a mission still wins


def test_visitors_open_where_an_admin_chose_and_users_at_their_home(cast: Cast, ghana: int) -> None:
    _set(cast, ghana, default=True)
    with write_session(cast.engine) as session:
        admin.update_user(session=session, actor_email=ADMIN, email=VIEWER, home_mission_id=cast.mission_id)
    assert _shown(_overview(None)) == ghana
    assert _shown(_overview(VIEWER)) == cast.mission_id
    assert _shown(_overview(VIEWER, mission=str(ghana))) == ghana


def _admin_page(mission_id: int) -> AppTest:
    at = start(ADMIN)
    at.query_params["mission"] = str(mission_id)
    return open_page(at, "admin")


def test_the_settings_panel_gives_a_new_post_its_bureau_and_the_rest(cast: Cast, ghana: int) -> None:
    at = _admin_page(ghana)
    key = lambda field: f"admin_mission_{field}_{ghana}"  # noqa: E731
    assert at.text_input(key=key("country")).value == "Ghana"
    assert at.selectbox(key=key("bureau")).value is None  # not set: missing from every bureau's view
    at.selectbox(key=key("bureau")).set_value("AF")
    at.text_input(key=key("post")).input("U.S. Embassy Accra")
    at.number_input(key=key("start")).set_value(2023)
    at.number_input(key=key("end")).set_value(2027)
    at.selectbox(key=key("first")).set_value(next(q for q in at.selectbox(key=key("first")).options if "2023 Q2" in q))
    at.selectbox(key=key("marking")).set_value("SENSITIVE BUT UNCLASSIFIED")
    at.selectbox(key=key("time_zone")).set_value("Africa/Accra")
    at.checkbox(key=key("follow_due_days")).uncheck()
    at.number_input(key=key("due_days")).set_value(45)
    at.button(key=f"FormSubmitter:admin_mission_{ghana}-Save mission settings").click()
    ok(at.run())
    assert "Saved the settings of Ghana." in texts(at.success)
    with read_session(cast.engine) as session:
        stored = session.get(Mission, ghana)
    assert stored is not None
    assert (stored.bureau, stored.post, stored.strategy_start, stored.strategy_end) == (
        "AF",
        "U.S. Embassy Accra",
        2023,
        2027,
    )
    assert (stored.reporting_from_fy, stored.reporting_from_quarter) == (2023, 2)
    assert (stored.release_marking, stored.time_zone, stored.due_days) == (
        "SENSITIVE BUT UNCLASSIFIED",
        "Africa/Accra",
        45,
    )
    # The tracker now counts Ghana's own due days; Peru still follows ICS_DUE_DAYS.
    tracker = open_page(at, "tracker")
    assert any("(45 days after the quarter's last day)" in c for c in texts(tracker.caption))
    tracker = open_page(start(ADMIN), "tracker")  # Peru, where this admin opens
    assert _shown(tracker, "tracker_mission") == cast.mission_id
    assert any("(30 days after the quarter's last day)" in c for c in texts(tracker.caption))


def test_the_settings_panel_refuses_an_end_before_the_start_and_writes_nothing(cast: Cast, ghana: int) -> None:
    at = _admin_page(ghana)
    at.selectbox(key=f"admin_mission_bureau_{ghana}").set_value("AF")
    at.number_input(key=f"admin_mission_end_{ghana}").set_value(2020)
    at.button(key=f"FormSubmitter:admin_mission_{ghana}-Save mission settings").click()
    ok(at.run())
    assert texts(at.error) == ["Strategy period: it ends in FY2020, before it starts in FY2022."]
    with read_session(cast.engine) as session:
        stored = session.get(Mission, ghana)
    assert stored is not None and (stored.bureau, stored.strategy_end) == (None, 2026)


def test_admin_sets_a_users_home_mission_when_adding_and_changing_them(cast: Cast, ghana: int) -> None:
    at = _admin_page(ghana)
    assert at.selectbox(key="admin_new_home_0").value == ghana  # the admin's current mission
    at.text_input(key="admin_new_email_0").input("accra@example.gov")
    at.selectbox(key="admin_new_role_0").set_value("viewer")
    at.button(key="FormSubmitter:admin_add_user_0-Add user").click()
    ok(at.run())
    at.selectbox(key="admin_edit_pick").set_value(VIEWER)
    ok(at.run())
    at.selectbox(key=f"admin_edit_home_{VIEWER}").set_value(ghana)
    at.button(key=f"FormSubmitter:admin_edit_user_{VIEWER}-Save changes").click()
    ok(at.run())
    with read_session(cast.engine) as session:
        homes = {u.email: u.home_mission_id for u in session.exec(select(AppUser))}
    assert homes["accra@example.gov"] == ghana and homes[VIEWER] == ghana
    assert _shown(_overview(VIEWER)) == ghana


def test_the_demo_banner_counts_the_mission_shown(app_url: str) -> None:
    init_database(Settings(database_url=app_url), demo=True)
    ghana = _import_ghana(app_url)
    with read_session(get_engine(app_url)) as session:
        peru = session.exec(select(Mission.id).where(Mission.country == "Peru")).one()
        peru_demo = len(
            session.exec(
                select(StatusUpdate.id).join(Objective).where(Objective.mission_id == peru, StatusUpdate.is_demo)
            ).all()
        )
    with write_session(get_engine(app_url)) as session:  # one demo row at Ghana, so the count is per mission
        objective = session.exec(select(Objective).where(Objective.mission_id == ghana)).first()
        row = session.exec(select(StatusUpdate).where(StatusUpdate.is_demo)).first()
        assert objective is not None and row is not None
        data = row.model_dump(exclude={"id", "supersedes_id", "working_group_id"})
        session.add(StatusUpdate(**{**data, "objective_id": objective.id}))
    banners = lambda at: [rendered(i.value) for i in at.info if i.value.startswith("Demo data")]  # noqa: E731
    assert banners(_overview(None)) == [
        f"Demo data: {peru_demo:,} of the status updates shown are generated examples, not real reporting."
    ]
    assert banners(_overview(None, mission=str(ghana))) == [
        "Demo data: 1 of the status updates shown are generated examples, not real reporting."
    ]
    every = open_page(_overview(None), "missions")  # the Missions page shows both missions
    assert banners(every) == [
        f"Demo data: {peru_demo + 1:,} of the status updates shown are generated examples, not real reporting."
    ]


def test_no_demo_banner_on_a_mission_without_demo_data(app_url: str) -> None:
    init_database(Settings(database_url=app_url), demo=True)
    ghana = _import_ghana(app_url)
    at = _overview(None, mission=str(ghana))
    assert not [i for i in at.info if i.value.startswith("Demo data")]
    assert [i for i in _overview(None).info if i.value.startswith("Demo data")]  # Peru keeps its banner


def test_the_missions_filters_stay_when_coming_back_from_another_page(cast: Cast, ghana: int) -> None:
    _set(cast, ghana, bureau="AF")
    at = open_page(start(VIEWER), "missions")
    at.sidebar.selectbox(key="mi_bureau").set_value("WHA")
    at.sidebar.selectbox(key="mi_quarter").set_value("FY2025 Q3")
    ok(at.run())
    at = open_page(at, "overview")
    at = open_page(at, "strategy")
    at = open_page(at, "missions")
    assert at.sidebar.selectbox(key="mi_bureau").value == "WHA"
    assert at.sidebar.selectbox(key="mi_quarter").value == "FY2025 Q3"
    table = next(df.value for df in at.dataframe if "days_late" in df.value.columns)
    assert list(table["mission"]) == ["Peru (Embassy Lima)"]
