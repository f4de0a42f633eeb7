"""Every Streamlit page, run headless with ``streamlit.testing.v1.AppTest``."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.appcast import rendered

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "router.py"
STRATEGY_PAGE = ROOT / "pages" / "strategy.py"
OVERVIEW_PAGE = ROOT / "pages" / "overview.py"
ALL_CODES = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3", "M1"]
METRICS = ["On track", "At risk", "Off track", "Completed", "Progress", "High risk"]
TITLE_11 = (
    "Peru achieved more inclusive and sustainable economic growth, improving the business climate for U.S. "
    "trade and investment."
)
OBJECTIVE_TABLE_COLUMNS = ["code", "title", "status", "progress", "risk_level", "reports", "expected", "working_group"]


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60)


def _run_page(page: Path, **query: str) -> AppTest:
    """Open ``page`` the way a pasted link does: the query parameters are there from the first run."""
    at = _app()
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if page != OVERVIEW_PAGE:
        at.switch_page(str(page))
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    return at


def _objectives_table(at: AppTest) -> pd.DataFrame:
    """The objectives table, in the overview's Objectives section."""
    at.button_group(key="ov_section").set_value("Objectives").run()
    assert not at.exception, [e.message for e in at.exception]
    tables = [df.value for df in at.dataframe if list(df.value.columns) == OBJECTIVE_TABLE_COLUMNS]
    assert len(tables) == 1, [list(df.value.columns) for df in at.dataframe]
    return tables[0]


def _objective_expanders(at: AppTest) -> dict[str, str]:
    """code -> expander label as read (document text is escaped for Markdown), for the strategy page."""
    out: dict[str, str] = {}
    for expander in at.expander:
        label = rendered(expander.label).replace("**", "")  # as read: no escapes, search matches in bold
        if label.startswith("Objective "):
            code, _, _ = label.removeprefix("Objective ").partition(":")
            out[code] = label
    return out


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


# --------------------------------------------------------------------------- overview


def test_overview_shows_the_headline_metrics_and_the_demo_banner(demo_app_url: str) -> None:
    at = _run_page(OVERVIEW_PAGE)
    assert [m.label for m in at.metric] == METRICS
    for metric in at.metric:
        assert metric.value not in ("", None)
    assert sum(int(m.value) for m in at.metric[:4]) > 0
    assert at.metric[4].value.endswith("%")
    assert any(text.startswith("Demo data") for text in _infos(at))
    assert [t.value for t in at.title] == ["Strategy progress"]
    table = _objectives_table(at)
    assert list(table["code"]) == ALL_CODES


def test_overview_filtered_by_goal_in_the_url(demo_app_url: str) -> None:
    at = _run_page(OVERVIEW_PAGE, goal="2", to="2026Q4")
    assert not at.warning
    assert [m.label for m in at.metric] == METRICS
    table = _objectives_table(at)
    assert list(table["code"]) == ["2.1", "2.2"]
    assert at.sidebar.multiselect(key="ov_goal").value == ["2"]
    assert at.sidebar.select_slider(key="ov_quarters").value[1] == "FY2026 Q4"


def test_overview_status_filter_that_matches_nothing(app_url: str) -> None:
    at = _run_page(OVERVIEW_PAGE, goal="1", status="Not started", to="2026Q4")
    assert not at.exception
    assert any(text.startswith("No objective matches these filters") for text in _infos(at))
    assert not at.metric
    assert not [df for df in at.dataframe if list(df.value.columns) == OBJECTIVE_TABLE_COLUMNS]


def test_overview_bad_quarter_in_the_url_is_a_warning(demo_app_url: str) -> None:
    at = _run_page(OVERVIEW_PAGE, to="2026Q9")
    warnings = [w.value for w in at.sidebar.warning]
    assert any("2026Q9" in w for w in warnings), warnings
    assert [m.label for m in at.metric] == METRICS  # the page still renders, with the default quarter
    assert list(_objectives_table(at)["code"]) == ALL_CODES


def test_overview_unknown_status_in_the_url_is_a_warning(demo_app_url: str) -> None:
    at = _run_page(OVERVIEW_PAGE, status="Fantastic")
    warnings = [w.value for w in at.sidebar.warning]
    assert any("Fantastic" in w for w in warnings), warnings
    assert list(_objectives_table(at)["code"]) == ALL_CODES


