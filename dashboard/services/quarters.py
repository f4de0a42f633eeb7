"""Closing and reopening a mission's quarter, and the refusal to write for a closed one.

A close stores the quarter's record (canonical JSON, built by the caller from the reads the pages use) and its
SHA-256 in ``quarter_close``, which is append-only; a reopening is a new event with its reason. While a
quarter's newest event is a close, ``check_open`` refuses every write for it with one sentence, and the
database refuses it too (``store.closed_quarters``).

A close excludes writes in flight: on SQLite its transaction holds the write lock from its start
(``write_session``), on PostgreSQL it first locks the tables written for a quarter in SHARE ROW EXCLUSIVE mode,
which waits for writers that have begun and holds new ones until the close commits; the record is read after
that, so no write lands after the record without being in it.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, insert, text
from sqlmodel import Session, col, select

from dashboard.domain.fiscal import FiscalQuarter, strategy_quarters
from dashboard.domain.reporting import closed_sentence, day_text
from dashboard.services.admin import _admin, audit
from dashboard.store import closed_records
from models import AuditEntry, Mission, Objective, QuarterClose
from models.quarters import quarter_index
from models.schemas import FieldError
from models.text import clean_text

REASON_MAX_CHARS = 2_000
WRITTEN_FOR_A_QUARTER = ("status_update", "indicator_value", "review_event", "update_draft")


class QuarterClosed(FieldError):
    """A write for a closed quarter: ``str()`` is ``"quarter: FY2026 Q3 was closed on …"``."""

    def __init__(self, message: str) -> None:
        super().__init__("quarter", message)

    def __reduce__(self) -> tuple[type["QuarterClosed"], tuple[str]]:  # type: ignore[override]
        return type(self), (self.message,)


@dataclass(frozen=True)
class QuarterState:
    """A quarter's newest event."""

    mission_id: int
    quarter: FiscalQuarter
    closed: bool
    at: datetime
    actor: str
    reason: str
    sha256: str


def newest(session: Session, mission_id: int, quarter: FiscalQuarter, action: str | None = None) -> QuarterClose | None:
    """The quarter's newest event (of ``action``, if given)."""
    query = select(QuarterClose).where(
        QuarterClose.mission_id == mission_id,
        QuarterClose.fiscal_year == quarter.fiscal_year,
        QuarterClose.quarter == quarter.quarter,
    )
    if action is not None:
        query = query.where(QuarterClose.action == action)
    return session.exec(query.order_by(col(QuarterClose.id).desc())).first()


def closed_sentence_of(state: QuarterState) -> str:
    return closed_sentence(state.quarter.label, state.at, state.actor)


def check_open(session: Session, mission_id: int, quarter: FiscalQuarter) -> None:
    """Raise ``QuarterClosed`` when the mission's quarter is closed."""
    event = newest(session, mission_id, quarter)
    if event is not None and event.action == "close":
        raise QuarterClosed(closed_sentence(quarter.label, event.at, event.actor))


def check_open_for_objective(session: Session, objective_id: int, quarter: FiscalQuarter) -> None:
    """``check_open`` for the mission of ``objective_id``."""
    objective = session.get(Objective, objective_id)
    if objective is not None:
        check_open(session, objective.mission_id, quarter)


