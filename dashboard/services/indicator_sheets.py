"""Indicator reference sheets: an admin creates, changes, retires and reinstates a mission's indicators, from a
sheet file (``formats.indicator_sheet``) or the Admin page's form.

A row is matched to a stored indicator by its code within the mission (any case); a row whose code is new creates
one, except that an indicator stored before reference sheets had codes is matched by its objective and name and
gets the code. Every row is checked and every problem named by row and column (``Problem``); nothing is written
unless every row passes. Each change writes one audit-log row with the sheet before and after, targets included.
An indicator is retired (``retired_on``), never deleted: its values stay. Indicators the file does not list are
left alone.

Targets: one per fiscal year (``IndicatorTarget.quarter`` 0) and optional interim ones (quarters 1-4).
``Indicator.target`` stays the target of the latest year that has one, for the code that reads a single target.
"""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard.domain.actor import require_admin
from dashboard.formats import indicator_sheet as sheet_format
from dashboard.formats.indicator_sheet import DIRECTION_WORDS, SheetRow, target_column
from dashboard.services import admin
from dashboard.services.access import acting
from dashboard.store.database import read_session, transact
from models import Agency, Indicator, IndicatorTarget, Mission, Objective
from models.scales import Direction, Frequency
from models.text import clean_text

CODE_MAX_CHARS = 20
NAME_MAX_CHARS = 200
UNIT_MAX_CHARS = 40
TEXT_MAX_CHARS = 5000
TEXT_COLUMNS = ("definition", "data_source", "calculation", "collection_method", "disaggregation", "data_quality")
DATE_COLUMNS = {"established": "established_on", "reviewed": "reviewed_on", "retired": "retired_on"}

CREATE, CHANGE, RETIRE, REINSTATE = "create indicator", "change indicator", "retire indicator", "reinstate indicator"


@dataclass(frozen=True)
class Problem:
    """One problem in one cell: ``row`` as the file shows it (0: the form, which has no rows)."""

    row: int
    column: str
    message: str

    def line(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}" if self.row else f"{self.column}: {self.message}"


class SheetsRefused(ValueError):
    """Rows that cannot be applied; nothing was written. ``problems`` names each row and column."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.line() for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Sheet:
    """One indicator's reference sheet as typed values; ``targets`` is ((fiscal year, quarter, value), ...) in
    order, quarter 0 for the year's target."""

    objective: str
    code: str
    name: str
    unit: str
    direction: Direction
    baseline: float
    baseline_fy: int | None
    frequency: Frequency
    agency: str | None
    definition: str = ""
    data_source: str = ""
    calculation: str = ""
    collection_method: str = ""
    disaggregation: str = ""
    data_quality: str = ""
    established: date | None = None
    reviewed: date | None = None
    retired: date | None = None
    targets: tuple[tuple[int, int, float], ...] = ()

    def snapshot(self) -> dict[str, Any]:
        """The sheet as the audit log and the preview show it."""
        values = asdict(self)
        values.update(
            direction=DIRECTION_WORDS[self.direction],
            frequency=self.frequency.value,
            baseline=_plain_number(self.baseline),
            baseline_fy=f"FY{self.baseline_fy}" if self.baseline_fy else None,
            targets=[f"{_target_label(fy, q)}: {sheet_format.number_text(v)}" for fy, q, v in self.targets],
            **{name: (getattr(self, name).isoformat() if getattr(self, name) else None) for name in DATE_COLUMNS},
        )
        return values

    def cells(self) -> dict[str, object]:
        """The sheet as its file row: ``formats.indicator_sheet`` columns, then one per target."""
        values = {name: getattr(self, name) for name in (*sheet_format.COLUMNS,)}
        values.update(
            direction=DIRECTION_WORDS[self.direction],
            frequency=self.frequency.value,
            baseline_fy=f"FY{self.baseline_fy}" if self.baseline_fy else "",
            agency=self.agency or "",
        )
        values.update({target_column(fy, q): v for fy, q, v in self.targets})
        return values


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _target_label(fiscal_year: int, quarter: int) -> str:
    return f"FY{fiscal_year}" + (f" Q{quarter}" if quarter else "")


