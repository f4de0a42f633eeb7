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
import pytest

from dashboard.domain import reporting
from dashboard.domain.actor import Actor
from dashboard.domain.fiscal import FiscalQuarter
from models import Mission

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
    returned = reporting.my_returned(EXPECTED, SUBMISSIONS, frozenset({2}))
    assert returned[["code", "quarter_label", "fiscal_year", "quarter", "review_comment"]].values.tolist() == [
        ["1.1", "FY2026 Q4", 2026, 4, "Add figures"],
        ["2.1", "FY2026 Q3", 2026, 3, "Wrong quarter"],
    ]


def test_a_returned_update_is_listed_once_as_returned_in_sentence_case() -> None:
    # USAID (2) in Q4: 1.1 returned, 2.1 submitted. The returned one is not owed a second time.
    assert reporting.my_owed(EXPECTED, SUBMISSIONS, Q4, frozenset({2}), today=AFTER_DUE, due_days=30).empty
    assert list(reporting.my_returned(EXPECTED, SUBMISSIONS, frozenset({2}))["state"]) == ["Returned", "Returned"]
    # DEA (3) has sent nothing for 2.1 in Q4: owed, not submitted, 1 day after the due date.
    owed = reporting.my_owed(EXPECTED, SUBMISSIONS, Q4, frozenset({3}), today=AFTER_DUE, due_days=30)
    assert owed[["code", "state", "days_late"]].values.tolist() == [["2.1", "Not submitted", 1]]


def test_days_late_counts_from_the_due_date_and_is_zero_before_it() -> None:
    assert list(reporting.outstanding(EXPECTED, SUBMISSIONS, Q4, today=BEFORE_DUE, due_days=30)["days_late"]) == [0, 0]
    late = reporting.outstanding(EXPECTED, SUBMISSIONS, Q4, today=date(2026, 11, 30), due_days=30)
    assert list(late["days_late"]) == [31, 31]  # due 30 Oct 2026


# Shared with tests/store/test_owed.py, which holds the SQL form of the rule to the same cases.
FIRST_QUARTER_CASES = [
    # Peru: approved 21 Mar 2022 (FY2022 Q2), so reporting starts in FY2022 Q3.
    (Mission(strategy_start=2022, strategy_end=2026, approved_on=date(2022, 3, 21)), FiscalQuarter(2022, 3)),
    # Approved on 1 October 2021, the first day of FY2022 Q1: reporting starts in FY2022 Q2.
    (Mission(strategy_start=2022, strategy_end=2026, approved_on=date(2021, 10, 1)), FiscalQuarter(2022, 2)),
    # Approved on the last day of FY2022 Q4 (30 Sep 2022): FY2023 Q1.
    (Mission(strategy_start=2022, strategy_end=2026, approved_on=date(2022, 9, 30)), FiscalQuarter(2023, 1)),
    # Approved long before the strategy starts: never before its first quarter.
    (Mission(strategy_start=2022, strategy_end=2026, approved_on=date(2020, 5, 1)), FiscalQuarter(2022, 1)),
    # No approval date: the strategy's first quarter.
    (Mission(strategy_start=2023, strategy_end=2027), FiscalQuarter(2023, 1)),
    # A first reporting quarter set on import wins over the approval date ...
    (
        Mission(
            strategy_start=2022,
            strategy_end=2026,
            approved_on=date(2022, 3, 21),
            reporting_from_fy=2023,
            reporting_from_quarter=2,
        ),
        FiscalQuarter(2023, 2),
    ),
    # ... but not over the strategy's start.
    (
        Mission(strategy_start=2022, strategy_end=2026, reporting_from_fy=2021, reporting_from_quarter=4),
        FiscalQuarter(2022, 1),
    ),
    # Half a setting (year without quarter) is not a setting: the approval date decides.
    (
        Mission(strategy_start=2022, strategy_end=2026, approved_on=date(2022, 3, 21), reporting_from_fy=2024),
        FiscalQuarter(2022, 3),
    ),
]


@pytest.mark.parametrize(("mission", "first"), FIRST_QUARTER_CASES)
def test_first_reporting_quarter(mission: Mission, first: FiscalQuarter) -> None:
    assert reporting.first_reporting_quarter(mission) == first


def test_owed_from_never_starts_before_reporting() -> None:
    first = FiscalQuarter(2022, 3)
    assert reporting.owed_from(FiscalQuarter(2022, 1), first) == first
    assert reporting.owed_from(None, first) == first
    assert reporting.owed_from(FiscalQuarter(2024, 2), first) == FiscalQuarter(2024, 2)


def _actor(role: str, *, agencies: frozenset[int] = frozenset(), groups: frozenset[int] = frozenset()) -> Actor:
    return Actor(email=f"{role}@x", role=role, user_id=1, agency_ids=agencies, working_group_ids=groups)


@pytest.mark.parametrize(
    ("actor", "reviewable", "comments"),
    [
        (Actor.anonymous(), None, ["", ""]),
        (_actor("viewer"), None, ["", ""]),
        (_actor("contributor", agencies=frozenset({2})), None, ["Wrong quarter", ""]),  # own agency only
        (_actor("contributor", agencies=frozenset({3})), None, ["", "Late"]),
        (_actor("chair", groups=frozenset({9})), {1}, ["", ""]),  # 1.1 only: neither row is theirs
        (_actor("chair", groups=frozenset({9})), {2}, ["Wrong quarter", "Late"]),
        (_actor("admin"), None, ["Wrong quarter", "Late"]),
        (
            Actor(email="gone@x", role="contributor", user_id=1, agency_ids=frozenset({2}), disabled=True),
            None,
            ["", ""],
        ),
    ],
)
def test_return_comments_are_shown_only_to_those_with_a_right(
    actor: Actor, reviewable: set[int] | None, comments: list[str]
) -> None:
    rows = pd.DataFrame(
        {"objective_id": [2, 2], "agency_id": [2, 3], "review_comment": ["Wrong quarter", "Late"]},
    )
    assert list(reporting.with_visible_comments(rows, actor, reviewable)["review_comment"]) == comments


def test_to_review_leaves_out_other_groups_and_the_reviewers_own_updates() -> None:
    everything = reporting.to_review(EXPECTED, SUBMISSIONS, None, None)
    assert everything[["status_update_id", "quarter_label", "quarter"]].values.tolist() == [[12, "FY2026 Q4", 4]]
    assert reporting.to_review(EXPECTED, SUBMISSIONS, {1}, None).empty  # objective 2.1 is not the chair's
    assert reporting.to_review(EXPECTED, SUBMISSIONS, None, "usaid@x").empty  # nobody reviews their own update


@pytest.mark.parametrize(
    ("today", "sentence"),
    [
        (date(2026, 12, 2), "FY2026 Q4 updates were due on 30 Oct 2026, 33 days ago"),
        (date(2026, 10, 31), "FY2026 Q4 updates were due on 30 Oct 2026, 1 day ago"),
        (date(2026, 10, 30), "FY2026 Q4 updates are due today, 30 Oct 2026"),
        (date(2026, 10, 29), "FY2026 Q4 updates are due on 30 Oct 2026, in 1 day"),
        (date(2026, 10, 1), "FY2026 Q4 updates are due on 30 Oct 2026, in 29 days"),
    ],
)
def test_the_due_date_is_worded_in_the_tense_today_calls_for(today: date, sentence: str) -> None:
    quarter = FiscalQuarter(2026, 4)
    assert reporting.due_sentence(quarter, reporting.due_date(quarter, 30), today) == sentence
