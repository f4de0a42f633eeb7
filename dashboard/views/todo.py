"""The "My to-do" page's content, built from cached frames and the signed-in actor (passed in, never read here).

Each owed or returned update is a ``TodoItem`` whose ``submit_params`` open the Submit page on exactly that
update. The Submit page's query-parameter contract (``st.switch_page(..., query_params=item.submit_params)``):

    objective  the objective's code, e.g. "1.1"
    agency     the agency's acronym, e.g. "USAID"
    quarter    the fiscal quarter as "<fiscal year>Q<n>", e.g. "2026Q4" (``FiscalQuarter.parse`` reads it)

e.g. ``?objective=1.1&agency=USAID&quarter=2026Q4``.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

import pandas as pd

from dashboard.domain import links, reporting
from dashboard.domain.actor import Actor
from dashboard.domain.fiscal import FiscalQuarter, reporting_quarter
from models.scales import NOT_SUBMITTED, TRACKER_LABELS

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
    draft_saved: datetime | None = None  # when the agency's draft of it was last saved, if there is one

    def state_text(self, zone: tzinfo | None, now: datetime) -> str:
        """The state as the list shows it: "Not submitted", or "Draft saved 09:05" when a draft waits;
        "Returned · draft saved 09:05" for a returned update being fixed (the time: ``saved_time``)."""
        if self.draft_saved is None:
            return self.state
        when = saved_time(self.draft_saved, zone, now)
        return (
            f"Draft saved {when}"
            if self.state == TRACKER_LABELS[NOT_SUBMITTED]
            else f"{self.state} · draft saved {when}"
        )

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


def saved_time(saved: datetime, zone: tzinfo | None, now: datetime) -> str:
    """When something was saved, in the reader's time zone (``zone``, from the browser): "09:05"; in UTC, and saying
    so, when the page does not know it: "14:05 UTC". The day is added when it is not today ("28 Nov 09:05"), and the
    year when it is not this year."""
    local, today = saved.astimezone(zone or UTC), now.astimezone(zone or UTC).date()
    day = "" if local.date() == today else f"{local:%d %b} " if local.year == today.year else f"{local:%d %b %Y} "
    return f"{day}{local:%H:%M}" + ("" if zone else " UTC")


def button_names(verb: str, items: list[TodoItem]) -> list[str]:
    """Each item's button name, one per item and never two alike (a screen reader lists buttons by name):
    "Submit 3.2 for DEA", with the quarter where two items share an objective and agency ("Fix 1.1 for USAID,
    FY2026 Q3")."""
    shared = Counter((item.code, item.agency) for item in items)
    names = [f"{verb} {item.code} for {item.agency}" for item in items]
    return [
        f"{name}, {item.quarter.label}" if shared[item.code, item.agency] > 1 else name
        for name, item in zip(names, items, strict=True)
    ]


def _draft_times(drafts: pd.DataFrame) -> dict[tuple[int, int, int, int], datetime]:
    return {
        (int(o), int(a), int(y), int(q)): saved.to_pydatetime()
        for o, a, y, q, saved in zip(
            drafts["objective_id"],
            drafts["agency_id"],
            drafts["fiscal_year"],
            drafts["quarter"],
            drafts["draft_saved"],
            strict=True,
        )
    }


@dataclass(frozen=True)
class TodoView:
    quarter: FiscalQuarter
    due: date
    owed: pd.DataFrame
    returned: pd.DataFrame
    to_review: pd.DataFrame
    drafts: dict[tuple[int, int, int, int], datetime] = field(default_factory=dict)
    """When each of the user's agencies' drafts was saved, by (objective, agency, fiscal year, quarter) ids."""

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
                draft_saved=self.drafts.get(
                    (int(row.objective_id), int(row.agency_id), self.quarter.fiscal_year, self.quarter.quarter)
                ),
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
                draft_saved=self.drafts.get(
                    (int(row.objective_id), int(row.agency_id), int(row.fiscal_year), int(row.quarter))
                ),
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
    drafts: pd.DataFrame | None = None,
    closed: frozenset[int] = frozenset(),
) -> TodoView:
    """What ``actor`` has to do now: the reporting quarter's unsent updates, returned ones, and the review queue.

    ``quarter`` is the quarter owed (default: the one being reported on ``today``); the page passes the submit
    page's default, which stops at the strategy's last quarter. A returned update is listed once, as returned.
    ``drafts`` (``queries.drafts_frame``) are the actor's agencies' saved drafts: an item with one says when.
    Nothing of a ``closed`` quarter (quarter indexes) is listed: nothing can be written for it.
    """
    quarter = quarter or reporting_quarter(today)
    owed = reporting.my_owed(expected, submissions, quarter, actor.agency_ids, today=today, due_days=due_days)
    if quarter.index in closed:
        owed = owed.iloc[0:0]
    submissions = reporting.open_only(submissions, closed)
    returned = reporting.my_returned(expected, submissions, actor.agency_ids)
    waiting = (
        reporting.to_review(expected, submissions, reviewable, actor.email)
        if actor.can_review
        else submissions.iloc[0:0]
    )
    times = _draft_times(drafts) if drafts is not None else {}
    return TodoView(quarter, reporting.due_date(quarter, due_days), owed, returned, waiting, times)


def table(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The displayable columns of a to-do frame (all known ones unless ``columns``), with readable headers."""
    columns = [c for c in (columns or TABLE_LABELS) if c in frame.columns]
    return frame[columns].rename(columns=TABLE_LABELS)


def other_posts(actor: Actor, mission_id: int) -> list[int]:
    """The other missions where ``actor`` reports for an agency, in id order (a user may report at several posts)."""
    return sorted({mission for mission, _, _ in actor.bindings if mission != mission_id})


def elsewhere_sentence(post: str, view: TodoView) -> str | None:
    """One line for another post's to-do (None when nothing is owed or returned there)."""
    if view.owed.empty and view.returned.empty:
        return None
    return f"At {post}: {len(view.owed)} owed for {view.quarter.label}, {len(view.returned)} returned."
