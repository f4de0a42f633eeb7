"""The overview's headline changes since last quarter, the worse-first changes table, tie-correct captions and
the chart points that open an objective, on the hand-built mission of ``tests/frames.py``."""

from datetime import UTC, datetime

import pandas as pd

from dashboard.domain.aggregation import Headline
from dashboard.domain.filters import Filters
from dashboard.views import charts
from dashboard.views.overview import (
    as_of_caption,
    build_overview,
    clicked_objective,
    direction_style,
    downloads,
    objective_code,
    received_bar,
    selected_code,
    worse_items,
)
from tests.frames import Q1, Q3, make_expected, make_updates


def test_headline_figures_carry_their_change_since_last_quarter() -> None:
    # FY2026 Q3 against Q2, worked out from the table in tests/frames.py:
    # Q3: 1.1 Off track 45 High, 1.2 no update, 2.1 On track 75 Medium, M1 Completed 100 Low
    # Q2: 1.1 On track 35, 1.2 On track 15, 2.1 At risk 50 Critical, M1 On track 85
    view = build_overview(make_expected(), make_updates(), Filters(), Q3)
    got = [(m.label, m.value, m.delta, m.delta_color) for m in view.metrics]
    assert got == [
        ("On track", "1", "-2", "normal"),
        ("At risk", "0", "-1", "inverse"),
        ("Off track", "1", "+1", "inverse"),
        ("Completed", "1", "+1", "normal"),
        ("Progress", "73%", "+27 pts", "normal"),
        ("High risk", "1", "±0", "off"),  # no change: grey, no arrow
    ]
    assert view.metrics[-1].delta_arrow == "off" and view.metrics[0].delta_arrow == "auto"


def test_no_change_is_shown_when_last_quarter_had_no_report() -> None:
    view = build_overview(make_expected(), make_updates(), Filters(), Q1)
    assert [m.delta for m in view.metrics] == [None] * 6


def test_what_changed_lists_worse_first_with_symbols() -> None:
    changes = build_overview(make_expected(), make_updates(), Filters(), Q3).changes
    assert changes[["direction", "code", "status_before", "status_now"]].values.tolist() == [
        ["▼ Worse", "1.1", "● On track", "✖ Off track"],
        ["▲ Better", "2.1", "▲ At risk", "● On track"],
        ["▲ Better", "M1", "● On track", "✔ Completed"],
    ]
    assert direction_style("▼ Worse") == "color: #D55E00; font-weight: 700"
    assert direction_style("▲ Better") == "color: #009E73"


def _risk_summary(counts: dict[str, list[int]]) -> str:
    table = pd.DataFrame(counts, index=["1", "2", "3"]).reindex(columns=["Low", "Medium", "High", "Critical"])
    return charts.risk_by_goal_chart(table.fillna(0).astype(int)).summary


def test_risk_caption_is_correct_on_ties() -> None:
    assert _risk_summary({"High": [1, 1, 1]}) == (
        "3 objectives are at High or Critical risk, one in each of Goal 1, Goal 2 and Goal 3."
    )
    assert _risk_summary({"High": [2, 0, 1], "Critical": [0, 2, 0]}) == (
        "5 objectives are at High or Critical risk, most in Goal 1 and Goal 2 (2 each)."
    )
    assert _risk_summary({"High": [0, 3, 1]}) == "4 objectives are at High or Critical risk, most in Goal 2."
    assert _risk_summary({"Low": [1, 1, 1]}) == "0 objectives are at High or Critical risk."


def _goal_summary(progress: list[float]) -> str:
    goals = pd.DataFrame({"goal_code": ["1", "2", "3"], "goal_title": ["a", "b", "c"], "progress": progress})
    as_of = pd.DataFrame(columns=["goal_code", "code", "title", "progress", "status"])
    return charts.goal_progress_chart(as_of, goals).summary