@dataclass(frozen=True)
class Change:
    """One change, as audited: ``before`` is None for a new indicator."""

    row: int
    action: str
    code: str
    before: dict[str, Any] | None
    after: dict[str, Any]


@dataclass
class SheetsReport:
    """What an import did (or, in a dry run, would do), or the problems that stopped it (nothing written)."""

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.ok:
            rows = len({p.row for p in self.problems})
            return f"nothing written: {len(self.problems)} problem(s) in {rows} row(s)"
        done = {CREATE: "created", CHANGE: "changed", RETIRE: "retired", REINSTATE: "reinstated"}
        counts = {word: sum(c.action == action for c in self.changes) for action, word in done.items()}
        shown = [f"{n} {word}" for word, n in counts.items() if n or word != "reinstated"]
        text = "indicators: " + ", ".join(shown) + f", {self.unchanged} unchanged"
        return f"{text} (dry run: nothing written)" if self.dry_run else text


# --- what rows are checked against ---------------------------------------------------------------------------


@dataclass
class _Stored:
    indicator: Indicator
    sheet: Sheet


@dataclass(frozen=True)
class _Known:
    mission: Mission
    objectives: dict[str, Objective]  # in use, by upper-case code
    retired_objectives: set[str]  # upper-case codes
    agencies: dict[str, Agency]  # by upper-case acronym
    stored: list[_Stored]  # every indicator of the mission, retired ones too


def _targets_of(session: Session, ids: list[int]) -> dict[int, list[tuple[int, int, float]]]:
    found: dict[int, list[tuple[int, int, float]]] = {i: [] for i in ids}
    if ids:
        query = select(IndicatorTarget).where(col(IndicatorTarget.indicator_id).in_(ids))
        for target in session.exec(query).all():
            found[target.indicator_id].append((target.fiscal_year, target.quarter, float(target.value)))
    return found


def _stored_sheet(indicator: Indicator, objective: str, agency: str | None, targets: list) -> Sheet:
    return Sheet(
        objective=objective,
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        direction=Direction(indicator.direction),
        baseline=float(indicator.baseline),
        baseline_fy=indicator.baseline_fy,
        frequency=Frequency(indicator.frequency),
        agency=agency,
        **{name: getattr(indicator, name) or "" for name in TEXT_COLUMNS},
        **{name: getattr(indicator, stored) for name, stored in DATE_COLUMNS.items()},
        targets=tuple(sorted(targets)),
    )


def _known(session: Session, mission_id: int) -> _Known:
    mission = session.get(Mission, mission_id)
    if mission is None:
        raise ValueError("mission: there is no such mission")
    objectives = list(session.exec(select(Objective).where(Objective.mission_id == mission_id)).all())
    agencies = list(session.exec(select(Agency)).all())
    acronyms = {a.id: a.acronym for a in agencies}
    codes = {o.id: o.code for o in objectives}
    indicators = list(
        session.exec(
            select(Indicator)
            .where(col(Indicator.objective_id).in_(list(codes) or [-1]))
            .order_by(col(Indicator.code), col(Indicator.id))
        ).all()
    )
    targets = _targets_of(session, [i.id for i in indicators if i.id is not None])
    stored = [
        _Stored(i, _stored_sheet(i, codes[i.objective_id], acronyms.get(i.agency_id), targets[i.id]))  # type: ignore[index]
        for i in indicators
    ]
    return _Known(
        mission=mission,
        objectives={o.code.upper(): o for o in objectives if o.retired_on is None},
        retired_objectives={o.code.upper() for o in objectives if o.retired_on is not None},
        agencies={a.acronym.upper(): a for a in agencies},
        stored=stored,
    )


