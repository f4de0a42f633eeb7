"""What the Submit and Review pages show of one update, read fresh (never cached: a conflict check needs
the newest revision). Plain functions over an engine; the acting user is an argument.
"""

import json
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import col, select

from dashboard.domain import links
from dashboard.domain.fiscal import FiscalQuarter, quarter_range, reporting_quarter, strategy_quarters
from dashboard.services import submissions
from dashboard.services.submissions import Revision
from dashboard.store.database import read_session
from models import (
    Indicator,
    IndicatorValue,
    Mission,
    UpdateDraft,
)
from models.fields import NARRATIVE_FIELDS, UPDATE_FIELDS, UpdateKey
from models.scales import ReviewState, RiskLevel, Status

STATE_LABELS = {s.value: s.description for s in ReviewState if s is not ReviewState.DRAFT}


def state_label(state: str) -> str:
    """ "submitted" → "Submitted, waiting for review"."""
    return STATE_LABELS.get(state, state)


def revision_label(history: list[Revision], index: int) -> str:
    """What ``history[index]`` is now: the newest revision's state, or for an older one what became of it
    ("Approved, then superseded by revision 3"; "Superseded by revision 3" when it was never reviewed)."""
    revision = history[index]
    if index == len(history) - 1:
        return STATE_LABELS.get(revision.state, revision.state)
    newer = history[index + 1].revision
    if revision.reviews:
        return f"{STATE_LABELS.get(revision.state, revision.state)}, then superseded by revision {newer}"
    return f"Superseded by revision {newer}"


@dataclass(frozen=True)
class Requested:
    """The update a link asks the Submit page to open (None: keep the page's default), and a note when a value
    in the link could not be used."""

    objective_id: int | None = None
    agency_id: int | None = None
    quarter: FiscalQuarter | None = None
    note: str = ""


def requested_update(params: dict[str, str], pairs: pd.DataFrame, quarters: list[FiscalQuarter]) -> Requested:
    """Read the To-do page's link (``objective``, ``agency``, ``quarter``; see ``views.todo``) against what the
    user reports on: ``pairs`` (objective_id, code, agency_id, agency) and the ``quarters`` one may report on.

    A value the user cannot report on is ignored, and the note says so in one sentence.
    """
    code = params.get("objective", "").strip()
    acronym = params.get("agency", "").strip()
    quarter_text = params.get("quarter", "").strip()
    problems: list[str] = []
    objective_id = agency_id = None
    quarter = None
    if code:
        rows = pairs[pairs["code"].str.upper() == code.upper()[:20]]
        if rows.empty:
            problems.append(f"objective {code[:20]} is not one you report on")
        else:
            objective_id = int(rows.iloc[0]["objective_id"])
            if acronym:
                match = rows[rows["agency"].str.upper() == acronym.upper()[:20]]
                if match.empty:
                    problems.append(f"{acronym[:20]} does not report on objective {code[:20]} through you")
                else:
                    agency_id = int(match.iloc[0]["agency_id"])
    if quarter_text:
        try:
            quarter = FiscalQuarter.parse(quarter_text[:20])
        except ValueError:
            problems.append(f"{quarter_text[:20]} is not a fiscal quarter")
        else:
            if quarter not in quarters:
                problems.append(f"{quarter.label} is not a quarter you can report on")
                quarter = None
    note = ""
    if problems:
        note = "The link could not be followed in full: " + "; ".join(problems) + ". Pick the update below."
    return Requested(objective_id, agency_id, quarter, note)


REVIEW_PICK = "review_pick"
"""The Review page's chooser of the update to review (its session-state key)."""
_REVIEW_LINK_SEEN = "review_link_seen"


def queue_links(queue: pd.DataFrame) -> dict[int, dict[str, str]]:
    """Each update waiting for review (by ``status_update_id``) and the link's parameters that name it."""
    return {
        int(row.status_update_id): links.review_link(
            str(row.code), str(row.agency), FiscalQuarter(int(row.fiscal_year), int(row.quarter))
        )
        for row in queue.itertuples()
    }


