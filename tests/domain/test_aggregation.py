"""Aggregation rules of dashboard/domain/aggregation.py against figures worked out by hand from tests/frames.py.

Per-objective figures used throughout (progress = mean of the agencies that reported;
status by the combination rule; risk = highest):

    obj  FY2026 Q1                       FY2026 Q2                          FY2026 Q3
    1.1  (20+10)/2=15  On track  Medium  (40+30)/2=35  On track  Medium     (60+30)/2=45 Off track High
    1.2  (0+0)/2=0     Not started Low   (20+10)/2=15  On track  Low        no update
    2.1  (30+10+20)/3=20 At risk High    (60+40+50)/3=50 At risk Critical   (80+70)/2=75 On track Medium
    M1   (50+40)/2=45  On track  Low     (80+90)/2=85  On track  Low        (100+100)/2=100 Completed Low
"""

import math

import pandas as pd
import pytest

from dashboard.domain import aggregation
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from tests.frames import DEA, O11, O12, O21, OM1, Q1, Q2, Q3, STATE, USAID, make_expected, make_updates

Q4 = FiscalQuarter(2026, 4)  # nobody has reported yet
BEFORE = FiscalQuarter(2025, 4)  # before the first update


@pytest.fixture
def expected() -> pd.DataFrame:
    return make_expected()


@pytest.fixture
def updates() -> pd.DataFrame:
    return make_updates()


def as_of(quarter: FiscalQuarter) -> pd.DataFrame:
    return aggregation.objectives_as_of(make_expected(), make_updates(), quarter)


def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(row) for row in frame[columns].itertuples(index=False, name=None)]


# ---------------------------------------------------------------- combination rules


@pytest.mark.parametrize(
    ("statuses", "combined"),
    [
        (["Off track"], "Off track"),
        (["On track", "Off track"], "Off track"),
        (["Completed", "Off track", "Completed"], "Off track"),
        # Off track takes precedence over At risk
        (["At risk", "Off track"], "Off track"),
        (["At risk"], "At risk"),
        (["On track", "At risk"], "At risk"),
        # At risk takes precedence over "all Completed"/"all Not started" checks
        (["Completed", "At risk"], "At risk"),
        (["Not started", "At risk"], "At risk"),
        (["Completed"], "Completed"),
        (["Completed", "Completed", "Completed"], "Completed"),
        (["Not started"], "Not started"),
        (["Not started", "Not started"], "Not started"),
        # anything else is On track
        (["On track"], "On track"),
        (["On track", "On track"], "On track"),
        (["Completed", "On track"], "On track"),
        (["Not started", "On track"], "On track"),
        (["Not started", "Completed"], "On track"),
    ],
)
def test_combine_status(statuses: list[str], combined: str) -> None:
    assert aggregation.combine_status(pd.Series(statuses)) == combined


@pytest.mark.parametrize(
    ("levels", "highest"),
    [
        (["Low"], "Low"),
        (["Low", "Low"], "Low"),
        (["Low", "Medium"], "Medium"),
        # by severity, not alphabetically ("Medium" > "High" > "Critical" as strings)
        (["Medium", "High"], "High"),
        (["High", "Critical", "Medium"], "Critical"),
        (["Critical", "Low"], "Critical"),
    ],
)
def test_combine_risk_is_the_highest_level(levels: list[str], highest: str) -> None:
    assert aggregation.combine_risk(pd.Series(levels)) == highest


# ---------------------------------------------------------------- scope


def pairs(frame: pd.DataFrame) -> set[tuple[int, int]]:
    return set(records(frame, ["objective_id", "agency_id"]))