def listed(session: Session, mission_id: int) -> list[tuple[int, Sheet]]:
    """(indicator id, sheet) of each indicator on an objective in use, retired indicators too, by objective then
    code: what the export writes and the Admin page lists."""
    known = _known(session, mission_id)
    order = {code: o.position for code, o in known.objectives.items()}
    rows = [(s.indicator.id, s.sheet) for s in known.stored if s.sheet.objective.upper() in known.objectives]
    return sorted(rows, key=lambda r: (order[r[1].objective.upper()], r[1].objective, r[1].code.casefold(), r[1].name))  # type: ignore[return-value]


def objectives_in_use(session: Session, mission_id: int) -> list[str]:
    """The codes of the mission's objectives an indicator may belong to (not retired), in strategy order."""
    query = select(Objective.code).where(Objective.mission_id == mission_id, col(Objective.retired_on).is_(None))
    return list(session.exec(query.order_by(col(Objective.position))).all())


def current_sheets(session: Session, mission_id: int) -> list[Sheet]:
    """The sheets ``listed`` lists."""
    return [sheet for _, sheet in listed(session, mission_id)]


def target_years(session: Session, mission_id: int, sheets: Sequence[Sheet]) -> list[tuple[int, int]]:
    """The target columns of an export: each year of the strategy after some indicator's baseline year, and any
    other year with a target, each followed by the interim quarters that any indicator has."""
    mission = session.get(Mission, mission_id)
    assert mission is not None
    used = {(fy, q) for s in sheets for fy, q, _ in s.targets}
    strategy = range(mission.strategy_start, mission.strategy_end + 1)
    open_years = {fy for fy in strategy if not sheets or any(not s.baseline_fy or s.baseline_fy < fy for s in sheets)}
    years = open_years | {fy for fy, _ in used}
    return sorted({(fy, 0) for fy in years} | used)


# --- reading one row -----------------------------------------------------------------------------------------

Fail = Callable[[str, str], None]


def _required(cells: dict[str, str], name: str, fail: Fail, limit: int) -> str:
    text = cells.get(name, "").strip()
    if not text:
        fail(name, "is required")
    elif len(text) > limit:
        fail(name, f"is {len(text):,} characters long; the limit is {limit:,}")
    return text


def _read(reader: Callable[[str], Any], cells: dict[str, str], name: str, fail: Fail, *, required: bool = True) -> Any:
    text = cells.get(name, "").strip()
    if not text:
        if required:
            fail(name, "is required")
        return None
    try:
        return reader(text)
    except ValueError as exc:
        fail(name, str(exc))
        return None


def _objective(known: _Known, text: str, fail: Fail) -> Objective | None:
    if not text:
        fail("objective", "is required (an objective code such as 1.1)")
        return None
    objective = known.objectives.get(text.upper())
    if objective is None:
        retired = text.upper() in known.retired_objectives
        fail("objective", f"objective {text} is retired" if retired else f"unknown objective {text} "
             f"(not in the {known.mission.country} strategy)")  # fmt: skip
    return objective


def _agency(known: _Known, text: str, fail: Fail) -> Agency | None:
    if not text:
        fail("agency", "is required (the acronym of the agency responsible for the values)")
        return None
    agency = known.agencies.get(text.upper())
    if agency is None:
        fail(
            "agency", f"unknown agency {text} (known: {', '.join(sorted(a.acronym for a in known.agencies.values()))})"
        )
    return agency


def _targets(
    row: SheetRow,
    baseline: float | None,
    baseline_fy: int | None,
    percent: bool,
    frequency: Frequency | None,
    fail: Fail,
) -> tuple[tuple[int, int, float], ...]:
    found = []
    for (fy, quarter), text in sorted(row.targets.items()):
        column = target_column(fy, quarter)
        try:
            value = sheet_format.read_number(text, percent=percent)
        except ValueError as exc:
            fail(column, str(exc))
            continue
        if baseline is not None and value == baseline:
            fail(
                column, f"{text} equals the baseline: a target must differ from its baseline (it would measure nothing)"
            )
        elif baseline_fy is not None and fy <= baseline_fy:
            fail(column, f"FY{fy} is not after the baseline year FY{baseline_fy}: targets start the year after it")
        elif quarter and frequency is not None and quarter not in frequency.quarters:
            article = "an" if frequency.value[0] in "aeiou" else "a"
            fail(column, f"{article} {frequency.value} indicator has no value in Q{quarter}, so no target there")
        else:
            found.append((fy, quarter, value))
    return tuple(found)


