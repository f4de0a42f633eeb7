"""Quarterly status updates: drafts, submissions (append-only revisions), conflicts and review.

Plain functions taking a session and the acting user's e-mail, keyword-only; call
them inside ``write_session``. The acting user is read fresh in the transaction,
the author of every stored row is that user's e-mail, and nothing stored is ever
changed: a change is a new revision, a review is a new ``review_event`` row.

Lifecycle of an update: Draft (``update_draft``, mutable, not a record) →
Submitted (a ``status_update`` revision) → Returned (with a comment) or Approved.
A returned or approved update is changed by submitting a new revision, which is
Submitted again.
"""

import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from dashboard.domain.actor import AccessDenied, Actor, require_agency
from dashboard.domain.fiscal import FiscalQuarter, strategy_quarters
from dashboard.domain.reporting import first_reporting_quarter, not_owed_reason
from dashboard.services import quarters
from dashboard.services.access import acting, reviewable_objectives
from dashboard.store import roles
from models import (
    Agency,
    Indicator,
    IndicatorValue,
    Mission,
    Objective,
    ObjectiveAgency,
    ReviewEvent,
    ReviewState,
    Status,
    StatusUpdate,
    StatusUpdateCreate,
    UpdateDraft,
    UpdateInput,
)
from models.fields import FIELD_LABELS, UPDATE_FIELDS, UpdateKey
from models.schemas import FieldError

COMMENT_MAX_CHARS = 2000


class Conflict(Exception):
    """Someone saved a newer revision since this edit began. Carries that revision so the UI can show it."""

    def __init__(self, current: StatusUpdate, base_revision: int) -> None:
        self.current = current
        self.base_revision = base_revision
        super().__init__(
            f"{current.author} saved revision {current.revision} of this update at "
            f"{_aware(current.created_at):%Y-%m-%d %H:%M} UTC while you were editing revision {base_revision}. "
            "Nothing was overwritten: review their change, then submit again."
        )


class Incomplete(ValueError):
    """A submission leaves a required narrative empty, or keeps one that no longer fits its status.

    ``problems`` holds one ``(field, message)`` per field; ``lines`` the same as ``"field: message"``.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        self.lines = [f"{name}: {message}" for name, message in problems]
        super().__init__("; ".join(self.lines))


class Unconfirmed(FieldError):
    """A submission that is stored only once the user confirms it: Completed with progress below 100."""


@dataclass(frozen=True)
class Target:
    objective: Objective
    agency: Agency
    mission: Mission
    quarter: FiscalQuarter


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def check_quarter(mission: Mission, quarter: FiscalQuarter, today: date) -> None:
    first, last = strategy_quarters(mission.strategy_start, mission.strategy_end)
    if not first <= quarter <= last:
        raise FieldError("quarter", f"{quarter.label} is outside the strategy period ({first.label} to {last.label})")
    if quarter > FiscalQuarter.containing(today):
        raise FieldError("quarter", f"{quarter.label} has not started yet")


def retired_from(objective: Objective) -> FiscalQuarter | None:
    """The quarter an objective is no longer owed from (None: it is current)."""
    qindex = objective.retired_from_qindex
    return None if qindex is None else FiscalQuarter.of_index(qindex)


def resolve_target(session: Session, actor: Actor, form: UpdateInput, today: date) -> Target:
    """Check that the objective exists, the agency contributes to it, the actor reports for it, the quarter fits."""
    objective = session.get(Objective, form.objective_id)
    if objective is None:
        raise FieldError("objective", "not found")
    agency = session.get(Agency, form.agency_id)
    if agency is None:
        raise FieldError("agency", "not found")
    mission = session.get(Mission, objective.mission_id)
    post = mission.post if mission else "this post"
    require_agency(actor, form.agency_id, agency.acronym, objective.mission_id, post)
    quarter = FiscalQuarter(form.fiscal_year, form.quarter)
    assert mission is not None
    check_quarter(mission, quarter, today)
    quarters.check_open(session, mission.id, quarter)  # type: ignore[arg-type]
    # What is owed is one rule (effective-dated roles, the first reporting quarter, retirement): an update may be
    # stored only where the pages count it.
    if roles.owed_role(session, form.objective_id, form.agency_id, quarter.index) is None:
        ever = session.exec(
            select(ObjectiveAgency).where(
                ObjectiveAgency.objective_id == form.objective_id, ObjectiveAgency.agency_id == form.agency_id
            )
        ).first()
        field, reason = not_owed_reason(
            agency=agency.acronym,
            code=objective.code,
            quarter=quarter,
            first=first_reporting_quarter(mission),
            retired_from=retired_from(objective),
            owes_other_quarters=ever is not None,
        )
        raise AccessDenied(f"{reason}.") if field == "agency" else FieldError(field, reason)
    return Target(objective, agency, mission, quarter)


def _key(form: UpdateInput | StatusUpdate | UpdateDraft) -> UpdateKey:
    return UpdateKey(form.objective_id, form.agency_id, form.fiscal_year, form.quarter)


def _lock_key(session: Session, key: UpdateKey, kind: str = "status_update") -> None:
    """On PostgreSQL, serialise writers of one update (SQLite's BEGIN IMMEDIATE already does)."""
    if session.get_bind().dialect.name == "postgresql":
        lock_id = zlib.crc32((kind + ":" + ":".join(map(str, key))).encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})