def _exclude_writers(session: Session) -> None:
    """Wait for writes already begun for any quarter and hold new ones until this transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        tables = ", ".join(WRITTEN_FOR_A_QUARTER)
        session.execute(text(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE"))


def close(
    *,
    session: Session,
    actor_email: str | None,
    mission_id: int,
    quarter: FiscalQuarter,
    today: date,
    record: Callable[[Connection], dict[str, Any]],
) -> QuarterClose:
    """Close the mission's quarter: ``record(connection)`` reads the record inside this transaction once writers
    are excluded, and its canonical JSON and
    SHA-256 are stored. Refused (``ValueError``, one sentence) when the quarter is closed already, has not ended,
    or is outside the strategy."""
    actor = _admin(session, actor_email)
    mission = session.get(Mission, mission_id)
    if mission is None:
        raise FieldError("mission", "not found")
    if outside := _outside_strategy(mission, quarter):
        raise FieldError("quarter", outside)
    _check_over(quarter, today)
    _exclude_writers(session)
    event = newest(session, mission_id, quarter)
    if event is not None and event.action == "close":
        raise FieldError("quarter", _already_closed(quarter, event.at, event.actor))
    values, size = _close_values(actor, mission, quarter, datetime.now(UTC), record(session.connection()))
    row = QuarterClose(**values)
    session.add(row)
    audit(session, actor=actor, action="close quarter", entity="quarter", key=_audit_key(mission, quarter),
          before=None, after={"sha256": row.sha256, "bytes": size})  # fmt: skip
    session.flush()
    return row


def _outside_strategy(mission: Mission, quarter: FiscalQuarter) -> str:
    """Why ``quarter`` cannot be closed for ``mission`` because it lies outside its strategy ("" when inside)."""
    first, last = strategy_quarters(mission.strategy_start, mission.strategy_end)
    if first <= quarter <= last:
        return ""
    return f"{quarter.label} is outside the strategy period ({first.label} to {last.label})"


def _check_over(quarter: FiscalQuarter, today: date) -> None:
    if quarter >= FiscalQuarter.containing(today):
        raise FieldError("quarter", f"{quarter.label} has not ended yet: a quarter closes once it is over")


def _already_closed(quarter: FiscalQuarter, at: object, actor: str) -> str:
    return f"{quarter.label} is already closed (on {day_text(at)} by {actor})"


def _audit_key(mission: Mission, quarter: FiscalQuarter) -> str:
    return f"{mission.country} {quarter.label}"


def _close_values(
    actor: str, mission: Mission, quarter: FiscalQuarter, at: datetime, made: dict[str, Any]
) -> tuple[dict[str, Any], int]:
    """The ``quarter_close`` row of ``mission``'s ``quarter`` with its record ``made`` (canonical JSON, SHA-256 and
    the roll-up figures), and the record's size in UTF-8 bytes."""
    stored = closed_records.canonical(made)
    values = {
        "mission_id": mission.id, "fiscal_year": quarter.fiscal_year, "quarter": quarter.quarter, "action": "close",
        "actor": actor, "at": at, "reason": "", "snapshot": stored, "sha256": closed_records.digest(stored),
        "figures": closed_records.figures_of(made),
    }  # fmt: skip
    return values, len(stored.encode("utf-8"))


@dataclass(frozen=True)
class Closed:
    """A mission's quarter a batch close closed: the stored record's SHA-256 and size (UTF-8 bytes)."""

    mission_id: int
    country: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Skipped:
    """A mission a batch close left alone, and why (one sentence)."""

    mission_id: int
    country: str
    reason: str


def close_many(
    *,
    session: Session,
    actor_email: str | None,
    mission_ids: list[int] | None,
    quarter: FiscalQuarter,
    today: date,
    records: Callable[[Connection, list[int]], dict[int, dict[str, Any]]],
) -> tuple[list[Closed], list[Skipped]]:
    """Close ``quarter`` for many missions (every mission when ``mission_ids`` is None) in one transaction, as
    ``close`` does for one: writers are excluded first, then ``records(connection, ids)`` reads every record
    inside it. A mission whose quarter is closed already or lies outside its strategy is skipped, with the
    reason; a quarter that has not ended, an unknown mission or someone not an admin refuses the whole batch."""
    actor = _admin(session, actor_email)
    _check_over(quarter, today)
    found = {m.id: m for m in session.exec(select(Mission).order_by(col(Mission.id)))}
    wanted = sorted(found) if mission_ids is None else sorted(set(mission_ids))
    unknown = [m for m in wanted if m not in found]
    if unknown:
        raise FieldError("mission", f"not found: {', '.join(str(m) for m in unknown)}")
    _exclude_writers(session)
    closed = _closed_now(session, quarter)
    skipped, kept = [], []
    for mission_id in wanted:
        mission = found[mission_id]
        if outside := _outside_strategy(mission, quarter):
            reason = outside
        elif mission_id in closed:
            reason = _already_closed(quarter, *closed[mission_id])
        else:
            kept.append(mission_id)
            continue
        skipped.append(Skipped(mission_id, mission.country, reason))
    made = records(session.connection(), kept) if kept else {}
    return _store_many(session, actor, [found[m] for m in kept], quarter, made), skipped