def read_row(known: _Known, row: SheetRow, fail: Fail) -> Sheet | None:
    """One row as a typed sheet; each problem goes to ``fail(column, message)`` (None when there is any)."""
    cells = {name: clean_text(text) for name, text in row.cells.items()}
    objective = _objective(known, cells.get("objective", "").strip(), fail)
    code = _required(cells, "code", fail, CODE_MAX_CHARS)
    name = _required(cells, "name", fail, NAME_MAX_CHARS)
    unit = _required(cells, "unit", fail, UNIT_MAX_CHARS)
    percent = sheet_format.is_percent(unit)
    direction = _read(sheet_format.read_direction, cells, "direction", fail)
    baseline = _read(lambda t: sheet_format.read_number(t, percent=percent), cells, "baseline", fail)
    baseline_fy = _read(sheet_format.read_year, cells, "baseline_fy", fail)
    frequency = _read(sheet_format.read_frequency, cells, "frequency", fail)
    agency = _agency(known, cells.get("agency", "").strip(), fail)
    texts = {n: cells.get(n, "").strip() for n in TEXT_COLUMNS}
    for column, text in texts.items():
        if len(text) > TEXT_MAX_CHARS:
            fail(column, f"is {len(text):,} characters long; the limit is {TEXT_MAX_CHARS:,}")
    dates = {n: _read(sheet_format.read_date, cells, n, fail, required=False) for n in DATE_COLUMNS}
    targets = _targets(row, baseline, baseline_fy, percent, frequency, fail)
    if objective is None or agency is None or None in (direction, baseline, baseline_fy, frequency):
        return None
    return Sheet(objective=objective.code, code=code, name=name, unit=unit, direction=direction, baseline=baseline,
                 baseline_fy=baseline_fy, frequency=frequency, agency=agency.acronym, **texts, **dates,
                 targets=targets)  # fmt: skip


class _Problems:
    """A row's problems, the first one found per column."""

    def __init__(self, row: int) -> None:
        self.row = row
        self.found: dict[str, str] = {}

    def __call__(self, column: str, message: str) -> None:
        self.found.setdefault(column, message)

    def problems(self) -> list[Problem]:
        return [Problem(self.row, column, message) for column, message in self.found.items()]


# --- planning --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    row: int
    stored: _Stored | None
    sheet: Sheet

    @property
    def change(self) -> Change | None:
        if self.stored is None:
            return Change(self.row, CREATE, self.sheet.code, None, self.sheet.snapshot())
        before, after = self.stored.sheet.snapshot(), self.sheet.snapshot()
        if before == after:
            return None
        was, now = self.stored.sheet.retired, self.sheet.retired
        action = RETIRE if was is None and now else REINSTATE if was and now is None else CHANGE
        return Change(self.row, action, self.sheet.code, before, after)


def _match(known: _Known, sheet: Sheet, taken: set[int]) -> _Stored | None:
    """The stored indicator a file row is about: the one with its code, else one without a code yet with the
    same objective and name."""
    for stored in known.stored:
        if stored.sheet.code.casefold() == sheet.code.casefold() and stored.sheet.code:
            return stored
    for stored in known.stored:
        legacy = not stored.sheet.code and stored.indicator.id not in taken
        if (
            legacy
            and stored.sheet.objective == sheet.objective
            and stored.sheet.name.casefold() == sheet.name.casefold()
        ):
            return stored
    return None


def _clash(known: _Known, code: str, indicator_id: int | None) -> str | None:
    for stored in known.stored:
        if stored.indicator.id != indicator_id and stored.sheet.code.casefold() == code.casefold() and code:
            other = stored.sheet
            return f"{code} is already the code of {other.name!r} (objective {other.objective})"
    return None