def _detached(session: Session, row: StatusUpdate) -> StatusUpdate:
    """The row, out of the session, so its values stay readable after the caller's rollback (for Conflict)."""
    session.expunge(row)
    return row


def _of_key(table: type[StatusUpdate] | type[UpdateDraft], key: UpdateKey) -> tuple[Any, ...]:
    """The WHERE clauses picking one (objective, agency, fiscal year, quarter) in ``table``."""
    objective_id, agency_id, fiscal_year, quarter = key
    return (
        table.objective_id == objective_id,
        table.agency_id == agency_id,
        table.fiscal_year == fiscal_year,
        table.quarter == quarter,
    )


def latest_revision(session: Session, key: UpdateKey) -> StatusUpdate | None:
    return session.exec(
        select(StatusUpdate).where(*_of_key(StatusUpdate, key)).order_by(col(StatusUpdate.revision).desc())
    ).first()


def last_review(session: Session, status_update_id: int) -> ReviewEvent | None:
    return session.exec(
        select(ReviewEvent).where(ReviewEvent.status_update_id == status_update_id).order_by(col(ReviewEvent.id).desc())
    ).first()


def state_of(session: Session, row: StatusUpdate) -> str:
    """The revision's state now: its newest review decision, else the state it was stored with."""
    assert row.id is not None
    review = last_review(session, row.id)
    return review.decision if review is not None else row.state


def _working_group_id(session: Session, objective_id: int, quarter: FiscalQuarter) -> int | None:
    return roles.working_group_at(session, objective_id, quarter.index)


def same_content(row: StatusUpdate, form: UpdateInput) -> bool:
    """True when ``form`` would store exactly what ``row`` holds (a re-uploaded spreadsheet row)."""
    return all(str(getattr(row, f)) == str(getattr(form, f)) for f in UPDATE_FIELDS)


def newest_indicator_value(session: Session, indicator_id: int, fiscal_year: int, quarter: int) -> float | None:
    """The newest value stored for an indicator in one quarter (None when there is none)."""
    return session.exec(
        select(IndicatorValue.value)
        .where(
            IndicatorValue.indicator_id == indicator_id,
            IndicatorValue.fiscal_year == fiscal_year,
            IndicatorValue.quarter == quarter,
        )
        .order_by(col(IndicatorValue.revision).desc())
    ).first()


def indicator_values_stored(session: Session, form: UpdateInput) -> bool:
    """True when every indicator value in ``form`` equals the newest value stored for its quarter."""
    for indicator_id, value in form.indicator_values.items():
        stored = newest_indicator_value(session, indicator_id, form.fiscal_year, form.quarter)
        if stored is None or float(stored) != float(value):
            return False
    return True