@pytest.mark.parametrize(
    ("filters", "expected_pairs", "n_updates"),
    [
        # goal 1 = objectives 1.1 and 1.2, two agencies each; updates 4 (Q1) + 4 (Q2) + 2 (Q3) = 10
        (Filters(goals=("1",)), {(O11, STATE), (O11, DEA), (O12, USAID), (O12, STATE)}, 10),
        # goals 1 and M: the above + M1 (2 agencies); updates 10 + 2*3 = 16
        (
            Filters(goals=("1", "M")),
            {(O11, STATE), (O11, DEA), (O12, USAID), (O12, STATE), (OM1, STATE), (OM1, USAID)},
            16,
        ),
        # objective 2.1: three agencies; updates 3 + 3 + 2 = 8
        (Filters(objectives=("2.1",)), {(O21, USAID), (O21, DEA), (O21, STATE)}, 8),
        # DEA owes 1.1 and 2.1; updates 1.1 x3 + 2.1 x2 (missed Q3) = 5
        (Filters(agencies=("DEA",)), {(O11, DEA), (O21, DEA)}, 5),
        # State and USAID: every pair but DEA's (9 - 2 = 7); updates 24 - 5 = 19
        (
            Filters(agencies=("State", "USAID")),
            {(O11, STATE), (O12, USAID), (O12, STATE), (O21, USAID), (O21, STATE), (OM1, STATE), (OM1, USAID)},
            19,
        ),
        # Management WG = M1 only; updates 2 x 3 quarters = 6
        (Filters(working_groups=("Management WG",)), {(OM1, STATE), (OM1, USAID)}, 6),
        # goal 1 and State: 1.1 State (3 updates) and 1.2 State (2 updates)
        (Filters(goals=("1",), agencies=("State",)), {(O11, STATE), (O12, STATE)}, 5),
        # Security WG and objective 1.2 and USAID: only (1.2, USAID), 2 updates
        (Filters(working_groups=("Security WG",), objectives=("1.2",), agencies=("USAID",)), {(O12, USAID)}, 2),
        # 2.1 is not in the Security WG: nothing
        (Filters(working_groups=("Security WG",), objectives=("2.1",)), set(), 0),
    ],
)
def test_scope(
    expected: pd.DataFrame, updates: pd.DataFrame, filters: Filters, expected_pairs: set, n_updates: int
) -> None:
    owed, reported = aggregation.scope(expected, updates, filters)
    assert pairs(owed) == expected_pairs
    assert len(reported) == n_updates
    assert pairs(reported) <= expected_pairs


