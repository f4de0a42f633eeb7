"""The reporting calendar's pure functions, against hand-computed figures.

Expected pairs (two objectives, three agencies, two working groups):

    obj 1 "1.1" WG A: State (1), USAID (2)
    obj 2 "2.1" WG B: USAID (2), DEA (3)

Newest revisions in FY2026 Q4 (due 30 Oct 2026 with 30 days):

    1.1 State  approved
    1.1 USAID  returned ("Add figures", by chair)
    2.1 USAID  submitted (by usaid@x)
    2.1 DEA    nothing

and one older returned update: 2.1 USAID FY2026 Q3.
"""

from datetime import date

import pandas as pd

from dashboard.domain import reporting
from dashboard.domain.fiscal import FiscalQuarter

Q3, Q4 = FiscalQuarter(2026, 3), FiscalQuarter(2026, 4)
EXPECTED = pd.DataFrame(
    [
        (1, "1.1", "Trade", 1, "State", "WG A"),
        (1, "1.1", "Trade", 2, "USAID", "WG A"),
        (2, "2.1", "Security", 2, "USAID", "WG B"),
        (2, "2.1", "Security", 3, "DEA", "WG B"),
    ],
    columns=["objective_id", "code", "objective_title", "agency_id", "agency", "working_group"],
)


def _row(sid: int, obj: int, agency: int, quarter: FiscalQuarter, state: str, author: str, comment: str = "") -> dict:
    return {
        "status_update_id": sid,
        "objective_id": obj,
        "agency_id": agency,
        "fiscal_year": quarter.fiscal_year,
        "quarter": quarter.quarter,
        "qindex": quarter.index,
        "revision": 1,
        "state": state,
        "author": author,
        "review_comment": comment,
    }


SUBMISSIONS = pd.DataFrame(
    [
        _row(10, 1, 1, Q4, "approved", "state@x"),
        _row(11, 1, 2, Q4, "returned", "usaid@x", "Add figures"),
        _row(12, 2, 2, Q4, "submitted", "usaid@x"),
        _row(13, 2, 2, Q3, "returned", "usaid@x", "Wrong quarter"),
    ]
)
BEFORE_DUE, AFTER_DUE = date(2026, 10, 30), date(2026, 10, 31)


def test_due_date_is_days_after_the_quarter_ends() -> None:
    assert reporting.due_date(Q4, 30) == date(2026, 10, 30)
    assert reporting.due_date(Q4, 0) == date(2026, 9, 30)


def test_tracker_counts_per_quarter_and_overdue_only_after_the_due_date() -> None:
    before = reporting.tracker(EXPECTED, SUBMISSIONS, [Q4], today=BEFORE_DUE, due_days=30).iloc[0].to_dict()
    assert before == {
        "quarter": "FY2026 Q4",
        "due": date(2026, 10, 30),
        "expected": 4,
        "received": 2,
        "approved": 1,
        "awaiting_review": 1,
        "returned": 1,
        "missing": 1,
        "overdue": 0,
    }
    after = reporting.tracker(EXPECTED, SUBMISSIONS, [Q3, Q4], today=AFTER_DUE, due_days=30)
    assert after["overdue"].tolist() == [4, 2]  # Q3: one returned + three missing; Q4: one returned + one missing


def test_outstanding_lists_missing_and_returned_with_the_comment() -> None:
    rows = reporting.outstanding(EXPECTED, SUBMISSIONS, Q4, today=AFTER_DUE, due_days=30)
    assert rows[["code", "agency", "state", "quarter_label", "overdue", "review_comment"]].values.tolist() == [
        ["1.1", "USAID", "Returned", "FY2026 Q4", True, "Add figures"],
        ["2.1", "DEA", "Not submitted", "FY2026 Q4", True, ""],
    ]


def test_overdue_by_working_group_and_agency() -> None:
    rows = reporting.outstanding(EXPECTED, SUBMISSIONS, Q3, today=AFTER_DUE, due_days=30)
    by_group = reporting.overdue_by(rows, "working_group")
    assert by_group.values.tolist() == [["WG A", 2, "1.1"], ["WG B", 2, "2.1"]]
    by_agency = reporting.overdue_by(rows, "agency")
    assert by_agency.values.tolist() == [["USAID", 2, "1.1, 2.1"], ["DEA", 1, "2.1"], ["State", 1, "1.1"]]
    assert reporting.overdue_by(
        reporting.outstanding(EXPECTED, SUBMISSIONS, Q4, today=BEFORE_DUE, due_days=30), "agency"
    ).empty


def test_my_lists_keep_the_numeric_quarter_beside_its_label() -> None:
    owed = reporting.my_owed(EXPECTED, SUBMISSIONS, Q4, frozenset({2}), today=AFTER_DUE, due_days=30)
    assert owed[["code", "state"]].values.tolist() == [["1.1", "Returned"]]
    returned = reporting.my_returned(EXPECTED, SUBMISSIONS, frozenset({2}))
    assert returned[["code", "quarter_label", "fiscal_year", "quarter", "review_comment"]].values.tolist() == [
        ["1.1", "FY2026 Q4", 2026, 4, "Add figures"],
        ["2.1", "FY2026 Q3", 2026, 3, "Wrong quarter"],
    ]


def test_to_review_leaves_out_other_groups_and_the_reviewers_own_updates() -> None:
    everything = reporting.to_review(EXPECTED, SUBMISSIONS, None, None)
    assert everything[["status_update_id", "quarter_label", "quarter"]].values.tolist() == [[12, "FY2026 Q4", 4]]
    assert reporting.to_review(EXPECTED, SUBMISSIONS, {1}, None).empty  # objective 2.1 is not the chair's
    assert reporting.to_review(EXPECTED, SUBMISSIONS, None, "usaid@x").empty  # nobody reviews their own update
