"""The "My to-do" page's content, built from cached frames and the signed-in actor (passed in, never read here).

Each owed or returned update is a ``TodoItem`` whose ``submit_params`` open the Submit page on exactly that
update. The Submit page's query-parameter contract (``st.switch_page(..., query_params=item.submit_params)``):

    objective  the objective's code, e.g. "1.1"
    agency     the agency's acronym, e.g. "USAID"
    quarter    the fiscal quarter as "<fiscal year>Q<n>", e.g. "2026Q4" (``FiscalQuarter.parse`` reads it)

e.g. ``?objective=1.1&agency=USAID&quarter=2026Q4``.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.domain import links, reporting
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
    "days_late": "Days late",
    "overdue": "Overdue",
    "review_comment": "Chair's comment",
    "reviewer": "Returned by",
    "revision": "Revision",
    "author": "Submitted by",
    "status": "Status",
    "progress": "Progress (%)",
    "risk_level": "Risk level",
}


def submit_params(code: str, agency: str, quarter: FiscalQuarter) -> dict[str, str]:
    """``{"objective": "1.1", "agency": "USAID", "quarter": "2026Q4"}``: the Submit page on one update."""
    return links.submit_link(code, agency, quarter)


@dataclass(frozen=True)
class TodoItem:
    """One update to send or fix, as the to-do page lists it."""

    code: str
    objective_title: str
    agency: str
    quarter: FiscalQuarter
    state: str  # "Not submitted" or "Returned"
    comment: str = ""
    reviewer: str = ""
    days_late: int = 0

    @property
    def label(self) -> str:
        """E.g. "1.1 · USAID · FY2026 Q4"."""
        return f"{self.code} · {self.agency} · {self.quarter.label}"

    @property
    def submit_params(self) -> dict[str, str]:
        """The Submit page's query parameters for exactly this update (see the module docstring)."""
        return submit_params(self.code, self.agency, self.quarter)

    @property
    def key(self) -> str:
        """A widget-key suffix unique to this update."""
        return f"{self.code}_{self.agency}_{self.quarter.fiscal_year}Q{self.quarter.quarter}"


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

    @property
    def owed_items(self) -> list[TodoItem]:
        """The updates not yet submitted for the quarter, by objective."""
        return [
            TodoItem(
                code=str(row.code),
                objective_title=str(row.objective_title),
                agency=str(row.agency),
                quarter=self.quarter,
                state=str(row.state),
                days_late=int(row.days_late),
            )
            for row in self.owed.itertuples()
        ]

    @property
    def returned_items(self) -> list[TodoItem]:
        """The returned updates (any quarter), newest quarter first, each once, with the chair's whole comment."""
        return [
            TodoItem(
                code=str(row.code),
                objective_title=str(row.objective_title),
                agency=str(row.agency),
                quarter=FiscalQuarter(int(row.fiscal_year), int(row.quarter)),
                state=str(row.state),
                comment=str(row.review_comment),
                reviewer=str(row.reviewer),
            )
            for row in self.returned.itertuples()
        ]


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
    """What ``actor`` has to do now: the reporting quarter's unsent updates, returned ones, and the review queue.

    ``quarter`` is the quarter owed (default: the one being reported on ``today``); the page passes the submit
    page's default, which stops at the strategy's last quarter. A returned update is listed once, as returned.
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