def test_goal_caption_is_correct_on_ties() -> None:
    assert _goal_summary([50, 50, 50]) == "Goal 1, Goal 2 and Goal 3 are all at 50% mean progress."
    assert _goal_summary([80, 80, 20]) == "Goal 1 and Goal 2 lead at 80% mean progress; Goal 3 trails at 20%."
    assert _goal_summary([80, 20, 20]) == "Goal 1 leads at 80% mean progress; Goal 2 and Goal 3 trail at 20%."


def test_a_click_on_an_objective_names_it() -> None:
    view = build_overview(make_expected(), make_updates(), Filters(), Q3)
    bars = view.goals.figure.data[0]
    by_label = dict(zip(bars.y, bars.customdata, strict=True))
    assert objective_code({"customdata": list(by_label["   1.1"])}) == "1.1"
    assert objective_code({"customdata": list(by_label["<b>Goal 1</b>"])}) is None  # a goal bar opens nothing
    assert objective_code({"x": "2.1", "y": "USAID"}) == "2.1"  # a heatmap cell
    assert objective_code({}) is None


def test_status_chart_summary_is_the_headline() -> None:
    head = Headline({"On track": 2, "At risk": 0}, 50.0, 0, 2, 2, 2)
    assert charts.status_counts_chart(head).summary == head.summary


def test_a_click_opens_the_first_point_that_stands_for_an_objective() -> None:
    goal_bar = {"customdata": ["Goal 1: 2 objectives", ""]}  # a goal's own bar: no objective
    objective_bar = {"customdata": ["1.2: On track", "1.2"]}
    heatmap_cell = {"x": "2.1", "y": "USAID"}
    assert clicked_objective([goal_bar, objective_bar, heatmap_cell]) == "1.2"
    assert clicked_objective([heatmap_cell]) == "2.1"
    assert clicked_objective([goal_bar]) is None
    assert clicked_objective([]) is None


def test_a_selected_row_opens_its_objective() -> None:
    frame = pd.DataFrame({"code": ["1.1", "2.1"], "title": ["a", "b"]})
    assert selected_code([1], frame) == "2.1"
    assert selected_code([], frame) is None


def test_the_worse_line_names_each_worse_objective_with_its_status_and_risk_before_and_now() -> None:
    view = build_overview(make_expected(), make_updates(), Filters(), Q3)
    # Only 1.1 got worse (see test_what_changed_lists_worse_first_with_symbols); its worst risk went Medium -> High.
    assert worse_items(view.changes) == ["1.1 (● On track → ✖ Off track, Medium → High risk)"]
    assert worse_items(view.changes.iloc[0:0]) == []


def test_the_received_bar_and_the_as_of_caption() -> None:
    head = build_overview(make_expected(), make_updates(), Filters(), Q3).headline
    share, text = received_bar(head, Q3)
    assert share == head.received / head.expected
    assert text == f"Updates received: {head.received} of {head.expected} expected for FY2026 Q3"
    assert received_bar(Headline({}, None, 0, received=0, expected=0, objectives=0), Q3)[0] == 0.0
    caption = as_of_caption(Q3)
    assert caption.startswith("Live figures: FY2026 Q3 is open. As of FY2026 Q3: ")
    assert caption.endswith("Changes are since FY2026 Q2.")
    closed = as_of_caption(Q3, datetime(2026, 7, 14, 9, 30, tzinfo=UTC))
    assert closed.startswith("Closed figures, recorded 14 Jul 2026. As of FY2026 Q3: ")


def test_the_downloads_are_named_after_the_quarter() -> None:
    got = [(d.label, d.kind, d.file_name, d.key) for d in downloads(Q3)]
    assert got == [
        ("Download CSV", "csv", "ics-updates-FY2026 Q3.csv", "ov_csv"),
        ("Download Excel", "xlsx", "ics-updates-FY2026 Q3.xlsx", "ov_xlsx"),
    ]
    assert downloads(Q3)[1].mime == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
