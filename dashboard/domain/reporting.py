"""The reporting calendar: what is due, what came in, what is overdue, and each person's to-do list.

Pure functions over the frames from ``dashboard.queries`` (``expected_frame`` and
``submissions_frame``). "Received" means the newest revision is submitted or
approved; a returned update is owed again until it is fixed.
"""

from datetime import date, datetime, timedelta

import pandas as pd

from dashboard.domain import effective
from dashboard.domain.actor import Actor
from dashboard.domain.fiscal import FiscalQuarter
from models import Mission
from models.scales import NOT_SUBMITTED, OUTSTANDING_STATES, RECEIVED_STATES, TRACKER_LABELS, ReviewState

APPROVED, SUBMITTED, RETURNED = ReviewState.APPROVED.value, ReviewState.SUBMITTED.value, ReviewState.RETURNED.value

OUTSTANDING_COLUMNS = [
    "code",
    "objective_title",
    "agency",
    "working_group",
    "quarter_label",
    "state",
    "due",
    "overdue",
    "days_late",
    "review_comment",
]
STATE_LABELS = TRACKER_LABELS


def first_reporting_quarter(mission: Mission) -> FiscalQuarter:
    """The first quarter a mission's agencies owe updates for: quarters before it are never "missed".

    ``Mission.reporting_from_fy``/``reporting_from_quarter`` when set; otherwise the quarter after the one the
    strategy was approved in; otherwise the strategy's first quarter. Never before the strategy's first quarter.
    """
    floor = FiscalQuarter(int(mission.strategy_start), 1)
    if mission.reporting_from_fy is not None and mission.reporting_from_quarter is not None:
        first = FiscalQuarter(int(mission.reporting_from_fy), int(mission.reporting_from_quarter))
    elif mission.approved_on is not None:
        first = FiscalQuarter.containing(mission.approved_on).next()
    else:
        first = floor
    return max(first, floor)


def first_open_quarter(today: date) -> FiscalQuarter:
    """The first quarter nobody has reported on yet: the one in progress on ``today``. A change that takes effect
    "from now" (a lead change, a retirement) starts here by default: from the quarter being reported it would
    drop reports already in and make agencies late at once."""
    return FiscalQuarter.containing(today)


def not_owed_reason(
    *,
    agency: str,
    code: str,
    quarter: FiscalQuarter,
    first: FiscalQuarter,
    retired_from: FiscalQuarter | None,
    owes_other_quarters: bool,
) -> tuple[str, str]:
    """Why an agency owes no update on an objective for ``quarter``, as (field, sentence): the quarter is before the
    mission's first reporting quarter ``first``, the objective was retired, or the agency holds no role then."""
    if quarter < first:
        return "quarter", f"{quarter.label} is before reporting began ({first.label}): nothing is owed for it"
    if retired_from is not None and quarter >= retired_from:
        return "objective", f"objective {code} was retired from {retired_from.label}: nothing is owed on it since"
    when = f" in {quarter.label}" if owes_other_quarters else ""
    return "agency", f"{agency} is not a lead or contributing agency on objective {code}{when}"


def nothing_owed(expected: pd.DataFrame, quarter: FiscalQuarter) -> str | None:
    """A sentence when ``expected`` owes nothing at all for ``quarter`` (before reporting began, after the
    strategy ended, or every objective retired), else None."""
    if not effective.in_effect(expected, quarter).empty:
        return None
    if expected.empty:
        return f"Nothing is owed for {quarter.label}: no objective has a lead or contributing agency yet."
    first, last = (
        FiscalQuarter.of_index(int(q)) for q in (expected["from_qindex"].min(), expected["until_qindex"].max())
    )
    if quarter < first:
        return f"Nothing is owed for {quarter.label}: reporting begins in {first.label}."
    if quarter > last:
        return f"Nothing is owed for {quarter.label}: the last quarter that owes updates is {last.label}."
    return f"Nothing is owed for {quarter.label}."


def owed_from(start: FiscalQuarter | None, first: FiscalQuarter) -> FiscalQuarter:
    """The start of a range of quarters, moved up to the mission's first reporting quarter when earlier."""
    return first if start is None else max(start, first)