def carried_over(form: UpdateInput, base: StatusUpdate | None) -> list[tuple[str, str]]:
    """``(field, message)`` for each narrative that At risk or Off track requires but that still holds the text of
    ``base``, the revision the edit started from, when that revision was neither At risk nor Off track: a text
    written for an update on track ("No significant challenges this quarter") says nothing about the trouble."""
    if base is None or not Status(form.status).troubled or Status(base.status).troubled:
        return []
    was = f"revision {base.revision}, when the status was {base.status}"
    asks = {
        "challenges": f"say what holds progress back now that it is {form.status}",
        "risk_note": f"say what the risk is now and how it is mitigated, and check the risk level ({form.risk_level})",
    }
    return [
        (name, f"still holds the text of {was}: {ask}")
        for name, ask in asks.items()
        if getattr(form, name).strip() and getattr(form, name).strip() == getattr(base, name).strip()
    ]


def completed_early(form: UpdateInput) -> str | None:
    """What storing ``form`` would show, when it says Completed with progress below 100 (else None)."""
    if form.status != Status.COMPLETED or form.progress >= 100:
        return None
    return (
        f"Completed with progress {form.progress}% would read "
        f'"{form.progress}% {Status.COMPLETED.text}" on every page and in the brief'
    )


def submit(
    *,
    session: Session,
    actor_email: str | None,
    form: UpdateInput,
    base_revision: int,
    today: date | None = None,
    confirm_completed: bool = False,
) -> StatusUpdate:
    """Store a new revision (``base_revision + 1``) and its indicator values; removes the draft.

    ``base_revision`` is the revision the user started from (0 for a first report).
    When the form holds exactly what the newest revision holds (and no new indicator value), nothing
    is stored: the draft goes and that newest revision comes back, its review state untouched (the
    caller sees ``row.revision == base_revision``). Raises Conflict when someone stored a newer one
    meanwhile, Incomplete when a required narrative is empty or still holds the text of an On-track base
    revision (``carried_over``), Unconfirmed for Completed below 100% unless ``confirm_completed``,
    AccessDenied or ValueError (with a ``field: message`` text) when the input is not allowed.
    """
    today = today or date.today()
    missing = form.narrative_problems()
    if missing:
        raise Incomplete(missing)
    actor = acting(session, actor_email)
    target = resolve_target(session, actor, form, today)
    key = _key(form)
    _lock_key(session, key)
    current = latest_revision(session, key)
    if (current.revision if current else 0) != base_revision:
        if current is None:
            raise FieldError("base_revision", f"this update has no revision {base_revision} to start from")
        raise Conflict(_detached(session, current), base_revision)
    if current is not None and same_content(current, form) and indicator_values_stored(session, form):
        draft = _draft(session, key)
        if draft is not None:
            session.delete(draft)
            session.flush()
        return current
    if stale := carried_over(form, current):
        raise Incomplete(stale)
    if (early := completed_early(form)) and not confirm_completed:
        raise Unconfirmed("progress", early)
    assert actor.email is not None
    data = StatusUpdateCreate(
        **form.model_dump(exclude={"indicator_values"}),
        working_group_id=_working_group_id(session, form.objective_id, target.quarter),
        author=actor.email,
        state=ReviewState.SUBMITTED,
    )
    row = StatusUpdate.model_validate(
        data, update={"revision": base_revision + 1, "supersedes_id": current.id if current else None}
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    _store_indicator_values(session, target, form, row.id, actor.email)
    draft = _draft(session, key)
    if draft is not None:
        session.delete(draft)
    return row


def _store_indicator_values(
    session: Session, target: Target, form: UpdateInput, status_update_id: int, author: str
) -> None:
    if not form.indicator_values:
        return
    own = {i.id: i for i in session.exec(select(Indicator).where(Indicator.objective_id == target.objective.id))}
    for indicator_id in sorted(form.indicator_values):
        # every agency on the objective reports the same indicator: one value revision at a time
        _lock_key(session, (indicator_id, form.fiscal_year, form.quarter), "indicator_value")
    for indicator_id, value in form.indicator_values.items():
        if indicator_id not in own:
            raise FieldError("indicator_values", f"indicator {indicator_id} does not belong to this objective")
        responsible = own[indicator_id].agency_id
        if responsible is not None and responsible != form.agency_id:
            agency = session.get(Agency, responsible)
            who = agency.acronym if agency else "another agency"
            raise FieldError(
                "indicator_values", f"{own[indicator_id].code or own[indicator_id].name} is reported by {who}"
            )
        previous = session.exec(
            select(IndicatorValue)
            .where(
                IndicatorValue.indicator_id == indicator_id,
                IndicatorValue.fiscal_year == form.fiscal_year,
                IndicatorValue.quarter == form.quarter,
            )
            .order_by(col(IndicatorValue.revision).desc())
        ).first()
        if previous is not None and previous.value == value:
            continue
        session.add(
            IndicatorValue(
                indicator_id=indicator_id,
                fiscal_year=form.fiscal_year,
                quarter=form.quarter,
                value=float(value),
                author=author,
                revision=(previous.revision + 1) if previous else 1,
                status_update_id=status_update_id,
                agency_id=form.agency_id,
            )
        )
    session.flush()


def _draft(session: Session, key: UpdateKey) -> UpdateDraft | None:
    return session.exec(select(UpdateDraft).where(*_of_key(UpdateDraft, key))).first()


def save_draft(
    *, session: Session, actor_email: str | None, form: UpdateInput, base_revision: int, today: date | None = None
) -> UpdateDraft:
    """Keep work in progress for the agency (one draft per objective, agency and quarter; replaced on save)."""
    today = today or date.today()
    actor = acting(session, actor_email)
    resolve_target(session, actor, form, today)
    assert actor.email is not None
    _lock_key(session, _key(form))  # two saves at once on PostgreSQL would both insert the one draft
    draft = _draft(session, _key(form)) or UpdateDraft(
        objective_id=form.objective_id,
        agency_id=form.agency_id,
        fiscal_year=form.fiscal_year,
        quarter=form.quarter,
        status=form.status,
        progress=form.progress,
        risk_level=form.risk_level,
        author=actor.email,
    )
    for name in UPDATE_FIELDS:
        setattr(draft, name, str(getattr(form, name)) if name != "progress" else form.progress)
    draft.base_revision = base_revision
    draft.indicator_values = json.dumps({str(k): v for k, v in form.indicator_values.items()})
    draft.author = actor.email
    draft.saved_at = datetime.now(UTC)
    session.add(draft)
    session.flush()
    return draft


def load_draft(session: Session, key: UpdateKey) -> UpdateDraft | None:
    return _draft(session, key)


def discard_draft(*, session: Session, actor_email: str | None, key: UpdateKey) -> bool:
    actor = acting(session, actor_email)
    draft = _draft(session, key)
    if draft is None:
        return False
    agency = session.get(Agency, draft.agency_id)
    objective = session.get(Objective, draft.objective_id)
    mission_id = objective.mission_id if objective else -1
    require_agency(actor, draft.agency_id, agency.acronym if agency else "that agency", mission_id)
    session.delete(draft)
    return True


def review(
    *,
    session: Session,
    actor_email: str | None,
    status_update_id: int,
    decision: str,
    comment: str = "",
) -> ReviewEvent:
    """Approve or return the newest revision of an update that is waiting for review.

    Only a chair of a working group covering the objective (or an admin) may; never
    on one's own update; a return needs a comment, which the submitter sees.
    """
    actor = acting(session, actor_email)
    if decision not in (ReviewState.APPROVED, ReviewState.RETURNED):
        raise FieldError("decision", "must be approved or returned")
    comment = comment.strip()
    if decision == ReviewState.RETURNED and not comment:
        raise FieldError("comment", "say what needs fixing when you return an update")
    if len(comment) > COMMENT_MAX_CHARS:
        raise FieldError("comment", f"is too long: at most {COMMENT_MAX_CHARS} characters")
    row = session.get(StatusUpdate, status_update_id)
    if row is None:
        raise ValueError("update: not found")
    quarters.check_open_for_objective(session, row.objective_id, FiscalQuarter(row.fiscal_year, row.quarter))
    # Working groups' objectives are effective-dated: the chair of the group covering the update's quarter reviews.
    allowed = reviewable_objectives(session, actor, FiscalQuarter(row.fiscal_year, row.quarter).index)
    if allowed is not None and row.objective_id not in allowed:
        raise AccessDenied("Only the chair of a working group covering this objective can review this update.")
    if row.author == actor.email:
        raise AccessDenied("You cannot review your own update: another chair or an admin must.")
    _lock_key(session, _key(row))
    newest = latest_revision(session, _key(row))
    assert newest is not None
    if newest.id != row.id:
        raise Conflict(_detached(session, newest), row.revision)
    state = state_of(session, row)
    if state != ReviewState.SUBMITTED:
        raise ValueError(f"update: revision {row.revision} is already {state}")
    assert actor.email is not None
    event = ReviewEvent(status_update_id=status_update_id, decision=decision, comment=comment, reviewer=actor.email)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ReviewNote:
    """One review decision on a revision."""

    decision: str
    comment: str
    reviewer: str
    at: datetime


@dataclass(frozen=True)
class Revision:
    """One stored revision of an update, with its current state and its review trail (oldest first)."""

    id: int
    revision: int
    author: str
    created_at: datetime
    state: str
    reviews: tuple[ReviewNote, ...]
    status: str
    progress: int
    risk_level: str
    accomplishments: str
    challenges: str
    next_steps: str
    risk_note: str
    # The indicator values sent with this revision: (label, value as shown), by label.
    indicators: tuple[tuple[str, str], ...] = ()

    def values(self) -> dict[str, Any]:
        """The update's fields (``UPDATE_FIELDS``), as a form or a diff takes them."""
        return {name: getattr(self, name) for name in UPDATE_FIELDS}


def revisions(session: Session, key: UpdateKey) -> list[Revision]:
    """Every stored revision of one update, oldest first, with its state and review trail."""
    rows = session.exec(
        select(StatusUpdate).where(*_of_key(StatusUpdate, key)).order_by(col(StatusUpdate.revision))
    ).all()
    out = []
    for row in rows:
        assert row.id is not None
        events = session.exec(
            select(ReviewEvent).where(ReviewEvent.status_update_id == row.id).order_by(col(ReviewEvent.id))
        ).all()
        out.append(
            Revision(
                id=row.id,
                revision=row.revision,
                author=row.author,
                created_at=_aware(row.created_at),
                state=events[-1].decision if events else row.state,
                reviews=tuple(ReviewNote(e.decision, e.comment, e.reviewer, _aware(e.created_at)) for e in events),
                **{f: getattr(row, f) for f in UPDATE_FIELDS},
                indicators=_sent_values(session, row.id),
            )
        )
    return out


def _sent_values(session: Session, status_update_id: int) -> tuple[tuple[str, str], ...]:
    rows = session.exec(
        select(Indicator, IndicatorValue)
        .join(IndicatorValue, col(IndicatorValue.indicator_id) == Indicator.id)
        .where(IndicatorValue.status_update_id == status_update_id)
    ).all()
    shown = {
        f"Indicator {i.code + ' ' if i.code else ''}{i.name}": (
            "not yet available" if v.value is None else f"{v.value:g}"
        )
        for i, v in rows
    }
    return tuple(sorted(shown.items()))


def diff(
    before: Revision | Mapping[str, Any] | None, after: Revision | Mapping[str, Any]
) -> list[tuple[str, str, str]]:
    """``(field label, before, after)`` for each field that differs; every field when there is no before. Between
    two revisions, the indicator values sent with each are compared too."""
    sent_before = dict(before.indicators) if isinstance(before, Revision) else {}
    sent_after = dict(after.indicators) if isinstance(after, Revision) else {}
    before = before.values() if isinstance(before, Revision) else before
    after = after.values() if isinstance(after, Revision) else after
    changes = []
    for name in UPDATE_FIELDS:
        old = "" if before is None else str(before.get(name, ""))
        new = str(after.get(name, ""))
        if before is None or old != new:
            changes.append((FIELD_LABELS[name], old, new))
    for label in sorted(set(sent_before) | set(sent_after)):
        old, new = sent_before.get(label, ""), sent_after.get(label, "")
        if old != new:
            changes.append((label, old or "—", new or "—"))
    return changes