def follow_review_link(state: MutableMapping[str, Any], params: Mapping[str, Any], queue: pd.DataFrame) -> str:
    """Point the Review page's chooser at the update a link names (``links.review_link``, e.g. a row of My to-do),
    once per link: a link already followed, or the address of a pick made on the page (``remember_pick``), is
    left alone. Returns a note when the update it names is not waiting for this reviewer, else ""."""
    link = {name: str(params.get(name, "")) for name in links.UPDATE_PARAMS}
    if not any(link.values()) or link == state.get(_REVIEW_LINK_SEEN):
        return ""
    state[_REVIEW_LINK_SEEN] = link
    found = [update_id for update_id, params_of in queue_links(queue).items() if params_of == link]
    if found:
        state[REVIEW_PICK] = found[0]
        return ""
    named = " · ".join(value[:20] for value in link.values() if value)
    return f"{named} is not waiting for your review (already decided, or not on your groups' objectives)."


def remember_pick(state: MutableMapping[str, Any], params: MutableMapping[str, Any], queue: pd.DataFrame) -> None:
    """After a pick on the Review page: the address names the update picked, so a reload or a copied address opens
    it, and it is not taken for a new link."""
    link = queue_links(queue).get(state.get(REVIEW_PICK, -1))
    if link is not None:
        params.update(link)
        state[_REVIEW_LINK_SEEN] = link


def quarter_options(mission: Mission, today: date) -> tuple[list[FiscalQuarter], FiscalQuarter]:
    """Quarters one may report on (strategy start to the current quarter) and the default: the one being reported."""
    first, last = strategy_quarters(mission.strategy_start, mission.strategy_end)
    newest = min(last, FiscalQuarter.containing(today))
    options = quarter_range(first, newest) if first <= newest else [first]
    default = min(max(reporting_quarter(today), first), options[-1])
    return options, default


@dataclass
class SubmitContext:
    key: UpdateKey
    history: list[Revision]
    draft: UpdateDraft | None
    previous: Revision | None
    indicators: list[Indicator]
    indicator_defaults: dict[int, float] = field(default_factory=dict)
    indicator_values: dict[int, float] = field(default_factory=dict)
    """The newest stored value of each indicator for this quarter."""
    previous_indicator_values: dict[int, float] = field(default_factory=dict)
    """The same for the quarter before."""

    @property
    def latest(self) -> Revision | None:
        return self.history[-1] if self.history else None

    @property
    def base_revision(self) -> int:
        """The revision an edit starts from: the draft's, else the newest stored one (0 if none)."""
        if self.draft is not None:
            return self.draft.base_revision
        return self.latest.revision if self.latest else 0

    def defaults(self) -> dict[str, Any]:
        """Form values: the draft, else the newest revision, else the previous quarter's scales with empty text."""
        if self.draft is not None:
            return {f: getattr(self.draft, f) for f in UPDATE_FIELDS}
        if self.latest is not None:
            return self.latest.values()
        values: dict[str, Any] = {"status": Status.ON_TRACK.value, "progress": 0, "risk_level": RiskLevel.LOW.value}
        if self.previous is not None:
            values.update({f: getattr(self.previous, f) for f in ("status", "progress", "risk_level")})
        values.update({name: "" for name in NARRATIVE_FIELDS})
        return values

    def status_line(self) -> str:
        if self.latest is None:
            line = "Not submitted yet."
        else:
            latest = self.latest
            line = (
                f"Revision {latest.revision}: {STATE_LABELS.get(latest.state, latest.state)} "
                f"(submitted by {latest.author}, {latest.created_at:%d %b %Y %H:%M} UTC)."
            )
        if self.draft is not None:
            line += f" A draft saved by {self.draft.author} is loaded below."
        return line

    def return_comment(self) -> str | None:
        latest = self.latest
        if latest is None or latest.state != ReviewState.RETURNED or not latest.reviews:
            return None
        review = latest.reviews[-1]
        return f"Returned by {review.reviewer}: {review.comment}"


def load(engine: Engine, key: UpdateKey) -> SubmitContext:
    objective_id, agency_id, fiscal_year, quarter = key
    previous_quarter = FiscalQuarter(fiscal_year, quarter).previous()
    with read_session(engine) as session:
        history = submissions.revisions(session, key)
        draft = submissions.load_draft(session, key)
        before = submissions.revisions(
            session, (objective_id, agency_id, previous_quarter.fiscal_year, previous_quarter.quarter)
        )
        indicators = list(
            session.exec(select(Indicator).where(Indicator.objective_id == objective_id).order_by(Indicator.id))
        )
        ids = [i.id for i in indicators if i.id is not None]
        stored = _indicator_values(session, ids, FiscalQuarter(fiscal_year, quarter))
        stored_before = _indicator_values(session, ids, previous_quarter)
    draft_values = json.loads(draft.indicator_values) if draft is not None else {}
    return SubmitContext(
        key=key,
        history=history,
        draft=draft,
        previous=before[-1] if before else None,
        indicators=indicators,
        indicator_defaults={int(k): float(v) for k, v in draft_values.items()} if draft is not None else stored,
        indicator_values=stored,
        previous_indicator_values=stored_before,
    )