def test_scope_without_filters_keeps_everything(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    owed, reported = aggregation.scope(expected, updates, Filters())
    assert len(owed) == 9
    assert len(reported) == 24


def test_scope_ignores_status_and_risk(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    owed, reported = aggregation.scope(expected, updates, Filters(statuses=("Completed",), risks=("Critical",)))
    assert len(owed) == 9
    assert len(reported) == 24


# ---------------------------------------------------------------- per objective and quarter


def test_objective_quarters(updates: pd.DataFrame) -> None:
    out = aggregation.objective_quarters(updates)
    assert records(out, ["objective_id", "qindex", "status", "risk_level", "reports"]) == [
        (O11, Q1.index, "On track", "Medium", 2),
        (O11, Q2.index, "On track", "Medium", 2),
        (O11, Q3.index, "Off track", "High", 2),
        (O12, Q1.index, "Not started", "Low", 2),
        (O12, Q2.index, "On track", "Low", 2),
        (O21, Q1.index, "At risk", "High", 3),
        (O21, Q2.index, "At risk", "Critical", 3),
        (O21, Q3.index, "On track", "Medium", 2),
        (OM1, Q1.index, "On track", "Low", 2),
        (OM1, Q2.index, "On track", "Low", 2),
        (OM1, Q3.index, "Completed", "Low", 2),
    ]
    assert list(out["progress"]) == pytest.approx([15, 35, 45, 0, 15, 20, 50, 75, 45, 85, 100])


def test_objective_quarters_of_nothing_is_empty() -> None:
    out = aggregation.objective_quarters(make_updates().iloc[0:0])
    assert out.empty
    assert list(out.columns) == ["objective_id", "qindex", "status", "progress", "risk_level", "reports"]


def test_objectives_as_of_latest_quarter() -> None:
    out = as_of(Q3)
    rows = out.set_index("code")
    assert list(out["code"]) == ["1.1", "1.2", "2.1", "M1"]
    assert list(out["status"]) == ["Off track", "No update", "On track", "Completed"]
    assert list(out["reports"]) == [2, 0, 2, 2]
    assert list(out["expected"]) == [2, 2, 3, 2]
    assert rows.loc["1.1", "risk_level"] == "High"
    assert pd.isna(rows.loc["1.2", "risk_level"])
    assert rows.loc["2.1", "risk_level"] == "Medium"
    assert rows.loc["M1", "risk_level"] == "Low"
    assert rows.loc["1.1", "progress"] == pytest.approx(45)  # (60 + 30) / 2
    assert rows.loc["2.1", "progress"] == pytest.approx(75)  # (80 + 70) / 2: DEA's missing update is not a 0
    assert rows.loc["M1", "progress"] == pytest.approx(100)
    assert rows.loc["1.1", "working_group"] == "Security WG"
    assert rows.loc["M1", "title"] == "Modernise the embassy platform"


def test_missing_objective_is_not_carried_forward() -> None:
    # 1.2 was On track at (20 + 10) / 2 = 15 in Q2 but nobody reported for Q3.
    q2 = as_of(Q2).set_index("code")
    assert q2.loc["1.2", "status"] == "On track"
    assert q2.loc["1.2", "progress"] == pytest.approx(15)
    q3 = as_of(Q3).set_index("code")
    assert q3.loc["1.2", "status"] == aggregation.NO_UPDATE == "No update"
    assert math.isnan(q3.loc["1.2", "progress"])
    assert q3.loc["1.2", "reports"] == 0


def test_objectives_as_of_previous_quarter_uses_that_quarter_only() -> None:
    out = as_of(Q2)
    assert list(out["status"]) == ["On track", "On track", "At risk", "On track"]
    assert list(out["risk_level"]) == ["Medium", "Low", "Critical", "Low"]
    assert list(out["progress"]) == pytest.approx([35, 15, 50, 85])
    assert list(out["reports"]) == [2, 2, 3, 2]


def test_objectives_as_of_a_quarter_without_any_update() -> None:
    out = as_of(Q4)
    assert list(out["code"]) == ["1.1", "1.2", "2.1", "M1"]
    assert set(out["status"]) == {"No update"}
    assert out["progress"].isna().all()
    assert list(out["reports"]) == [0, 0, 0, 0]


# ---------------------------------------------------------------- status and risk filters


@pytest.mark.parametrize(
    ("filters", "codes"),
    [
        (Filters(), ["1.1", "1.2", "2.1", "M1"]),
        (Filters(statuses=("Off track",)), ["1.1"]),
        (Filters(statuses=("Off track", "Completed")), ["1.1", "M1"]),
        (Filters(statuses=("At risk",)), []),
        (Filters(risks=("Medium", "High")), ["1.1", "2.1"]),
        (Filters(risks=("Critical",)), []),
        # both must match: 2.1 is On track but Medium
        (Filters(statuses=("On track",), risks=("Low",)), []),
        (Filters(statuses=("On track", "Completed"), risks=("Low",)), ["M1"]),
        (Filters(statuses=("On track", "Completed"), risks=("Low", "Medium")), ["2.1", "M1"]),
    ],
)
def test_apply_outcome_filters(filters: Filters, codes: list[str]) -> None:
    assert list(aggregation.apply_outcome_filters(as_of(Q3), filters)["code"]) == codes


# ---------------------------------------------------------------- headline


def test_headline_latest_quarter(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    head = aggregation.headline(as_of(Q3), expected, updates, Q3)
    assert head.status_counts == {
        "Not started": 0,
        "On track": 1,
        "At risk": 0,
        "Off track": 1,
        "Completed": 1,
        "No update": 1,
    }
    assert head.mean_progress == pytest.approx((45 + 75 + 100) / 3)  # 1.2 has no progress, left out
    assert head.high_risk == 1  # 1.1 at High
    assert head.received == 6  # 9 owed, minus 1.2 USAID, 1.2 State, 2.1 DEA
    assert head.expected == 9
    assert head.objectives == 4
    assert head.summary == (
        "4 objectives: 1 on track, 1 off track, 1 completed, 1 no update; mean progress 73%; "
        "1 at High or Critical risk; 6 of 9 updates received."
    )


def test_headline_previous_quarter(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    head = aggregation.headline(as_of(Q2), expected, updates, Q2)
    assert head.status_counts["On track"] == 3
    assert head.status_counts["At risk"] == 1
    assert head.status_counts["No update"] == 0
    assert head.mean_progress == pytest.approx((35 + 15 + 50 + 85) / 4)  # 46.25
    assert head.high_risk == 1  # 2.1 at Critical
    assert (head.received, head.expected) == (9, 9)


def test_headline_without_any_update(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    head = aggregation.headline(as_of(Q4), expected, updates, Q4)
    assert head.status_counts["No update"] == 4
    assert head.mean_progress is None
    assert head.high_risk == 0
    assert (head.received, head.expected) == (0, 9)
    assert "no progress reported" in head.summary


def test_headline_counts_only_pairs_of_the_objectives_shown(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    shown = aggregation.apply_outcome_filters(as_of(Q3), Filters(risks=("Medium", "High")))  # 1.1 and 2.1
    head = aggregation.headline(shown, expected, updates, Q3)
    assert head.expected == 5  # 1.1: 2 agencies, 2.1: 3 agencies
    assert head.received == 4  # 2.1 DEA missing
    assert head.mean_progress == pytest.approx((45 + 75) / 2)


# ---------------------------------------------------------------- missing reports


def test_missing_reports_latest_quarter(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    out = aggregation.missing_reports(expected, updates, Q3)
    assert list(out.columns) == ["agency", "code", "objective_title", "role", "working_group"]
    assert sorted(records(out, ["agency", "code", "role", "working_group"])) == sorted(
        [
            ("USAID", "1.2", "lead", "Security WG"),
            ("State", "1.2", "contributing", "Security WG"),
            ("DEA", "2.1", "contributing", "Prosperity WG"),
        ]
    )


def test_missing_reports_none_when_everyone_reported(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    assert aggregation.missing_reports(expected, updates, Q2).empty


def test_missing_reports_everything_when_nobody_reported(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    assert len(aggregation.missing_reports(expected, updates, Q4)) == 9


# ---------------------------------------------------------------- goals and risk


def test_goal_progress() -> None:
    out = aggregation.goal_progress(as_of(Q3))
    assert records(out, ["goal_code", "goal_title", "objectives", "reporting"]) == [
        ("1", "Security", 2, 1),  # 1.2 did not report
        ("2", "Prosperity", 1, 1),
        ("M", "Management", 1, 1),
    ]
    # goal 1: only 1.1 reported (45); 1.2 is left out, not counted as 0
    assert list(out["progress"]) == pytest.approx([45, 75, 100])


def test_goal_progress_previous_quarter() -> None:
    out = aggregation.goal_progress(as_of(Q2))
    assert list(out["progress"]) == pytest.approx([(35 + 15) / 2, 50, 85])
    assert list(out["reporting"]) == [2, 1, 1]


def test_risk_by_goal() -> None:
    out = aggregation.risk_by_goal(as_of(Q3))
    assert list(out.index) == ["1", "2", "M"]
    assert list(out.columns) == ["Low", "Medium", "High", "Critical"]
    assert out.values.tolist() == [
        [0, 0, 1, 0],  # 1.1 High; 1.2 no update is left out
        [0, 1, 0, 0],  # 2.1 Medium
        [1, 0, 0, 0],  # M1 Low
    ]


def test_risk_by_goal_previous_quarter() -> None:
    out = aggregation.risk_by_goal(as_of(Q2))
    assert out.values.tolist() == [
        [1, 1, 0, 0],  # 1.2 Low, 1.1 Medium
        [0, 0, 0, 1],  # 2.1 Critical
        [1, 0, 0, 0],  # M1 Low
    ]


def test_risk_by_goal_without_updates_is_all_zero() -> None:
    out = aggregation.risk_by_goal(as_of(Q4))
    assert list(out.index) == ["1", "2", "M"]
    assert out.values.tolist() == [[0, 0, 0, 0]] * 3


def test_risk_trend(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    out = aggregation.risk_trend(expected, updates)
    assert [(q, str(r), n) for q, r, n in records(out, ["quarter", "risk_level", "objectives"])] == [
        # Q1: 1.2 Low, M1 Low, 1.1 Medium, 2.1 High
        ("FY2026 Q1", "Low", 2),
        ("FY2026 Q1", "Medium", 1),
        ("FY2026 Q1", "High", 1),
        # Q2: 1.2 Low, M1 Low, 1.1 Medium, 2.1 Critical
        ("FY2026 Q2", "Low", 2),
        ("FY2026 Q2", "Medium", 1),
        ("FY2026 Q2", "Critical", 1),
        # Q3: M1 Low, 2.1 Medium, 1.1 High (1.2 did not report)
        ("FY2026 Q3", "Low", 1),
        ("FY2026 Q3", "Medium", 1),
        ("FY2026 Q3", "High", 1),
    ]
    assert list(out["qindex"]) == [Q1.index] * 3 + [Q2.index] * 3 + [Q3.index] * 3


def test_risk_trend_in_scope(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    owed, reported = aggregation.scope(expected, updates, Filters(goals=("1",)))
    out = aggregation.risk_trend(owed, reported)
    assert [(q, str(r), n) for q, r, n in records(out, ["quarter", "risk_level", "objectives"])] == [
        ("FY2026 Q1", "Low", 1),  # 1.2
        ("FY2026 Q1", "Medium", 1),  # 1.1
        ("FY2026 Q2", "Low", 1),
        ("FY2026 Q2", "Medium", 1),
        ("FY2026 Q3", "High", 1),  # 1.1 only
    ]


def test_risk_trend_empty(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    assert aggregation.risk_trend(expected, updates.iloc[0:0]).empty


def test_progress_trend_by_goal(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    out = aggregation.progress_trend(expected, updates, by="goal")
    assert records(out, ["series", "quarter"]) == [
        ("Goal 1", "FY2026 Q1"),
        ("Goal 1", "FY2026 Q2"),
        ("Goal 1", "FY2026 Q3"),
        ("Goal 2", "FY2026 Q1"),
        ("Goal 2", "FY2026 Q2"),
        ("Goal 2", "FY2026 Q3"),
        ("Management", "FY2026 Q1"),
        ("Management", "FY2026 Q2"),
        ("Management", "FY2026 Q3"),
    ]
    assert list(out["progress"]) == pytest.approx(
        [
            (15 + 0) / 2,  # Goal 1 Q1: 1.1 = 15, 1.2 = 0
            (35 + 15) / 2,  # Goal 1 Q2
            45,  # Goal 1 Q3: only 1.1 reported
            20,
            50,
            75,
            45,
            85,
            100,
        ]
    )


def test_progress_trend_by_objective(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    out = aggregation.progress_trend(expected, updates, by="objective")
    assert records(out, ["series", "qindex"]) == [
        ("1.1", Q1.index),
        ("1.1", Q2.index),
        ("1.1", Q3.index),
        ("1.2", Q1.index),
        ("1.2", Q2.index),  # no Q3 point: nothing carried forward
        ("2.1", Q1.index),
        ("2.1", Q2.index),
        ("2.1", Q3.index),
        ("M1", Q1.index),
        ("M1", Q2.index),
        ("M1", Q3.index),
    ]
    assert list(out["progress"]) == pytest.approx([15, 35, 45, 0, 15, 20, 50, 75, 45, 85, 100])


def test_progress_trend_only_objectives_in_scope(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    owed, reported = aggregation.scope(expected, updates, Filters(working_groups=("Management WG",)))
    out = aggregation.progress_trend(owed, reported, by="goal")
    assert set(out["series"]) == {"Management"}
    assert list(out["progress"]) == pytest.approx([45, 85, 100])


# ---------------------------------------------------------------- agencies


def test_agency_progress_latest_quarter(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    out = aggregation.agency_progress(expected, updates, Q3)
    assert records(out, ["agency", "received", "expected", "missing"]) == [
        ("DEA", 1, 2, 1),  # 1.1 sent, 2.1 missing
        ("State", 3, 4, 1),  # 1.1, 2.1, M1 sent, 1.2 missing
        ("USAID", 2, 3, 1),  # 2.1, M1 sent, 1.2 missing
    ]
    assert list(out["progress"]) == pytest.approx([30, (60 + 70 + 100) / 3, (80 + 100) / 2])


def test_agency_progress_previous_quarter(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    out = aggregation.agency_progress(expected, updates, Q2)
    assert records(out, ["agency", "received", "expected", "missing"]) == [
        ("DEA", 2, 2, 0),
        ("State", 4, 4, 0),
        ("USAID", 3, 3, 0),
    ]
    assert list(out["progress"]) == pytest.approx([(30 + 40) / 2, (40 + 10 + 50 + 80) / 4, (20 + 60 + 90) / 3])


def test_agency_heatmap(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    out = aggregation.agency_heatmap(expected, updates, Q3)
    assert list(out.columns) == ["1.1", "1.2", "2.1", "M1"]
    assert list(out.index) == ["DEA", "State", "USAID"]
    assert out.values.tolist() == [
        # DEA owes nothing on 1.2 and M1 -> ""
        ["Off track", "", "Missing", ""],
        ["On track", "Missing", "On track", "Completed"],
        # USAID owes nothing on 1.1
        ["", "Missing", "On track", "Completed"],
    ]


# ---------------------------------------------------------------- what changed


def test_changes_since_previous_quarter() -> None:
    out = aggregation.changes_since(as_of(Q2), as_of(Q3))
    assert list(out.columns) == ["code", "title", "status_before", "status_now", "risk_before", "risk_now", "direction"]
    assert records(out, ["code", "status_before", "status_now", "risk_before", "risk_now", "direction"]) == [
        # status +3 (On track -> Off track), risk +1: worse
        ("1.1", "On track", "Off track", "Medium", "High", "worse"),
        # 1.2 has no update in Q3: not a change
        # status -2 (At risk -> On track), risk -2 (Critical -> Medium): better
        ("2.1", "At risk", "On track", "Critical", "Medium", "better"),
        # status -1 (On track -> Completed), risk unchanged: better
        ("M1", "On track", "Completed", "Low", "Low", "better"),
    ]


def test_changes_between_first_quarters() -> None:
    out = aggregation.changes_since(as_of(Q1), as_of(Q2))
    assert records(out, ["code", "direction"]) == [
        ("1.2", "better"),  # Not started -> On track, Low -> Low
        ("2.1", "worse"),  # At risk -> At risk, High -> Critical
    ]  # 1.1 and M1 did not move


def test_a_no_update_quarter_is_not_a_change() -> None:
    assert aggregation.changes_since(as_of(Q3), as_of(Q4)).empty  # nothing reported now
    assert aggregation.changes_since(as_of(BEFORE), as_of(Q1)).empty  # nothing reported before


def _frame(status: str, risk: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"objective_id": [1], "code": ["1.1"], "title": ["T"], "status": [status], "risk_level": [risk]}
    )


@pytest.mark.parametrize(
    ("before", "now", "direction"),
    [
        # status -2 (At risk -> On track), risk +2 (Low -> High): mixed
        (("At risk", "Low"), ("On track", "High"), "mixed"),
        # status +1 (Completed -> On track), risk -1 (Medium -> Low): mixed
        (("Completed", "Medium"), ("On track", "Low"), "mixed"),
        # only the risk moved
        (("On track", "Low"), ("On track", "Medium"), "worse"),
        (("On track", "Critical"), ("On track", "High"), "better"),
        # status +3 (On track -> Off track) outweighs risk -1
        (("On track", "High"), ("Off track", "Medium"), "worse"),
    ],
)
def test_changes_direction(before: tuple[str, str], now: tuple[str, str], direction: str) -> None:
    out = aggregation.changes_since(_frame(*before), _frame(*now))
    assert list(out["direction"]) == [direction]


def test_unchanged_objective_is_not_listed() -> None:
    assert aggregation.changes_since(_frame("At risk", "High"), _frame("At risk", "High")).empty


# ---------------------------------------------------------------- overview end to end


def test_overview_without_filters(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    view = aggregation.overview(expected, updates, Filters(), Q3)
    assert not view.empty
    assert list(view.as_of["code"]) == ["1.1", "1.2", "2.1", "M1"]
    assert list(view.as_of["status"]) == ["Off track", "No update", "On track", "Completed"]
    assert list(view.previous["status"]) == ["On track", "On track", "At risk", "On track"]
    assert len(view.expected) == 9
    assert len(view.updates) == 24
    head = view.headline
    assert head.mean_progress == pytest.approx((45 + 75 + 100) / 3)
    assert (head.received, head.expected, head.high_risk, head.objectives) == (6, 9, 1, 4)


def test_overview_as_of_an_earlier_quarter_ignores_later_updates(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    view = aggregation.overview(expected, updates, Filters(), Q2)
    assert len(view.updates) == 18  # Q1 + Q2, 9 each
    assert list(view.as_of["progress"]) == pytest.approx([35, 15, 50, 85])
    assert list(view.previous["progress"]) == pytest.approx([15, 0, 20, 45])
    assert (view.headline.received, view.headline.expected) == (9, 9)
    # trends stop at the as-of quarter
    trend = aggregation.progress_trend(view.expected, view.updates, by="goal")
    assert set(trend["quarter"]) == {"FY2026 Q1", "FY2026 Q2"}


def test_overview_goal_filter(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    view = aggregation.overview(expected, updates, Filters(goals=("2",)), Q3)
    assert list(view.as_of["code"]) == ["2.1"]
    head = view.headline
    assert head.status_counts["On track"] == 1
    assert sum(head.status_counts.values()) == 1
    assert head.mean_progress == pytest.approx(75)
    assert (head.received, head.expected, head.high_risk) == (2, 3, 0)
    assert records(aggregation.missing_reports(view.expected, view.updates, Q3), ["agency", "code"]) == [("DEA", "2.1")]


def test_overview_objective_filter_shows_no_update(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    view = aggregation.overview(expected, updates, Filters(objectives=("1.2",)), Q3)
    assert list(view.as_of["status"]) == ["No update"]
    assert view.as_of["progress"].isna().all()
    assert view.headline.mean_progress is None
    assert (view.headline.received, view.headline.expected) == (0, 2)
    # the previous quarter still has its own figures: 15, On track
    assert list(view.previous["status"]) == ["On track"]
    assert list(view.previous["progress"]) == pytest.approx([15])
    # and "No update" now is not reported as a change
    assert aggregation.changes_since(view.previous, view.as_of).empty


def test_overview_agency_filter_uses_only_that_agencys_updates(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    view = aggregation.overview(expected, updates, Filters(agencies=("DEA",)), Q3)
    assert list(view.as_of["code"]) == ["1.1", "2.1"]
    # 1.1: DEA alone said Off track 30 High; 2.1: DEA missed Q3
    assert list(view.as_of["status"]) == ["Off track", "No update"]
    assert view.as_of["progress"].iloc[0] == pytest.approx(30)
    assert view.as_of["risk_level"].iloc[0] == "High"
    head = view.headline
    assert head.mean_progress == pytest.approx(30)
    assert (head.received, head.expected, head.high_risk) == (1, 2, 1)
    assert list(aggregation.agency_progress(view.expected, view.updates, Q3)["agency"]) == ["DEA"]


def test_overview_working_group_filter(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    view = aggregation.overview(expected, updates, Filters(working_groups=("Management WG",)), Q3)
    assert list(view.as_of["code"]) == ["M1"]
    assert list(view.as_of["status"]) == ["Completed"]
    assert view.headline.mean_progress == pytest.approx(100)
    assert (view.headline.received, view.headline.expected) == (2, 2)


def test_overview_status_filter_narrows_every_figure(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    view = aggregation.overview(expected, updates, Filters(statuses=("Off track",)), Q3)
    assert list(view.as_of["code"]) == ["1.1"]
    assert set(view.expected["objective_id"]) == {O11}
    assert set(view.updates["objective_id"]) == {O11}
    assert len(view.updates) == 6  # 2 agencies x 3 quarters
    head = view.headline
    assert head.status_counts["Off track"] == 1
    assert sum(head.status_counts.values()) == 1
    assert head.mean_progress == pytest.approx(45)
    assert (head.received, head.expected, head.high_risk) == (2, 2, 1)
    assert list(view.previous["code"]) == ["1.1"]


def test_overview_risk_filter(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    view = aggregation.overview(expected, updates, Filters(risks=("Low",)), Q3)
    assert list(view.as_of["code"]) == ["M1"]
    assert view.headline.high_risk == 0
    assert view.headline.mean_progress == pytest.approx(100)


def test_overview_combined_filters(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    # goal 1 and State: 1.1 (State: On track 60 Medium) and 1.2 (no update); On track keeps 1.1
    view = aggregation.overview(
        expected, updates, Filters(goals=("1",), agencies=("State",), statuses=("On track",)), Q3
    )
    assert list(view.as_of["code"]) == ["1.1"]
    assert view.as_of["progress"].iloc[0] == pytest.approx(60)
    assert view.as_of["risk_level"].iloc[0] == "Medium"
    assert (view.headline.received, view.headline.expected) == (1, 1)


def test_overview_status_filter_matching_nothing_is_empty(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    # goal 1 has no Completed objective in Q3 (1.1 Off track, 1.2 no update)
    view = aggregation.overview(expected, updates, Filters(goals=("1",), statuses=("Completed",)), Q3)
    assert view.empty is True
    assert view.expected.empty
    assert view.headline.objectives == 0
    assert (view.headline.received, view.headline.expected) == (0, 0)
    assert view.headline.mean_progress is None


@pytest.mark.parametrize(
    "filters",
    [
        Filters(agencies=("FAS",)),  # owes nothing
        Filters(goals=("9",)),
        Filters(working_groups=("Security WG",), objectives=("M1",)),
    ],
)
def test_overview_filter_excluding_everything(expected: pd.DataFrame, updates: pd.DataFrame, filters: Filters) -> None:
    view = aggregation.overview(expected, updates, filters, Q3)
    assert view.empty is True
    assert view.updates.empty
    assert view.headline.objectives == 0
    assert view.headline.expected == 0


def test_overview_start_narrows_the_trend(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    view = aggregation.overview(expected, updates, Filters(start=Q2), Q3)
    assert set(view.updates["qindex"]) == {Q2.index, Q3.index}
    assert len(view.updates) == 15  # 9 in Q2 + 6 in Q3
    trend = aggregation.progress_trend(view.expected, view.updates, by="objective")
    assert set(trend["quarter"]) == {"FY2026 Q2", "FY2026 Q3"}
    # the as-of figures do not depend on the start
    assert list(view.as_of["status"]) == ["Off track", "No update", "On track", "Completed"]


def test_overview_changes_since_last_quarter_do_not_depend_on_start(
    expected: pd.DataFrame, updates: pd.DataFrame
) -> None:
    # "What changed since last quarter" compares Q3 with Q2 whatever range the trends show;
    # with the range narrowed to Q3 alone the Q2 updates still exist.
    view = aggregation.overview(expected, updates, Filters(start=Q3), Q3)
    assert list(view.previous["status"]) == ["On track", "On track", "At risk", "On track"]
    assert list(aggregation.changes_since(view.previous, view.as_of)["code"]) == ["1.1", "2.1", "M1"]


def test_overview_with_no_updates_at_all(expected: pd.DataFrame, updates: pd.DataFrame) -> None:
    view = aggregation.overview(expected, updates.iloc[0:0], Filters(), Q3)
    assert not view.empty
    assert set(view.as_of["status"]) == {"No update"}
    assert (view.headline.received, view.headline.expected) == (0, 9)
    assert aggregation.agency_heatmap(view.expected, view.updates, Q3).values.tolist() == [
        ["Missing", "", "Missing", ""],  # DEA owes 1.1 and 2.1
        ["Missing", "Missing", "Missing", "Missing"],
        ["", "Missing", "Missing", "Missing"],
    ]


def test_quarter_label() -> None:
    assert aggregation.quarter_label(2026 * 4 + 2) == "FY2026 Q3"
    assert aggregation.quarter_label(Q1.index) == "FY2026 Q1"


def test_latest_by_agency_flags_an_agency_whose_latest_update_is_older_than_the_quarter_shown() -> None:
    from tests.frames import DEA, O21, Q3, STATE, USAID, make_expected, make_updates

    latest = aggregation.latest_by_agency(make_updates(), make_expected(), O21, Q3).set_index("agency_id")
    assert latest.loc[DEA, "quarter"] == "FY2026 Q2"  # an older row is still shown as the latest ...
    assert latest.loc[DEA, "as_of_quarter"] == "? Missing"  # ... and says that this quarter's is missing
    assert latest.loc[USAID, "as_of_quarter"] == latest.loc[STATE, "as_of_quarter"] == "✓ Received"