def _with_quarter_label(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``quarter_label`` ("FY2026 Q4") beside the numeric ``fiscal_year`` and ``quarter``."""
    frame["quarter_label"] = [
        FiscalQuarter(int(y), int(q)).label for y, q in zip(frame["fiscal_year"], frame["quarter"], strict=True)
    ]
    return frame


def mission_due_days(own: object, deployment: int) -> int:
    """Days after a quarter ends that a mission's updates fall due: the mission's own setting, else the
    deployment's ``ICS_DUE_DAYS`` (``deployment``). The one rule every page, the brief and the roll-up use."""
    return deployment if own is None or pd.isna(own) else int(own)  # type: ignore[call-overload]


def due_date(quarter: FiscalQuarter, due_days: int) -> date:
    """Updates for a quarter fall due ``due_days`` after its last day."""
    return quarter.end + timedelta(days=due_days)


def due_sentence(quarter: FiscalQuarter, due: date, today: date) -> str:
    """When a quarter's updates fall due, in the tense ``today`` calls for: "FY2026 Q4 updates were due on
    30 Oct 2026, 33 days ago", "… are due today, 30 Oct 2026", "… are due on 30 Oct 2026, in 12 days"."""
    days = abs((due - today).days)
    span = f"{days} day" + ("" if days == 1 else "s")
    if today > due:
        return f"{quarter.label} updates were due on {due:%d %b %Y}, {span} ago"
    if today == due:
        return f"{quarter.label} updates are due today, {due:%d %b %Y}"
    return f"{quarter.label} updates are due on {due:%d %b %Y}, in {span}"


def _for_quarter(submissions: pd.DataFrame, quarter: FiscalQuarter) -> pd.DataFrame:
    return submissions[
        (submissions["fiscal_year"] == quarter.fiscal_year) & (submissions["quarter"] == quarter.quarter)
    ]


def _joined(expected: pd.DataFrame, submissions: pd.DataFrame, quarter: FiscalQuarter) -> pd.DataFrame:
    got = _for_quarter(submissions, quarter)[
        ["objective_id", "agency_id", "state", "status_update_id", "review_comment", "author"]
    ]
    return effective.in_effect(expected, quarter).merge(got, on=["objective_id", "agency_id"], how="left")


def tracker(
    expected: pd.DataFrame,
    submissions: pd.DataFrame,
    quarters: list[FiscalQuarter],
    *,
    today: date,
    due_days: int,
) -> pd.DataFrame:
    """One row per quarter: expected, received, approved, awaiting review, returned, missing, due date, overdue."""
    rows = []
    for quarter in quarters:
        joined = _joined(expected, submissions, quarter)
        state = joined["state"].fillna(NOT_SUBMITTED)
        due = due_date(quarter, due_days)
        missing = int(state.isin(OUTSTANDING_STATES).sum())
        rows.append(
            {
                "quarter": quarter.label,
                "due": due,
                "expected": len(joined),
                "received": int(state.isin(RECEIVED_STATES).sum()),
                APPROVED: int((state == APPROVED).sum()),
                "awaiting_review": int((state == SUBMITTED).sum()),
                RETURNED: int((state == RETURNED).sum()),
                "missing": int((state == NOT_SUBMITTED).sum()),
                "overdue": missing if today > due else 0,
            }
        )
    return pd.DataFrame(rows)


def outstanding(
    expected: pd.DataFrame, submissions: pd.DataFrame, quarter: FiscalQuarter, *, today: date, due_days: int
) -> pd.DataFrame:
    """Every expected update for ``quarter`` not yet received (missing, or returned for fixing)."""
    joined = _joined(expected, submissions, quarter)
    joined["state"] = joined["state"].fillna(NOT_SUBMITTED)
    left = joined[joined["state"].isin(OUTSTANDING_STATES)].copy()
    due = due_date(quarter, due_days)
    left["quarter_label"] = quarter.label
    left["due"] = due
    left["overdue"] = today > due
    left["days_late"] = max((today - due).days, 0)
    left["review_comment"] = left["review_comment"].fillna("")
    left["state"] = left["state"].map(STATE_LABELS)
    return left[[*OUTSTANDING_COLUMNS, "objective_id", "agency_id"]].reset_index(drop=True)


def overdue_by(outstanding_rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Overdue counts per working group or per agency, most overdue first."""
    overdue = outstanding_rows[outstanding_rows["overdue"]]
    if overdue.empty:
        return pd.DataFrame(columns=[column, "overdue", "objectives"])
    grouped = overdue.groupby(column, sort=False).agg(
        overdue=("code", "size"), objectives=("code", lambda c: ", ".join(dict.fromkeys(c)))
    )
    return grouped.reset_index().sort_values(["overdue", column], ascending=[False, True], ignore_index=True)


def my_owed(
    expected: pd.DataFrame,
    submissions: pd.DataFrame,
    quarter: FiscalQuarter,
    agency_ids: frozenset[int],
    *,
    today: date,
    due_days: int,
) -> pd.DataFrame:
    """Updates the user's agencies have not submitted for ``quarter``.

    Returned updates are owed too but listed once, by ``my_returned`` (with the chair's comment), not here.
    """
    rows = outstanding(expected, submissions, quarter, today=today, due_days=due_days)
    mine = rows["agency_id"].isin(agency_ids) & (rows["state"] == STATE_LABELS[NOT_SUBMITTED])
    return rows[mine].reset_index(drop=True)


def my_returned(expected: pd.DataFrame, submissions: pd.DataFrame, agency_ids: frozenset[int]) -> pd.DataFrame:
    """Returned updates (any quarter) of the user's agencies, newest quarter first, with the chair's comment."""
    returned = submissions[(submissions["state"] == RETURNED) & submissions["agency_id"].isin(agency_ids)]
    out = _with_quarter_label(effective.attach(returned, expected, ["code", "objective_title", "agency"]))
    out["state"] = out["state"].map(STATE_LABELS)
    return out.sort_values(["qindex", "code"], ascending=[False, True], ignore_index=True)


def with_visible_comments(rows: pd.DataFrame, actor: Actor, reviewable: set[int] | None) -> pd.DataFrame:
    """``rows`` with each chair's ``review_comment`` blanked unless ``actor`` has a right to read it.

    A reviewer reads the comments on the objectives they review (``reviewable``; None = all, for admins);
    a contributor reads those on their own agencies' updates. Anonymous visitors and viewers read none.
    """
    allowed = pd.Series(False, index=rows.index)
    if actor.signed_in and actor.can_review:
        allowed |= True if reviewable is None else rows["objective_id"].isin(reviewable)
    if actor.signed_in and actor.can_submit:
        allowed |= rows["agency_id"].isin(actor.agency_ids)
    return rows.assign(review_comment=rows["review_comment"].where(allowed, ""))


def to_review(
    expected: pd.DataFrame, submissions: pd.DataFrame, objective_ids: set[int] | None, reviewer: str | None
) -> pd.DataFrame:
    """Submitted updates waiting for a decision on the given objectives (None = all), not written by ``reviewer``."""
    waiting = submissions[submissions["state"] == SUBMITTED]
    if objective_ids is not None:
        waiting = waiting[waiting["objective_id"].isin(objective_ids)]
    if reviewer is not None:
        waiting = waiting[waiting["author"] != reviewer]
    columns = ["code", "objective_title", "agency", "working_group"]
    out = _with_quarter_label(effective.attach(waiting, expected, columns))
    return out.sort_values(["qindex", "code", "agency"], ascending=[False, True, True], ignore_index=True)


def open_only(rows: pd.DataFrame, closed: frozenset[int] | set[int]) -> pd.DataFrame:
    """``rows`` without those of a closed quarter (by ``qindex``): nothing can be written for one, so no list of
    things to do offers them."""
    if not closed or rows.empty:
        return rows
    return rows[~rows["qindex"].isin(list(closed))].reset_index(drop=True)


def day_text(at: object) -> str:
    """A day as the pages, records and e-mails word it, "3 Dec 2026": from a date or datetime, or the ISO text
    SQLite hands out."""
    moment = at if isinstance(at, date) else datetime.fromisoformat(str(at))
    return f"{moment.day} {moment:%b %Y}"


def closed_sentence(quarter_label: str, at: object, actor: str) -> str:
    """The one sentence that refuses a write for a closed quarter, on every path."""
    return f"{quarter_label} was closed on {day_text(at)} by {actor}; an admin can reopen it."