def test_no_demo_banner_when_demo_is_off(app_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICS_DEMO_ON_NEW_DATABASE", "false")
    at = _run_page(OVERVIEW_PAGE)
    assert not any("Demo data" in text for text in _infos(at))
    # The strategy is loaded even without demo data.
    at.switch_page(str(STRATEGY_PAGE)).run()
    assert not at.exception
    assert sorted(_objective_expanders(at)) == sorted(ALL_CODES)
    assert not any("Demo data" in text for text in _infos(at))


# --------------------------------------------------------------------------- strategy


def test_strategy_page_lists_every_objective(demo_app_url: str) -> None:
    at = _run_page(STRATEGY_PAGE)
    assert [t.value for t in at.title] == ["Integrated Country Strategy"]
    expanders = _objective_expanders(at)
    assert list(expanders) == ALL_CODES
    assert expanders["1.1"] == f"Objective 1.1: {TITLE_11}"
    assert [h.value for h in at.header] == [
        "Mission Goal 1",
        "Mission Goal 2",
        "Mission Goal 3",
        "Mission Goal 4",
        "Management objectives",
    ]
    assert any("Embassy Lima, Peru" in c.value and "2022–2026" in c.value for c in at.caption)
    assert any(text.startswith("Demo data") for text in _infos(at))


def test_strategy_search_narrows_the_objectives(app_url: str) -> None:
    at = _run_page(STRATEGY_PAGE)
    at.text_input(key="strategy_search").input("corruption").run()
    assert not at.exception
    shown = _objective_expanders(at)
    assert "4.1" in shown and "2.2" in shown
    # 1.3 mentions corruption in its Risks ("invite corruption through opaque contracting"), so it matches too.
    # The objective with the word in its title comes first (2.2 "anti-corruption"), then document order.
    assert list(shown) == ["2.2", "1.3", "2.1", "3.2", "4.1"]
    assert "**corruption**" in [e.label for e in at.expander if "2.2" in e.label][0]
    assert any(c.value.startswith(f"{len(shown)} of {len(ALL_CODES)} objectives match;") for c in at.caption)

    at.text_input(key="strategy_search").input("2.1").run()
    assert "2.1" in _objective_expanders(at)

    at.text_input(key="strategy_search").input("").run()
    assert list(_objective_expanders(at)) == ALL_CODES


def test_strategy_search_without_a_match_shows_an_info(app_url: str) -> None:
    at = _run_page(STRATEGY_PAGE)
    at.text_input(key="strategy_search").input("zzqx nothing-like-this").run()
    assert not at.exception
    assert not _objective_expanders(at)
    assert any(text.startswith("No objective mentions") and "zzqx" in text for text in _infos(at))


def test_both_pages_run_without_exception_back_and_forth(demo_app_url: str) -> None:
    at = _run_page(STRATEGY_PAGE)
    at.switch_page(str(OVERVIEW_PAGE)).run()
    assert not at.exception
    assert [m.label for m in at.metric] == METRICS
    at.switch_page(str(STRATEGY_PAGE)).run()
    assert not at.exception
    assert list(_objective_expanders(at)) == ALL_CODES


def _add_second_mission(url: str) -> int:
    """A second, small strategy beside Peru (imported through the same importer), so a mission chooser appears."""
    from dashboard.formats.ics_document import parse_ics_text
    from dashboard.services.bootstrap import init_database
    from dashboard.services.strategy_import import import_strategy
    from dashboard.settings import Settings
    from dashboard.store.database import get_engine, write_session

    init_database(Settings(database_url=url), demo=True)
    text = (ROOT / "data" / "ics_peru.md").read_text(encoding="utf-8").replace("PERU", "CHILE")
    text = text.replace("Mission Peru", "Mission Chile").replace("Mission to Peru", "Mission to Chile")
    strategy = parse_ics_text(text)
    assert strategy.mission.country == "Chile"
    with write_session(get_engine(url)) as session:
        return import_strategy(session=session, strategy=strategy).mission_id


@pytest.mark.parametrize("page", [OVERVIEW_PAGE, STRATEGY_PAGE])
def test_mission_in_the_link_picks_the_mission(demo_app_url: str, page: Path) -> None:
    chile = _add_second_mission(demo_app_url)
    peru = 1  # loaded first by init

    def chosen(at: AppTest) -> int:
        boxes = [box for box in at.sidebar.selectbox if box.label == "Mission"]
        assert len(boxes) == 1
        return int(boxes[0].value)

    # Without a link the mission loaded first (Peru) shows, not the new one that sorts first; a link picks Chile,
    # and one back to Peru brings it back.
    assert chosen(_run_page(page)) == peru
    assert chosen(_run_page(page, mission=str(chile))) == chile
    at = _run_page(page, mission=str(peru))
    assert chosen(at) == peru
    if page == OVERVIEW_PAGE:
        assert [m.label for m in at.metric] == METRICS
        assert at.query_params["mission"] == str(peru)  # kept in the link for sharing
    else:
        assert any("Embassy Lima, Peru" in caption.value for caption in at.caption)


def test_one_mission_has_no_mission_chooser(app_url: str) -> None:
    at = _run_page(OVERVIEW_PAGE)
    assert not [box for box in at.sidebar.selectbox if box.label == "Mission"]