def _indicator_values(session: Any, indicator_ids: list[int], quarter: FiscalQuarter) -> dict[int, float]:
    """The newest stored value of each of ``indicator_ids`` for ``quarter``."""
    if not indicator_ids:
        return {}
    rows = session.exec(
        select(IndicatorValue)
        .where(
            col(IndicatorValue.indicator_id).in_(indicator_ids),
            IndicatorValue.fiscal_year == quarter.fiscal_year,
            IndicatorValue.quarter == quarter.quarter,
        )
        .order_by(col(IndicatorValue.revision))
    ).all()
    return {row.indicator_id: float(row.value) for row in rows}  # the newest revision comes last and wins


def indicator_frame(context: SubmitContext) -> pd.DataFrame:
    """The objective's indicators with their target and their values this quarter and the quarter before."""
    quarter = FiscalQuarter(context.key.fiscal_year, context.key.quarter)
    rows = [
        (
            indicator.name,
            indicator.unit or "value",
            indicator.target,
            context.previous_indicator_values.get(indicator.id or -1),
            context.indicator_values.get(indicator.id or -1),
        )
        for indicator in context.indicators
    ]
    return pd.DataFrame(rows, columns=["Indicator", "Unit", "Target", quarter.previous().label, quarter.label])


def comparisons(history: list[Revision]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """What changed in the newest revision, as a chair reviews it: since the last approved earlier revision
    and since the previous one (once when they are the same revision), each with a heading."""
    if len(history) < 2:
        return []
    latest, previous = history[-1], history[-2]
    approved = next((r for r in reversed(history[:-1]) if r.state == ReviewState.APPROVED), None)
    out = []
    if approved is not None and approved.revision != previous.revision:
        out.append(
            (
                f"Changed since revision {approved.revision}, the last approved one",
                submissions.diff(approved, latest),
            )
        )
    what = "the previous one, last approved" if approved is previous else "the previous one"
    if approved is None:
        what += "; no revision of this update was approved yet"
    out.append((f"Changed since revision {previous.revision}, {what}", submissions.diff(previous, latest)))
    return out


def trail_lines(history: list[Revision]) -> list[str]:
    """Every review decision on this update, newest first, as one line each with who, when and the comment."""
    trail = review_trail(history)
    return [
        f"Revision {r.Revision}: {r.Decision} by {r.By}, {r.When}" + (f": {r.Comment}" if r.Comment else "")
        for r in trail.itertuples()
    ]


def review_trail(history: list[Revision]) -> pd.DataFrame:
    """Every review decision on this update's revisions, newest first: revision, decision, who, when, comment."""
    rows = [
        (revision.revision, note.decision.capitalize(), note.reviewer, f"{note.at:%d %b %Y %H:%M} UTC", note.comment)
        for revision in history
        for note in revision.reviews
    ]
    return pd.DataFrame(list(reversed(rows)), columns=["Revision", "Decision", "By", "When", "Comment"])


def key_text(key: UpdateKey) -> str:
    return "_".join(str(part) for part in key)


def previous_line(previous: Revision) -> str:
    """The previous quarter's update in two lines: its scales, then its revision, author and state."""
    return (
        f"{previous.status} · {previous.progress}% · risk {previous.risk_level}\n"
        f"Revision {previous.revision} by {previous.author} ({previous.state})"
    )


def indicator_label(indicator: Indicator) -> str:
    """The form's label of an indicator's input, e.g. "Officers trained (people; target 80)"."""
    return f"{indicator.name} ({indicator.unit or 'value'}; target {indicator.target:g})"


def history_rows(history: list[Revision]) -> list[tuple[Revision, str, list[tuple[str, str, str]]]]:
    """Each revision, newest first, with its label now (``revision_label``) and what changed from the one before."""
    out = []
    for index, revision in enumerate(history):
        before = history[index - 1] if index else None
        out.append((revision, revision_label(history, index), submissions.diff(before, revision)))
    return list(reversed(out))


def diff_frame(changes: list[tuple[str, str, str]], before: str = "Before", after: str = "After") -> pd.DataFrame:
    return pd.DataFrame(changes, columns=["Field", before, after])