def _store_many(
    session: Session, actor: str, missions: list[Mission], quarter: FiscalQuarter, made: dict[int, dict[str, Any]]
) -> list[Closed]:
    """The closes of many missions, as ``close`` stores one, in two statements (the closes, then their audit rows)."""
    at, closes, entries, out = datetime.now(UTC), [], [], []
    for mission in missions:
        assert mission.id is not None
        values, size = _close_values(actor, mission, quarter, at, made[mission.id])
        closes.append(values)
        entries.append(
            {"at": at, "actor": actor, "action": "close quarter", "entity": "quarter",
             "entity_key": _audit_key(mission, quarter)[:200], "before": json.dumps(None),
             "after": json.dumps({"sha256": values["sha256"], "bytes": size}, sort_keys=True, default=str)}
        )  # fmt: skip
        out.append(Closed(mission.id, mission.country, values["sha256"], size))
    if closes:
        session.execute(insert(QuarterClose), closes)
        session.execute(insert(AuditEntry), entries)
    return out


def _closed_now(session: Session, quarter: FiscalQuarter) -> dict[int, tuple[datetime, str]]:
    """Mission -> (when, by whom) for each mission whose ``quarter``'s newest event is a close."""
    events = session.exec(
        select(QuarterClose)
        .where(QuarterClose.fiscal_year == quarter.fiscal_year, QuarterClose.quarter == quarter.quarter)
        .order_by(col(QuarterClose.id))
    )
    newest_by = {event.mission_id: event for event in events}
    return {m: (e.at, e.actor) for m, e in newest_by.items() if e.action == "close"}


def reopen(
    *, session: Session, actor_email: str | None, mission_id: int, quarter: FiscalQuarter, reason: str
) -> QuarterClose:
    """Reopen a closed quarter; the reason is required and kept (with the earlier record, which stays)."""
    actor = _admin(session, actor_email)
    reason = " ".join(clean_text(reason).split())  # one line, without control or bidi override characters
    if not reason:
        raise FieldError("reason", "say why the quarter is reopened; the reason is kept with its record")
    if len(reason) > REASON_MAX_CHARS:
        raise FieldError("reason", f"is too long: at most {REASON_MAX_CHARS:,} characters")
    event = newest(session, mission_id, quarter)
    if event is None or event.action != "close":
        raise FieldError("quarter", f"{quarter.label} is not closed")
    mission = session.get(Mission, mission_id)
    assert mission is not None
    row = QuarterClose(
        mission_id=mission_id,
        fiscal_year=quarter.fiscal_year,
        quarter=quarter.quarter,
        action="reopen",
        actor=actor,
        at=datetime.now(UTC),
        reason=reason,
    )
    session.add(row)
    audit(
        session,
        actor=actor,
        action="reopen quarter",
        entity="quarter",
        key=f"{mission.country} {quarter.label}",
        before={"closed_by": event.actor, "sha256": event.sha256},
        after={"reason": reason},
    )
    session.flush()
    return row


def history(session: Session, mission_id: int | None = None) -> list[QuarterClose]:
    """Every close and reopening (one mission's, or all), oldest first."""
    query = select(QuarterClose)
    if mission_id is not None:
        query = query.where(QuarterClose.mission_id == mission_id)
    return list(session.exec(query.order_by(col(QuarterClose.id))))


def states(session: Session, mission_id: int | None = None) -> list[QuarterState]:
    """Each quarter that was ever closed, by its newest event."""
    newest_by: dict[tuple[int, int], QuarterClose] = {}
    last_close: dict[tuple[int, int], QuarterClose] = {}
    for event in history(session, mission_id):
        key = (event.mission_id, quarter_index(event.fiscal_year, event.quarter))
        newest_by[key] = event
        if event.action == "close":
            last_close[key] = event
    out = []
    for key, event in sorted(newest_by.items()):
        quarter = FiscalQuarter(event.fiscal_year, event.quarter)
        sha = last_close[key].sha256 if key in last_close else ""
        out.append(QuarterState(key[0], quarter, event.action == "close", event.at, event.actor, event.reason, sha))
    return out


def verify(session: Session, mission_id: int, quarter: FiscalQuarter) -> QuarterClose:
    """Recompute the SHA-256 of the quarter's newest record; raise ``ValueError`` when it differs (or is missing)."""
    event = newest(session, mission_id, quarter, "close")
    if event is None:
        raise FieldError("quarter", f"{quarter.label} has never been closed: there is no record to verify")
    if closed_records.digest(event.snapshot) != event.sha256:
        raise ValueError(
            f"The record of {quarter.label} does not match its SHA-256: it was changed after it was stored "
            f"(stored {event.sha256[:12]}…, now {closed_records.digest(event.snapshot)[:12]}…)."
        )
    if closed_records.figures_of(json.loads(event.snapshot)) != event.figures:
        raise ValueError(f"The roll-up figures kept beside the record of {quarter.label} differ from the record.")
    return event
