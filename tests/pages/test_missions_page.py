"""The Missions page (Washington's roll-up) on a generated multi-mission database, as a viewer with and without a
bureau scope; and the mission chooser of the other pages, scoped the same way."""

from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from dashboard.bench import MISSIONS, build_database
from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.services import admin, submissions
from dashboard.store.database import dispose_engine, get_engine, write_session
from dashboard.views.missions import HOTSPOT_ROWS
from dashboard.web import cache
from models.schemas import UpdateInput
from models.tables import Agency, Mission, Objective, ObjectiveAgency
from tests.appcast import app, ok, open_page

ALL = "all@example.gov"
WHA = "wha@example.gov"
REPORTER = "reporter@example.gov"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "world.db"
    build_database(path, 20_000)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ICS_DEMO_ON_NEW_DATABASE", "false")
    with write_session(get_engine(url)) as session:
        admin.add_user(session=session, actor_email=SYSTEM_ACTOR, email=ALL, role="viewer")
        admin.add_user(session=session, actor_email=SYSTEM_ACTOR, email=WHA, role="viewer", bureau="WHA")
    yield url
    dispose_engine(url)


def _missions(email: str, **query: str) -> AppTest:
    at = app(email)
    for key, value in query.items():
        at.query_params[key] = value
    ok(at.run())
    return open_page(at, "missions")


def _table(at: AppTest):  # noqa: ANN202
    return next(df.value for df in at.dataframe if "days_late" in df.value.columns)


def test_every_mission_for_a_viewer_without_scope(world: str) -> None:
    at = _missions(ALL, to="2023Q1")
    table = _table(at)
    assert len(table) == MISSIONS
    assert set(table["bureau"]) == {"AF", "EAP", "EUR", "NEA", "SCA", "WHA"}
    assert {m.label: m.value for m in at.metric}["Missions"] == f"{MISSIONS:,}"
    # The bench database gives every pair a first report in FY2023 Q1: every mission complete that quarter.
    assert set(table["completeness"]) == {100.0}
    assert [c for c in table.columns if c.startswith("Goal ")] == ["Goal 1", "Goal 2", "Goal 3", "Goal 4"]
    assert table["Goal 1"].map(lambda labels: len(labels) == 1 and labels[0][0] in "●▲✖✔○–").all()


def test_a_bureau_filter_keeps_that_bureaus_missions(world: str) -> None:
    at = _missions(ALL, to="2023Q1")
    at.sidebar.selectbox(key="mi_bureau").set_value("EUR")
    ok(at.run())
    assert set(_table(at)["bureau"]) == {"EUR"} and len(_table(at)) == MISSIONS // 6
    assert at.query_params["bureau"] in ("EUR", ["EUR"])


def test_a_bureau_viewer_sees_only_their_bureau_here_and_in_the_mission_chooser(world: str) -> None:
    at = _missions(WHA, to="2023Q1", bureau="EUR")  # a link naming another bureau does not widen the scope
    assert set(_table(at)["bureau"]) == {"WHA"}
    assert not [s for s in at.sidebar.selectbox if s.key == "mi_bureau"]
    overview = open_page(at, "overview")
    chooser = overview.sidebar.selectbox(key="ov_mission")
    assert len(chooser.options) == MISSIONS // 6
    assert all(int(option.split()[1]) % 6 == 0 for option in chooser.options)  # Country 006, 012, ...: WHA


def test_a_quarter_without_reports_is_late_everywhere(world: str) -> None:
    at = _missions(ALL, to="2026Q4")
    table = _table(at)
    assert set(table["received"]) == {0} and (table["days_late"] > 0).all()
    assert {m.label: m.value for m in at.metric}["Late"] == f"{MISSIONS:,}"


def test_an_update_written_after_the_page_was_drawn_shows_in_the_next_session(world: str) -> None:
    """The page's figures are shared by every session until a write, which every page ends with
    ``cache.after_write``: the next visitor sees the new update, not the figures drawn before it."""
    before = _table(_missions(ALL, to="2026Q4"))
    assert set(before["received"]) == {0}
    with write_session(get_engine(world)) as session:
        mission = session.exec(select(Mission).order_by(Mission.id)).first()
        pair = session.exec(select(ObjectiveAgency).join(Objective).where(Objective.mission_id == mission.id)).first()
        agency = session.get(Agency, pair.agency_id)
        admin.add_user(
            session=session,
            actor_email=SYSTEM_ACTOR,
            email=REPORTER,
            role="contributor",
            agencies=[agency.acronym],
            mission_id=mission.id,
        )
    with write_session(get_engine(world)) as session:
        submissions.submit(
            session=session,
            actor_email=REPORTER,
            form=UpdateInput(
                objective_id=pair.objective_id,
                agency_id=pair.agency_id,
                fiscal_year=2026,
                quarter=4,
                status="On track",
                progress=40,
                risk_level="Low",
                accomplishments="Reported after the page was drawn",
            ),
            base_revision=0,
        )
    cache.after_write()
    after = _table(_missions(ALL, to="2026Q4")).set_index("mission_id")
    assert after.loc[mission.id, "received"] == 1
    assert after["received"].sum() == 1


def test_a_long_hotspot_list_shows_its_first_rows_and_all_on_request(world: str) -> None:
    at = _missions(ALL, to="2023Q2")  # the generated history's second quarter: hundreds at High or Critical
    hot = next(df.value for df in at.dataframe if "title" in df.value.columns)
    total = int({m.label: m.value for m in at.metric}["High risk"].replace(",", ""))
    assert total > HOTSPOT_ROWS and len(hot) == HOTSPOT_ROWS
    assert any(c.value.startswith(f"The first {HOTSPOT_ROWS} of {total:,} objectives") for c in at.caption)
    at.toggle(key="mi_hotspots_all").set_value(True)
    ok(at.run())
    assert len(next(df.value for df in at.dataframe if "title" in df.value.columns)) == total