def plan(known: _Known, rows: Sequence[SheetRow]) -> tuple[list[Planned], list[Problem]]:
    """Every file row checked and matched; the problems of all rows (the plan is void when there is any)."""
    planned: list[Planned] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    taken: set[int] = set()
    for row in rows:
        fail = _Problems(row.number)
        sheet = read_row(known, row, fail)
        code = row.cells.get("code", "").strip().casefold()
        if code and code in seen:
            fail("code", f"{row.cells['code'].strip()} is also on row {seen[code]}: one row per indicator")
        elif code:
            seen[code] = row.number
        if fail.found or sheet is None:
            problems += fail.problems()
            continue
        stored = _match(known, sheet, taken)
        if stored is not None and stored.indicator.id is not None:
            taken.add(stored.indicator.id)
        planned.append(Planned(row.number, stored, sheet))
    return planned, problems


def plan_one(known: _Known, row: SheetRow, indicator_id: int | None) -> tuple[Planned | None, list[Problem]]:
    """The form's one sheet: a new indicator (``indicator_id`` None) or that one, whose code may change but not
    to another indicator's."""
    fail = _Problems(0)
    sheet = read_row(known, row, fail)
    stored = next((s for s in known.stored if s.indicator.id == indicator_id), None)
    if indicator_id is not None and stored is None:
        raise ValueError("indicator: it no longer exists at this mission; reload the page")
    clash = _clash(known, row.cells.get("code", "").strip(), indicator_id)
    if clash:
        fail("code", clash)
    if fail.found or sheet is None:
        return None, fail.problems()
    return Planned(0, stored, sheet), []


# --- writing ---------------------------------------------------------------------------------------------------


def _set_targets(session: Session, indicator: Indicator, targets: tuple[tuple[int, int, float], ...]) -> None:
    wanted = {(fy, q): v for fy, q, v in targets}
    for target in session.exec(select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id)).all():
        value = wanted.pop((target.fiscal_year, target.quarter), None)
        if value is None:
            session.delete(target)
        elif value != target.value:
            target.value = value
            session.add(target)
    session.flush()  # the deletes first: a target may come back under the same year
    for (fy, quarter), value in sorted(wanted.items()):
        session.add(IndicatorTarget(indicator_id=indicator.id, fiscal_year=fy, quarter=quarter, value=value))  # type: ignore[arg-type]
    yearly = [(fy, v) for fy, q, v in targets if q == 0]
    if yearly:  # without any, an indicator keeps its target (a new one: its baseline, see _write)
        indicator.target = max(yearly)[1]  # the latest year's target: what code reading one target shows


def _write(session: Session, known: _Known, planned: Planned) -> None:
    sheet = planned.sheet
    indicator = planned.stored.indicator if planned.stored else Indicator(objective_id=0, name="", baseline=0, target=0)
    indicator.objective_id = known.objectives[sheet.objective.upper()].id  # type: ignore[assignment]
    indicator.agency_id = known.agencies[sheet.agency.upper()].id if sheet.agency else None
    for name in ("code", "name", "unit", "baseline", "baseline_fy", *TEXT_COLUMNS):
        setattr(indicator, name, getattr(sheet, name))
    indicator.direction = sheet.direction.value
    indicator.frequency = sheet.frequency.value
    for name, stored in DATE_COLUMNS.items():
        setattr(indicator, stored, getattr(sheet, name))
    if planned.stored is None:
        indicator.target = sheet.baseline  # until a year has a target (set below)
    session.add(indicator)
    session.flush()
    _set_targets(session, indicator, sheet.targets)
    session.add(indicator)


def _apply(session: Session, who: str, known: _Known, planned: list[Planned]) -> list[Change]:
    changes = []
    for item in planned:
        change = item.change
        if change is None:
            continue
        _write(session, known, item)
        admin.audit(session, actor=who, action=change.action, entity="indicator", key=change.code,
                    before=change.before, after=change.after)  # fmt: skip
        changes.append(change)
    session.flush()
    return changes


