"""Indicator actuals reported by the responsible agency: checked whole, then stored as append-only revisions.

A row names the indicator by its code, the quarter as in the status template ("FY2026 Q4"), the value, and an
optional note. An empty value with a note is "not yet available". Only a contributor who reports for the
indicator's responsible agency at its mission may report it; the frequency decides which quarters have a value.
"""

import math
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from dashboard.domain.actor import AccessDenied, require_agency
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.indicator_math import reports_in
from dashboard.services import quarters
from dashboard.services.access import acting
from models import Agency, Indicator, IndicatorValue, Mission, Objective
from models.scales import Frequency

PERCENT_UNITS = ("percent", "%")
NOTE_MAX_CHARS = 2000


@dataclass(frozen=True)
class ValueRow:
    number: int  # the row as the file shows it
    indicator: str
    quarter: str
    value: str
    note: str = ""


class ValueRowsError(ValueError):
    """Every problem of a file, one line each (``row N, column: reason``); nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class _Checked:
    indicator: Indicator
    quarter: FiscalQuarter
    value: float | None
    note: str


def _indicators(session: Session, mission_id: int | None) -> dict[str, list[tuple[Indicator, Mission]]]:
    query = (
        select(Indicator, Mission)
        .join(Objective, col(Objective.id) == Indicator.objective_id)
        .join(Mission, col(Mission.id) == Objective.mission_id)
        .where(col(Indicator.retired_on).is_(None), col(Objective.retired_on).is_(None))
    )
    if mission_id is not None:
        query = query.where(Mission.id == mission_id)
    found: dict[str, list[tuple[Indicator, Mission]]] = {}
    for indicator, mission in session.exec(query).all():
        found.setdefault(indicator.code.lower(), []).append((indicator, mission))
    return found


def _number(text: str, unit: str) -> float:
    cleaned = text.strip().replace(",", "").rstrip("%").strip()
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a number")
    if unit.strip().lower() in PERCENT_UNITS and not 0 <= number <= 100:
        raise ValueError(f"{text} is not a percentage between 0 and 100")
    return number


def _check_row(session: Session, actor, row: ValueRow, known, today: date) -> _Checked:  # noqa: ANN001
    matches = known.get(row.indicator.strip().lower(), [])
    if not matches:
        raise ValueError(f"indicator: no indicator {row.indicator.strip()!r} in use")
    here = [(i, m) for i, m in matches if i.agency_id in actor.agencies_at(m.id)] or matches
    if len(here) > 1:
        raise ValueError(f"indicator: {row.indicator!r} names indicators at several posts; choose one with --mission")
    indicator, mission = here[0]
    try:
        quarter = FiscalQuarter.parse(row.quarter)
    except ValueError as exc:
        raise ValueError(f"quarter: {exc}") from None
    frequency = Frequency(indicator.frequency)
    if not reports_in(frequency, quarter):
        raise ValueError(f"quarter: {indicator.code} is reported {frequency.value}, not in {quarter.label}")
    if not mission.strategy_start <= quarter.fiscal_year <= mission.strategy_end:
        raise ValueError(
            f"quarter: {quarter.label} is outside the strategy ({mission.strategy_start}-{mission.strategy_end})"
        )
    if quarter > FiscalQuarter.containing(today):
        raise ValueError(f"quarter: {quarter.label} has not started yet")
    quarters.check_open(session, mission.id, quarter)  # type: ignore[arg-type]
    agency = session.get(Agency, indicator.agency_id) if indicator.agency_id else None
    if agency is None:
        raise ValueError(f"indicator: {indicator.code} has no responsible agency yet; an admin sets one")
    try:
        require_agency(actor, agency.id, agency.acronym, mission.id, mission.post)  # type: ignore[arg-type]
    except AccessDenied as exc:
        raise ValueError(f"indicator: {exc} {agency.acronym} reports {indicator.code}.") from None
    note = row.note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise ValueError(f"note: at most {NOTE_MAX_CHARS:,} characters")
    if not row.value.strip():
        if not note:
            raise ValueError("value: give a number, or leave it empty and say in note why it is not yet available")
        return _Checked(indicator, quarter, None, note)
    try:
        return _Checked(indicator, quarter, _number(row.value, indicator.unit), note)
    except ValueError as exc:
        raise ValueError(f"value: {exc}") from None


def report(
    *, session: Session, actor_email: str | None, rows: list[ValueRow], mission_id: int | None = None, today: date
) -> list[IndicatorValue]:
    """Check every row, then store each as the next revision of its indicator and quarter; nothing is stored if
    any row is refused (``ValueRowsError`` lists them all)."""
    actor = acting(session, actor_email)
    known = _indicators(session, mission_id)
    checked, problems, seen = [], [], {}
    for row in rows:
        try:
            item = _check_row(session, actor, row, known, today)
        except ValueError as exc:
            column, _, reason = str(exc).partition(": ")
            problems.append(f"row {row.number}, {column}: {reason}")
            continue
        key = (item.indicator.id, item.quarter)
        if key in seen:
            problems.append(
                f"row {row.number}, quarter: {item.indicator.code} {item.quarter.label} is also in row {seen[key]}"
            )
            continue
        seen[key] = row.number
        checked.append(item)
    if problems:
        raise ValueRowsError(problems)
    stored = []
    for item in checked:
        last = session.exec(
            select(func.max(IndicatorValue.revision)).where(
                IndicatorValue.indicator_id == item.indicator.id,
                IndicatorValue.fiscal_year == item.quarter.fiscal_year,
                IndicatorValue.quarter == item.quarter.quarter,
            )
        ).one()
        value = IndicatorValue(
            indicator_id=item.indicator.id,  # type: ignore[arg-type]
            fiscal_year=item.quarter.fiscal_year,
            quarter=item.quarter.quarter,
            value=item.value,
            note=item.note,
            author=actor.email or "",
            revision=(last or 0) + 1,
            agency_id=item.indicator.agency_id,
        )
        session.add(value)
        stored.append(value)
    session.flush()
    return stored
