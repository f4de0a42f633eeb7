"""The Missions page (Washington's roll-up) on a generated multi-mission database, as a viewer with and without a
bureau scope; and the mission chooser of the other pages, scoped the same way."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.bench import MISSIONS, build_database
from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.services import admin
from dashboard.store.database import dispose_engine, get_engine, write_session
from tests.appcast import app, ok, open_page

ALL = "all@example.gov"
WHA = "wha@example.gov"


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
    assert table["Goal 1"].str.match(r"^[●▲✖✔○–] ").all()


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