def check_sheets(
    *, session: Session, actor_email: str | None, mission_id: int, rows: Sequence[SheetRow]
) -> SheetsReport:
    """What applying ``rows`` would change, or every problem; nothing is written. Only an admin may ask."""
    require_admin(acting(session, actor_email))
    planned, problems = plan(_known(session, mission_id), rows)
    if problems:
        return SheetsReport(problems=problems, dry_run=True)
    changes = [c for p in planned if (c := p.change) is not None]
    return SheetsReport(changes=changes, unchanged=len(planned) - len(changes), dry_run=True)


def apply_sheets(
    *, session: Session, actor_email: str | None, mission_id: int, rows: Sequence[SheetRow]
) -> list[Change]:
    """Check every row, then write every change, each audited; raises SheetsRefused (nothing written) when any row
    has a problem, AccessDenied unless the actor is an admin."""
    who = admin._admin(session, actor_email)
    known = _known(session, mission_id)
    planned, problems = plan(known, rows)
    if problems:
        raise SheetsRefused(problems)
    return _apply(session, who, known, planned)


def import_sheets(
    engine: Engine, *, actor_email: str | None, mission_id: int, rows: Sequence[SheetRow], dry_run: bool = False
) -> SheetsReport:
    """Check the rows without holding the write lock, then (unless ``dry_run``) apply them in one transaction.
    A busy database is retried, then raises DatabaseBusy; AccessDenied unless the actor is an admin."""
    with read_session(engine) as session:
        report = check_sheets(session=session, actor_email=actor_email, mission_id=mission_id, rows=rows)
    if not report.ok or dry_run:
        return report
    try:
        changes = transact(
            engine, lambda s: apply_sheets(session=s, actor_email=actor_email, mission_id=mission_id, rows=rows)
        )
    except SheetsRefused as refused:  # the mission changed between the check and the write
        return SheetsReport(problems=refused.problems)
    return SheetsReport(changes=changes, unchanged=len(rows) - len(changes))


def save_sheet(
    *, session: Session, actor_email: str | None, mission_id: int, row: SheetRow, indicator_id: int | None
) -> Change | None:
    """The Admin page's form: create an indicator (``indicator_id`` None) or change that one, audited; None when
    nothing changed. Raises SheetsRefused naming each field's problem."""
    who = admin._admin(session, actor_email)
    known = _known(session, mission_id)
    planned, problems = plan_one(known, row, indicator_id)
    if problems or planned is None:
        raise SheetsRefused(problems)
    changes = _apply(session, who, known, [planned])
    return changes[0] if changes else None


def retire_indicator(
    *, session: Session, actor_email: str | None, mission_id: int, indicator_id: int, on: date | None
) -> Change:
    """Retire an indicator from ``on`` (None: reinstate it), audited. Its values stay; nothing is deleted."""
    who = admin._admin(session, actor_email)
    known = _known(session, mission_id)
    stored = next((s for s in known.stored if s.indicator.id == indicator_id), None)
    if stored is None:
        raise ValueError("indicator: it no longer exists at this mission; reload the page")
    if (stored.sheet.retired is None) == (on is None):
        state = f"already retired (on {stored.sheet.retired})" if on else "in use, not retired"
        raise ValueError(f"indicator: {stored.sheet.code or stored.sheet.name} is {state}")
    stored.indicator.retired_on = on
    session.add(stored.indicator)
    after = replace(stored.sheet, retired=on)
    change = Change(0, RETIRE if on else REINSTATE, after.code, stored.sheet.snapshot(), after.snapshot())
    admin.audit(session, actor=who, action=change.action, entity="indicator", key=change.code or after.name,
                before=change.before, after=change.after)  # fmt: skip
    session.flush()
    return change


def export_sheets(*, session: Session, mission_id: int, filename: str) -> tuple[bytes, int]:
    """The mission's sheets as a ``.csv`` or ``.xlsx`` file (by ``filename``), and how many indicators it holds.
    Importing it again changes nothing."""
    sheets = current_sheets(session, mission_id)
    data = sheet_format.sheet_file([s.cells() for s in sheets], target_years(session, mission_id, sheets), filename)
    return data, len(sheets)
