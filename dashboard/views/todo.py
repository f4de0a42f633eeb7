"""The "My to-do" page's content, built from cached frames and the signed-in actor (passed in, never read here)."""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.domain import reporting
from dashboard.domain.actor import Actor
from dashboard.domain.fiscal import FiscalQuarter, reporting_quarter

TABLE_LABELS = {
    "code": "Objective",
    "objective_title": "Title",
    "agency": "Agency",
    "working_group": "Working group",
    "quarter_label": "Quarter",
    "state": "State",
    "due": "Due",
    "overdue": "Overdue",
    "review_comment": "Chair's comment",
    "reviewer": "Returned by",
    "revision": "Revision",
    "author": "Submitted by",
    "status": "Status",
    "progress": "Progress (%)",
    "risk_level": "Risk level",
}


@dataclass(frozen=True)
class TodoView:
    quarter: FiscalQuarter
    due: date
    owed: pd.DataFrame
    returned: pd.DataFrame
    to_review: pd.DataFrame

    @property
    def summary(self) -> str:
        parts = [
            f"{len(self.owed)} owed for {self.quarter.label}",
            f"{len(self.returned)} returned",
            f"{len(self.to_review)} to review",
        ]
        return " · ".join(parts)


def build(
    actor: Actor,
    expected: pd.DataFrame,
    submissions: pd.DataFrame,
    *,
    reviewable: set[int] | None,
    today: date,
    due_days: int,
    quarter: FiscalQuarter | None = None,
) -> TodoView:
    """What ``actor`` has to do now: the reporting quarter's owed updates, returned ones, and the review queue.

    ``quarter`` is the quarter owed (default: the one being reported on ``today``); the page passes the submit
    page's default, which stops at the strategy's last quarter.
    """
    quarter = quarter or reporting_quarter(today)
    owed = reporting.my_owed(expected, submissions, quarter, actor.agency_ids, today=today, due_days=due_days)
    returned = reporting.my_returned(expected, submissions, actor.agency_ids)
    waiting = (
        reporting.to_review(expected, submissions, reviewable, actor.email)
        if actor.can_review
        else submissions.iloc[0:0]
    )
    return TodoView(quarter, reporting.due_date(quarter, due_days), owed, returned, waiting)


def table(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The displayable columns of a to-do frame (all known ones unless ``columns``), with readable headers."""
    columns = [c for c in (columns or TABLE_LABELS) if c in frame.columns]
    return frame[columns].rename(columns=TABLE_LABELS)
