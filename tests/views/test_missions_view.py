"""The Missions page's table and charts built from small grouped frames (as ``store.rollup`` returns them)."""

from datetime import date

import pandas as pd

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.store.rollup import OBJECTIVE_QUARTER_COLUMNS
from dashboard.views.missions import (
    HOTSPOT_ROWS,
    STATUS_CHIP_COLORS,
    STATUS_CHIPS,
    Headline,
    build_missions,
    headline_figures,
    hotspot_rows,
    opening_params,
    quarter_choices,
    trend_start,
)

Q = FiscalQuarter(2026, 1)
MISSIONS = pd.DataFrame(
    {
        "mission_id": [1, 2],
        "country": ["Aland", "Borduria"],
        "post": ["Embassy A", "Embassy B"],
        "bureau": ["WHA", "EUR"],
        "expected": [4, 2],
    }
)
GOALS = pd.DataFrame({"mission_id": [1, 1, 2], "goal_code": ["1", "M", "1"]})
PER = pd.DataFrame(
    [
        # mission, bureau, goal, objective, code, title, qindex, reports, progress, status, risk
        (1, "WHA", "1", 11, "1.1", "Trade", Q.index, 2, 60.0, "At risk", "High"),
        (1, "WHA", "M", 12, "M1", "Platform", Q.index, 2, 100.0, "Completed", "Low"),
        (2, "EUR", "1", 21, "1.1", "Security", Q.index, 1, 20.0, "Off track", "Critical"),
        (2, "EUR", "1", 21, "1.1", "Security", Q.previous().index, 1, 30.0, "On track", "Low"),
    ],
    columns=OBJECTIVE_QUARTER_COLUMNS,  # what store.rollup hands the view
)


def test_mission_table_with_goal_symbols_completeness_and_lateness() -> None:
    view = build_missions(MISSIONS, GOALS, PER, Q, today=date(2026, 2, 9), due_days=30)
    table = view.table.set_index("mission")
    assert view.goal_columns == ["Goal 1", "Management"]
    assert table.loc["Aland (Embassy A)", ["status", "Goal 1", "Management"]].tolist() == [
        ["▲ At risk"],
        ["▲ At risk"],
        ["✔ Completed"],  # fmt: skip
    ]
    assert table.loc["Borduria (Embassy B)", ["status", "Goal 1", "Management"]].tolist() == [
        ["✖ Off track"],
        ["✖ Off track"],
        [],  # Borduria has no Management goal
    ]
    assert table["completeness"].tolist() == [100.0, 50.0]
    assert table["days_late"].tolist() == [0, 10]
    head = view.headline
    assert (head.missions, head.on_track, head.off_track_or_at_risk, head.late, head.hotspots) == (2, 0, 2, 1, 2)
    assert view.hotspots["code"].tolist() == ["1.1", "1.1"] and view.hotspots["risk_level"].tolist() == [
        "Critical",
        "High",  # fmt: skip
    ]
    # Every label a status cell can hold has its colour (the page's coloured-label columns need both lists).
    cells = {label for column in ["status", *view.goal_columns] for labels in table[column] for label in labels}
    assert cells <= set(STATUS_CHIPS) and len(STATUS_CHIPS) == len(STATUS_CHIP_COLORS)


def test_bureau_charts_and_their_summaries() -> None:
    view = build_missions(MISSIONS, GOALS, PER, Q, today=date(2026, 2, 9), due_days=30)
    assert view.completeness.summary == "For FY2026 Q1, 5 of 6 owed updates are in; lowest: EUR at 50%."
    assert list(view.completeness.figure.data[0].x) == ["EUR", "WHA"]
    assert [t.name for t in view.trend.figure.data] == ["EUR", "WHA"]
    assert view.trend.summary == "In FY2026 Q1: EUR 0%; WHA 50%."
    assert view.risk_trend.summary == "In FY2026 Q1: EUR 1 objectives; WHA 1 objectives."


