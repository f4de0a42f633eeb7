"""Many status updates at once from a filled-in spreadsheet: the template's rows, validation, the import.

``validate_rows`` checks every row and every column and plans the writes; ``import_rows`` stores them all
in one transaction or nothing at all. Reading the file itself is ``formats.spreadsheet``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard.domain.actor import AccessDenied, Actor, require_agency
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.reporting import first_reporting_quarter, not_owed_reason
from dashboard.formats.spreadsheet import (
    INDICATORS_KEY,
    NARRATIVES,
    REQUIRED_COLUMNS,
    ROW_KEY,
    TEMPLATE_COLUMNS,
    IndicatorColumn,
    template_workbook,
)
from dashboard.services import quarters, submissions
from dashboard.services.access import acting
from dashboard.store import roles as roles_at
from dashboard.store.database import read_session, transact
from models import (
    Agency,
    Indicator,
    Mission,
    Objective,
    ObjectiveAgency,
    UpdateInput,
)
from models.fields import UPDATE_FIELDS, UpdateKey
from models.scales import RISK_ORDER, STATUS_ORDER
from models.schemas import NARRATIVE_MAX_CHARS, FieldError, validation_problems

_FIELD_COLUMN = {
    "objective_id": "objective",
    "agency_id": "agency",
    "fiscal_year": "quarter",
    "base_revision": "current_revision",
}


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: ``row`` as the user sees it (header = 1, first data row = 2)."""

    row: int
    column: str
    message: str

    def line(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


def errors_frame(errors: list[RowError]) -> pd.DataFrame:
    """The per-row error report as a table: row, column, problem."""
    return pd.DataFrame([(e.row, e.column, e.message) for e in errors], columns=["Row", "Column", "Problem"])


@dataclass(frozen=True)
class PlannedWrite:
    """What importing one valid row will do: store a new revision on ``base_revision``, or nothing."""

    row: int
    form: UpdateInput
    base_revision: int
    action: Literal["write", "unchanged"]
    label: str


@dataclass
class ImportReport:
    """The outcome of an import: counts, or the errors that stopped it (then nothing was written)."""

    written: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    written_rows: list[tuple[int, str]] = field(default_factory=list)
    """``(row number, "1.2 USAID FY2026 Q4")`` for each row written (or, in a dry run, to be written)."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        """One ``"row N, column: message"`` line per error."""
        return [e.line() for e in self.errors]

    def summary(self) -> str:
        if not self.ok:
            rows = len({e.row for e in self.errors})
            return f"nothing written: {len(self.errors)} problem(s) in {rows} row(s)"
        rows = self._rows_text()
        if self.dry_run:
            return f"would write {self._count()}{rows or ','} {self.unchanged} unchanged (dry run: nothing written)"
        return f"wrote {self._count()}{rows or ','} {self.unchanged} unchanged"

    def _count(self) -> str:
        return f"{self.written} update" + ("" if self.written == 1 else "s")

    def _rows_text(self) -> str:
        """``": rows 3 (1.2 USAID FY2026 Q4), 5 (…);"`` listing at most ``LISTED_ROWS`` rows, or ""."""
        if not self.written_rows:
            return ""
        shown = [f"{number} ({label})" for number, label in self.written_rows[:LISTED_ROWS]]
        more = len(self.written_rows) - LISTED_ROWS
        if more > 0:
            shown.append(f"and {more} more")
        word = "row" if len(self.written_rows) == 1 else "rows"
        return f": {word} " + ", ".join(shown) + ";"


LISTED_ROWS = 20
"""The import summary names at most this many written rows (a full template is about 30)."""


def _holds(ranges: list[tuple[int, int]], quarter: FiscalQuarter) -> bool:
    return any(start <= quarter.index <= until for start, until in ranges)


def template_rows(*, session: Session, actor_email: str | None, mission_id: int, quarter: FiscalQuarter) -> list[dict]:
    """The template's rows as dicts keyed by ``TEMPLATE_COLUMNS``, pre-filled from the newest stored revision."""
    actor = acting(session, actor_email)
    if session.get(Mission, mission_id) is None:
        raise ValueError("mission: not found")
    if not actor.agencies_at(mission_id):
        raise AccessDenied(f"{actor.label} reports for no agency at this post, so there is no update to fill in.")
    # The updates owed for the quarter, by the rule every page counts with.
    owed = roles_at.owed_pairs(session, mission_id, quarter.index, set(actor.agencies_at(mission_id)))
    objectives = {o.id: o for o in session.exec(select(Objective).where(Objective.mission_id == mission_id))}
    agencies = {a.id: a for a in session.exec(select(Agency).where(col(Agency.id).in_({a for _, a, _ in owed})))}
    pairs = [(objectives[o], agencies[a]) for o, a, _ in owed]
    columns = indicator_columns(session=session, objective_ids={o.id for o, _ in pairs if o.id is not None})
    rows = []
    # Sorted here rather than in SQL so the order does not depend on the database's collation.
    for objective, agency in sorted(pairs, key=lambda p: (p[0].position, p[0].code, p[1].acronym.casefold())):
        assert objective.id is not None and agency.id is not None
        key = UpdateKey(objective.id, agency.id, quarter.fiscal_year, quarter.quarter)
        latest = submissions.latest_revision(session, key)
        row: dict[str, Any] = {
            INDICATORS_KEY: {
                column.header: submissions.newest_indicator_value(
                    session, indicator_id, quarter.fiscal_year, quarter.quarter
                )
                for indicator_id, column in columns.items()
                if column.code == objective.code
            },
            "objective": objective.code,
            "agency": agency.acronym,
            "quarter": quarter.label,
            **{name: "" for name in ("status", "progress", "risk_level", *NARRATIVES)},
            "objective_title": objective.title,
            "current_revision": latest.revision if latest else 0,
        }
        if latest is not None:
            row.update({name: getattr(latest, name) for name in UPDATE_FIELDS})
        rows.append(row)
    return rows


def indicator_columns(*, session: Session, objective_ids: set[int]) -> dict[int, IndicatorColumn]:
    """The template's indicator columns for these objectives, by indicator id, in objective then indicator order."""
    if not objective_ids:
        return {}
    found = session.exec(
        select(Indicator, Objective)
        .join(Objective, col(Objective.id) == Indicator.objective_id)
        .where(col(Indicator.objective_id).in_(objective_ids))
        .order_by(col(Objective.position), col(Objective.code), col(Indicator.id))
    ).all()
    return {
        indicator.id: IndicatorColumn(objective.code, indicator.name, indicator.unit, indicator.target)
        for indicator, objective in found
        if indicator.id is not None
    }


def _indicator_values(
    cells: Mapping[tuple[str, str], str], code: str, known: Mapping[tuple[str, str], Indicator], fail: Any
) -> dict[int, float]:
    """A row's indicator cells as ``{indicator id: value}``; each problem goes to ``fail(column, message)``."""
    values: dict[int, float] = {}
    for (indicator_code, name), text in cells.items():
        column = f"Indicator {indicator_code}: {name}"
        indicator = known.get((indicator_code.upper(), name.casefold()))
        if indicator is None or indicator.id is None:
            fail(column, f"there is no indicator {name!r} on objective {indicator_code}")
        elif indicator_code.upper() != code.upper():
            fail(column, f"belongs to objective {indicator_code}, not {code}: leave it empty on this row")
        else:
            try:
                value = float(text.replace(",", ""))
            except ValueError:
                fail(column, f"{text} is not a number")
                continue
            if value != value or value in (float("inf"), float("-inf")):
                fail(column, f"{text} is not a number")
                continue
            values[indicator.id] = value
    return values


def _choice(value: str, choices: list[str], what: str) -> tuple[str | None, str | None]:
    if not value:
        return None, f"is required (one of: {', '.join(choices)})"
    for choice in choices:
        if value.casefold() == choice.casefold():
            return choice, None
    return None, f"{value} is not a {what} (use one of: {', '.join(choices)})"


def _progress(value: str) -> tuple[int | None, str | None]:
    if not value:
        return None, "is required (a whole number from 0 to 100)"
    text = value.removesuffix("%").strip()
    try:
        number = int(text)
    except ValueError:
        try:
            decimal = float(text)
        except ValueError:
            return None, f"{value} is not a whole number from 0 to 100"
        if not decimal.is_integer():
            return None, f"{value} is not a whole number from 0 to 100"
        number = int(decimal)
    if not 0 <= number <= 100:
        return None, f"{number} is not between 0 and 100"
    return number, None


def _column(field: str) -> str:
    """The template column that holds a form field (``fiscal_year`` is in ``quarter``)."""
    return _FIELD_COLUMN.get(field, field)


def _message(exc: Exception) -> str:
    """What went wrong, without the field: a ``FieldError`` carries the field apart from its message."""
    return exc.message if isinstance(exc, FieldError) else str(exc)


def _errors_from(number: int, exc: Exception) -> list[RowError]:
    """Map what ``resolve_target`` / ``submit`` raise onto the row's columns, by the error's type and field."""
    if isinstance(exc, submissions.Conflict):
        return [RowError(number, "current_revision", str(exc))]
    if isinstance(exc, AccessDenied):
        return [RowError(number, "agency", str(exc))]
    if isinstance(exc, ValidationError):
        return [RowError(number, _column(field), message) for field, message in validation_problems(exc)]
    if isinstance(exc, submissions.Incomplete):
        return [RowError(number, field, message) for field, message in exc.problems]
    if isinstance(exc, FieldError):
        return [RowError(number, _column(exc.field), exc.message)]
    return [RowError(number, "objective", str(exc))]


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class _Known:
    """What rows are checked against: the actor, the mission, its objectives, roles and indicators."""

    actor: Actor
    mission: Mission
    objectives: dict[str, Objective]
    """By upper-case code."""
    agencies: dict[str, Agency]
    """By upper-case acronym."""
    roles: set[tuple[int, int]]
    """The (objective, agency) pairs that hold a role in some quarter."""
    owed: dict[tuple[int, int], list[tuple[int, int]]]
    """The quarter ranges (first, last) in which each pair owes an update (``roles.owed_ranges``)."""
    indicators: dict[tuple[str, str], Indicator]
    """By (upper-case objective code, case-folded name)."""
    closed: dict[int, str]
    """The mission's closed quarters (by quarter index), each with the sentence that refuses a write for it."""


def _known(session: Session, actor: Actor, mission: Mission) -> _Known:
    assert mission.id is not None
    roles = {
        (objective_id, agency_id)
        for objective_id, agency_id in session.exec(
            select(ObjectiveAgency.objective_id, ObjectiveAgency.agency_id)
            .join(Objective, col(Objective.id) == ObjectiveAgency.objective_id)
            .where(Objective.mission_id == mission.id)
        ).all()
    }
    indicators = {
        (code.upper(), indicator.name.casefold()): indicator
        for indicator, code in session.exec(
            select(Indicator, Objective.code)
            .join(Objective, col(Objective.id) == Indicator.objective_id)
            .where(Objective.mission_id == mission.id)
        ).all()
    }
    return _Known(
        actor=actor,
        mission=mission,
        objectives={
            o.code.upper(): o for o in session.exec(select(Objective).where(Objective.mission_id == mission.id))
        },
        agencies={a.acronym.upper(): a for a in session.exec(select(Agency))},
        roles=roles,
        owed=roles_at.owed_ranges(session, mission.id),
        indicators=indicators,
        closed={
            state.quarter.index: quarters.closed_sentence_of(state)
            for state in quarters.states(session, mission.id)
            if state.closed
        },
    )


class _Problems:
    """A row's problems, the first one found per column."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def __call__(self, column: str, message: str) -> None:
        self.found.setdefault(column, message)

    def errors(self, number: int) -> list[RowError]:
        return [RowError(number, column, message) for column, message in self.found.items()]


@dataclass(frozen=True)
class _Row:
    """A row whose cells all passed their checks: what it would store, and the revision it was based on."""

    objective: Objective
    agency: Agency
    quarter: FiscalQuarter
    form_values: dict[str, Any]
    given_revision: int | None

    @property
    def key(self) -> UpdateKey:
        assert self.objective.id is not None and self.agency.id is not None
        return UpdateKey(self.objective.id, self.agency.id, self.quarter.fiscal_year, self.quarter.quarter)

    @property
    def label(self) -> str:
        return f"{self.objective.code} {self.agency.acronym} {self.quarter.label}"


def _check_objective(known: _Known, code: str, fail: _Problems) -> Objective | None:
    if not code:
        fail("objective", "is required (an objective code such as 1.1)")
        return None
    objective = known.objectives.get(code.upper())
    if objective is None:
        fail("objective", f"unknown objective code {code} (not in the {known.mission.country} strategy)")
    return objective


def _check_agency(known: _Known, acronym: str, objective: Objective | None, fail: _Problems) -> Agency | None:
    if not acronym:
        fail("agency", "is required (an agency acronym such as " + (known.actor.agencies or ("USAID",))[0] + ")")
        return None
    agency = known.agencies.get(acronym.upper())
    if agency is None:
        fail("agency", f"unknown agency {acronym}")
        return None
    assert agency.id is not None
    try:
        require_agency(known.actor, agency.id, agency.acronym, known.mission.id or -1, known.mission.post)
    except AccessDenied as exc:
        fail("agency", str(exc))
    if objective is not None and (objective.id, agency.id) not in known.roles:
        fail("agency", f"{agency.acronym} is not a lead or contributing agency on objective {objective.code}")
    return agency


def _check_quarter(
    known: _Known, text: str, objective: Objective | None, agency: Agency | None, today: date, fail: _Problems
) -> FiscalQuarter | None:
    """The quarter, if it parses and is open; also whether the agency held its role on the objective then."""
    if not text:
        fail("quarter", "is required (e.g. FY2026 Q4)")
        return None
    quarter = None
    try:
        quarter = FiscalQuarter.parse(text)
        submissions.check_quarter(known.mission, quarter, today)
    except ValueError as exc:
        fail("quarter", _message(exc))
        return quarter
    if quarter.index in known.closed:
        fail("quarter", known.closed[quarter.index])
        return quarter
    if objective is None or agency is None or (objective.id, agency.id) not in known.roles:
        return quarter
    if not _holds(known.owed.get((objective.id, agency.id), []), quarter):
        fail(
            *not_owed_reason(
                agency=agency.acronym,
                code=objective.code,
                quarter=quarter,
                first=first_reporting_quarter(known.mission),
                retired_from=submissions.retired_from(objective),
                owes_other_quarters=True,
            )
        )
    return quarter


def _check_values(cells: Mapping[str, str], fail: _Problems) -> dict[str, Any]:
    """The status, risk level and progress in their canonical form, and the narratives within their limit."""
    status, problem = _choice(cells["status"], STATUS_ORDER, "status")
    if problem:
        fail("status", problem)
    risk, problem = _choice(cells["risk_level"], RISK_ORDER, "risk level")
    if problem:
        fail("risk_level", problem)
    progress, problem = _progress(cells["progress"])
    if problem:
        fail("progress", problem)
    for name in NARRATIVES:
        if len(cells[name]) > NARRATIVE_MAX_CHARS:
            fail(name, f"is {len(cells[name]):,} characters long; the limit is {NARRATIVE_MAX_CHARS:,}")
    return {"status": status, "progress": progress, "risk_level": risk, **{name: cells[name] for name in NARRATIVES}}


def _check_revision(text: str, fail: _Problems) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        fail("current_revision", f"{text} is not a revision number: leave it as downloaded")
        return None


def _check_cells(
    known: _Known, raw: Mapping[str, Any], seen: dict[UpdateKey, int], number: int, today: date, fail: _Problems
) -> _Row | None:
    """Check each cell of one row on its own (and against the rows before it); None when any is wrong."""
    cells = {name: _text(raw.get(name)) for name in (*REQUIRED_COLUMNS, "current_revision")}
    objective = _check_objective(known, cells["objective"], fail)
    agency = _check_agency(known, cells["agency"], objective, fail)
    quarter = _check_quarter(known, cells["quarter"], objective, agency, today, fail)
    values = _check_values(cells, fail)
    given = _check_revision(cells["current_revision"], fail)
    values["indicator_values"] = _indicator_values(
        raw.get(INDICATORS_KEY) or {}, cells["objective"], known.indicators, fail
    )
    row = None
    if objective is not None and agency is not None and quarter is not None:
        row = _Row(objective, agency, quarter, values, given)
        if row.key in seen:
            fail(
                "objective",
                f"{row.label} is already on row {seen[row.key]}: keep one row per objective, agency and quarter",
            )
        else:
            seen[row.key] = number
    return None if fail.found else row


def _plan(session: Session, number: int, row: _Row, form: UpdateInput, on_top: bool) -> PlannedWrite | list[RowError]:
    """What storing a valid row will do, given the newest stored revision; or why it may not."""
    latest = submissions.latest_revision(session, row.key)
    stored = latest.revision if latest is not None else 0
    label, given = row.label, row.given_revision
    if (
        latest is not None
        and submissions.same_content(latest, form)
        and submissions.indicator_values_stored(session, form)
    ):
        return PlannedWrite(number, form, stored, "unchanged", label)
    if given is None and latest is not None and not on_top:
        message = (
            f"is empty, but {label} already has revision {stored} by {latest.author}: download a new "
            "template, or choose to submit on top of the newest revision"
        )
        return [RowError(number, "current_revision", message)]
    if given is not None and given != stored:
        if latest is not None and given < stored:
            message = (
                f"{latest.author} saved revision {stored} of {label} since this template was downloaded "
                f"(it has revision {given}); nothing was overwritten: download a new template and "
                "enter your changes again"
            )
        else:
            message = f"revision {given} of {label} does not exist (the newest is {stored}): leave it as downloaded"
        return [RowError(number, "current_revision", message)]
    if missing := form.narrative_problems() + submissions.carried_over(form, latest):
        return [RowError(number, field, message) for field, message in missing]
    if early := submissions.completed_early(form):  # a spreadsheet has no way to confirm it: 100 or another status
        return [RowError(number, "progress", f"{early}: set progress to 100, or choose the status that fits")]
    return PlannedWrite(number, form, stored, "write", label)


def _validate_row(
    session: Session,
    known: _Known,
    raw: Mapping[str, Any],
    *,
    number: int,
    seen: dict[UpdateKey, int],
    today: date,
    on_top: bool,
) -> PlannedWrite | list[RowError]:
    fail = _Problems()
    row = _check_cells(known, raw, seen, number, today, fail)
    if row is None:
        return fail.errors(number)
    key = row.key
    try:
        form = UpdateInput(
            objective_id=key.objective_id,
            agency_id=key.agency_id,
            fiscal_year=key.fiscal_year,
            quarter=key.quarter,
            **row.form_values,
        )
        submissions.resolve_target(session, known.actor, form, today)
    except (ValueError, AccessDenied) as exc:
        return _errors_from(number, exc)
    return _plan(session, number, row, form, on_top)


def validate_rows(
    *,
    session: Session,
    actor_email: str | None,
    mission_id: int,
    rows: Sequence[Mapping[str, Any]],
    today: date,
    on_top: bool = False,
) -> tuple[list[PlannedWrite], list[RowError]]:
    """Check every row and column against the mission, the actor's agencies and the stored revisions.

    Returns the planned writes (a new revision, or "unchanged" when the row equals the newest
    stored revision) and every error found. Raises AccessDenied when the actor may not write at all.
    A row without ``current_revision`` for an update that already has one is refused, unless ``on_top``
    (the user chose to store it on top of the newest revision, whoever wrote that).
    """
    actor = acting(session, actor_email)
    mission = session.get(Mission, mission_id)
    if mission is None:
        raise ValueError("mission: not found")
    known = _known(session, actor, mission)
    planned: list[PlannedWrite] = []
    errors: list[RowError] = []
    seen: dict[UpdateKey, int] = {}
    for index, raw in enumerate(rows):
        number = int(raw.get(ROW_KEY, index + 2))
        outcome = _validate_row(session, known, raw, number=number, seen=seen, today=today, on_top=on_top)
        if isinstance(outcome, PlannedWrite):
            planned.append(outcome)
        else:
            errors.extend(outcome)
    column_order = {name: i for i, name in enumerate(TEMPLATE_COLUMNS)}
    errors.sort(key=lambda e: (e.row, column_order.get(e.column, len(column_order))))
    return planned, errors


class _RollBack(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report


def import_rows(
    *,
    engine: Engine,
    actor_email: str | None,
    mission_id: int,
    rows: Sequence[Mapping[str, Any]],
    today: date | None = None,
    dry_run: bool = False,
    on_top: bool = False,
) -> ImportReport:
    """Validate, then store every changed row in one transaction; on any error store nothing.

    The rows are checked before the write lock is taken, so a slow check never holds up other writers;
    inside the transaction each write checks again that its base revision is still the newest (a
    conflict writes nothing). A busy database is retried (``store.database.transact``) and then raises
    ``DatabaseBusy``. ``dry_run`` validates and counts without writing. Raises AccessDenied when the
    actor may not write.
    """
    today = today or date.today()
    with read_session(engine) as session:
        planned, errors = validate_rows(
            session=session, actor_email=actor_email, mission_id=mission_id, rows=rows, today=today, on_top=on_top
        )
    if errors:
        return ImportReport(errors=errors, dry_run=dry_run)
    if dry_run:
        return _counts(planned, dry_run=True)

    def write(session: Session) -> None:
        for plan in planned:
            if plan.action != "write":
                continue
            try:
                submissions.submit(
                    session=session,
                    actor_email=actor_email,
                    form=plan.form,
                    base_revision=plan.base_revision,
                    today=today,
                )
            except (submissions.Conflict, AccessDenied, ValueError) as exc:
                raise _RollBack(ImportReport(errors=_errors_from(plan.row, exc))) from exc

    try:
        transact(engine, write)
    except _RollBack as stopped:
        return stopped.report
    return _counts(planned, dry_run=False)


def _counts(planned: list[PlannedWrite], *, dry_run: bool) -> ImportReport:
    written = [(p.row, p.label) for p in planned if p.action == "write"]
    return ImportReport(
        written=len(written), unchanged=len(planned) - len(written), dry_run=dry_run, written_rows=written
    )


def template_xlsx(*, session: Session, actor_email: str | None, mission_id: int, quarter: FiscalQuarter) -> bytes:
    """The Excel template for what ``actor_email`` reports on in ``mission_id`` for ``quarter``."""
    rows = template_rows(session=session, actor_email=actor_email, mission_id=mission_id, quarter=quarter)
    objective_ids = set(
        session.exec(
            select(Objective.id).where(
                Objective.mission_id == mission_id, col(Objective.code).in_({r["objective"] for r in rows})
            )
        ).all()
    )
    columns = indicator_columns(session=session, objective_ids={i for i in objective_ids if i is not None})
    return template_workbook(rows, list(columns.values()))