def test_a_long_hotspot_list_draws_its_first_rows_until_asked_for_all() -> None:
    hot = pd.DataFrame({"code": [f"{i}.1" for i in range(HOTSPOT_ROWS + 50)], "risk_level": "High"})
    rows, note = hotspot_rows(hot, show_all=False)
    assert rows["code"].tolist() == hot["code"].tolist()[:HOTSPOT_ROWS]
    assert note.startswith(f"The first {HOTSPOT_ROWS} of {HOTSPOT_ROWS + 50:,} objectives")
    rows, note = hotspot_rows(hot, show_all=True)
    assert len(rows) == HOTSPOT_ROWS + 50 and note.startswith("Objectives at High or Critical risk")
    short = hot.head(3)
    assert hotspot_rows(short, show_all=False)[0] is short


STRATEGIES = pd.DataFrame({"strategy_start": [2024, 2025], "strategy_end": [2026, 2028]})


def test_the_quarters_span_every_strategy_and_the_link_picks_one() -> None:
    quarters, shown = quarter_choices(STRATEGIES, "2027Q2", date(2026, 5, 1))
    assert (quarters[0], quarters[-1], len(quarters)) == (FiscalQuarter(2024, 1), FiscalQuarter(2028, 4), 20)
    assert shown == FiscalQuarter(2027, 2)


def test_without_a_usable_link_the_reporting_quarter_is_shown_within_the_strategies() -> None:
    today = date(2026, 5, 1)  # FY2026 Q3: reporting on Q2
    assert quarter_choices(STRATEGIES, "", today)[1] == FiscalQuarter(2026, 2)
    assert quarter_choices(STRATEGIES, "soon", today)[1] == FiscalQuarter(2026, 2)
    assert quarter_choices(STRATEGIES, "", date(2040, 1, 1))[1] == FiscalQuarter(2028, 4)
    assert quarter_choices(STRATEGIES, "", date(2020, 1, 1))[1] == FiscalQuarter(2024, 1)
    # A quarter no strategy covers: the last one.
    assert quarter_choices(STRATEGIES, "2031Q1", today)[1] == FiscalQuarter(2028, 4)


def test_the_trend_spans_eight_quarters_up_to_the_one_shown() -> None:
    quarters, _ = quarter_choices(STRATEGIES, "", date(2026, 5, 1))
    assert trend_start(quarters, FiscalQuarter(2026, 4)) == FiscalQuarter(2025, 1)
    assert trend_start(quarters, FiscalQuarter(2024, 3)) == FiscalQuarter(2024, 1)


def test_the_headline_figures_read_with_thousands_separators() -> None:
    got = headline_figures(Headline(missions=1234, on_track=1000, off_track_or_at_risk=200, late=34, hotspots=5))
    assert [(label, value) for label, value, _ in got] == [
        ("Missions", "1,234"),
        ("On track", "1,000"),
        ("Struggling", "200"),
        ("Late", "34"),
        ("High risk", "5"),
    ]
    assert got[0][2] is None and got[4][2] == "Objectives at High or Critical risk"


def test_the_page_reopens_on_what_it_last_showed_and_a_first_visit_reads_the_link() -> None:
    link = {"to": "2026Q1", "bureau": "EUR", "mission": "3"}
    assert opening_params(link, None) == {"to": "2026Q1", "bureau": "EUR"}  # first visit: the link
    assert opening_params({}, {"to": "2025Q3", "bureau": "WHA"}) == {"to": "2025Q3", "bureau": "WHA"}  # coming back
    # another page's quarter left in the address does not reset what this page showed
    assert opening_params({"to": "2026Q4"}, {"to": "2025Q3", "bureau": "WHA"}) == {"to": "2025Q3", "bureau": "WHA"}
    assert opening_params({}, {"to": "2025Q3"}) == {"to": "2025Q3"}  # all bureaus
