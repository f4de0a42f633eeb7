"""Quarterly status updates through a spreadsheet: download a template, fill it in, upload it again.

``template_xlsx`` builds an Excel workbook with one row per (objective, agency) the
user reports for; ``read_rows`` reads a filled-in CSV or XLSX back into plain rows;
``validate_rows`` checks every row and every column and plans the writes;
``import_rows`` stores them all in one transaction or nothing at all.

Text in and out:

* Every text cell the template writes goes through ``exports.neutralise``, so text a
  spreadsheet would run as a formula (``=SUM(A1:A3)``) is written as ``'=SUM(A1:A3)``.
* On reading, cell text is kept exactly as typed except for surrounding whitespace,
  with one exception: a leading apostrophe directly followed by ``= + - @``, a tab or a
  carriage return is the prefix ``neutralise`` added, so that one apostrophe is removed
  (``'=1+1`` reads as ``=1+1``). A formula typed into a cell is read as its text.
* Re-uploading a file is safe: a row whose content equals the newest stored revision
  is "unchanged" and writes nothing; the ``current_revision`` column detects a newer
  revision saved by someone else since the template was downloaded.
"""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard import submissions
from dashboard.auth import AccessDenied, acting, require_agency
from dashboard.db import read_session, write_session
from dashboard.exports import FORMULA_PREFIXES, neutralise
from dashboard.fiscal import FiscalQuarter
from dashboard.queries import NARRATIVE_COLUMNS
from models import Agency, Mission, Objective, ObjectiveAgency, UpdateInput, format_validation_error
from models.scales import RISK_ORDER, STATUS_ORDER
from models.schemas import NARRATIVE_MAX_CHARS

NARRATIVES = tuple(NARRATIVE_COLUMNS)
REQUIRED_COLUMNS = ("objective", "agency", "quarter", "status", "progress", "risk_level", *NARRATIVES)
HELPER_COLUMNS = ("objective_title", "current_revision")
TEMPLATE_COLUMNS = (*REQUIRED_COLUMNS, *HELPER_COLUMNS)
ROW_KEY = "_row"
"""Key of the spreadsheet row number (header = 1) in each dict ``read_rows`` returns."""
MAX_ROWS = 5000
"""Most data rows one file may hold."""
TEMPLATE_SPARE_ROWS = 50
"""Rows below the pre-filled ones that also get the drop-downs, for rows the user adds."""
SHEET_TITLE = "Updates"

_COLUMN_WIDTHS = {
    "objective": 11,
    "agency": 10,
    "quarter": 12,
    "status": 13,
    "progress": 10,
    "risk_level": 11,
    "accomplishments": 50,
    "challenges": 50,
    "next_steps": 50,
    "risk_note": 50,
    "objective_title": 60,
    "current_revision": 17,
}
_FIELD_COLUMN = {
    "objective_id": "objective",
    "agency_id": "agency",
    "fiscal_year": "quarter",
    "base_revision": "current_revision",
}
_INSTRUCTIONS = [
    ("Column", "What to enter"),
    ("objective", "Objective code from the strategy, e.g. 1.1 or M1. Pre-filled: leave as is."),
    ("agency", "Acronym of the agency reporting, e.g. USAID. You can only report for your own agencies."),
    ("quarter", "Fiscal quarter reported on, e.g. FY2026 Q4 (FY2026 Q4 = July to September 2026)."),
    ("status", "One of: " + ", ".join(STATUS_ORDER) + " (pick from the drop-down)."),
    ("progress", "Progress towards the objective, a whole number from 0 to 100 (no % sign needed)."),
    ("risk_level", "One of: " + ", ".join(RISK_ORDER) + " (pick from the drop-down)."),
    ("accomplishments", f"What was achieved this quarter. At most {NARRATIVE_MAX_CHARS:,} characters."),
    ("challenges", f"What held progress back. At most {NARRATIVE_MAX_CHARS:,} characters."),
    ("next_steps", f"What comes next quarter. At most {NARRATIVE_MAX_CHARS:,} characters."),
    ("risk_note", f"Risks and how they are mitigated. At most {NARRATIVE_MAX_CHARS:,} characters."),
    ("objective_title", "Read only: the objective's title, for reference. Ignored on upload."),
    (
        "current_revision",
        "Read only: the revision stored when this template was made (0 = none yet). Leave it as is: if someone "
        "saves a newer revision before you upload, the upload stops instead of overwriting their change.",
    ),
    ("", ""),
    ("Uploading", "Upload this workbook (first sheet) or a CSV UTF-8 file with the same column headers."),
    ("", "Every row is checked; if any row has a problem nothing is saved and each problem is listed by row."),
    ("", "Rows identical to the stored update are skipped, so uploading the same file twice saves nothing new."),
    ("", "Text starting with = + - or @ is shown with a leading apostrophe; it is saved without it."),
]


class SpreadsheetError(Exception):
    """The file as a whole cannot be used (size, format, columns). The message is shown to the user as is."""


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
        if self.dry_run:
            return f"would write {self.written} updates, {self.unchanged} unchanged (dry run: nothing written)"
        return f"wrote {self.written} updates, {self.unchanged} unchanged"


# --------------------------------------------------------------------------- template


def template_rows(*, session: Session, actor_email: str | None, mission_id: int, quarter: FiscalQuarter) -> list[dict]:
    """The template's rows as dicts keyed by ``TEMPLATE_COLUMNS``, pre-filled from the newest stored revision."""
    actor = acting(session, actor_email)
    if not actor.agency_ids:
        raise AccessDenied(f"{actor.label} does not report for any agency, so there is no update to fill in.")
    if session.get(Mission, mission_id) is None:
        raise ValueError("mission: not found")
    pairs = session.exec(
        select(Objective, Agency)
        .join(ObjectiveAgency, col(ObjectiveAgency.objective_id) == Objective.id)
        .join(Agency, col(Agency.id) == ObjectiveAgency.agency_id)
        .where(Objective.mission_id == mission_id, col(Agency.id).in_(actor.agency_ids))
    ).all()
    rows = []
    # Sorted here rather than in SQL so the order does not depend on the database's collation.
    for objective, agency in sorted(pairs, key=lambda p: (p[0].position, p[0].code, p[1].acronym.casefold())):
        assert objective.id is not None and agency.id is not None
        key = (objective.id, agency.id, quarter.fiscal_year, quarter.quarter)
        latest = submissions.latest_revision(session, key)
        row: dict[str, Any] = {
            "objective": objective.code,
            "agency": agency.acronym,
            "quarter": quarter.label,
            **{name: "" for name in ("status", "progress", "risk_level", *NARRATIVES)},
            "objective_title": objective.title,
            "current_revision": latest.revision if latest else 0,
        }
        if latest is not None:
            row.update({name: getattr(latest, name) for name in submissions.FIELDS})
        rows.append(row)
    return rows


def _safe_text(value: str) -> str:
    return str(neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))


def template_xlsx(*, session: Session, actor_email: str | None, mission_id: int, quarter: FiscalQuarter) -> bytes:
    """An Excel workbook to fill in: one row per (objective, agency) the actor reports for, with drop-downs."""
    rows = template_rows(session=session, actor_email=actor_email, mission_id=mission_id, quarter=quarter)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    helper_fill = PatternFill("solid", fgColor="EEEEEE")
    sheet.append(list(TEMPLATE_COLUMNS))
    for number, name in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=number)
        cell.font = Font(bold=True)
        if name in HELPER_COLUMNS:
            cell.fill = helper_fill
        sheet.column_dimensions[get_column_letter(number)].width = _COLUMN_WIDTHS[name]
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate(rows, start=2):
        for number, name in enumerate(TEMPLATE_COLUMNS, start=1):
            value = row[name]
            cell = sheet.cell(row=row_number, column=number)
            if isinstance(value, str):
                cell.value = _safe_text(value)
                cell.data_type = "s"  # text, never a formula
            else:
                cell.value = value
            if name in NARRATIVES or name == "objective_title":
                cell.alignment = wrap
            if name in HELPER_COLUMNS:
                cell.fill = helper_fill
    last = len(rows) + 1 + TEMPLATE_SPARE_ROWS
    position = {name: get_column_letter(i) for i, name in enumerate(TEMPLATE_COLUMNS, start=1)}
    for name, choices in (("status", STATUS_ORDER), ("risk_level", RISK_ORDER)):
        check = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"Not a {name.replace('_', ' ')}",
            error="Pick one of: " + ", ".join(choices),
        )
        check.add(f"{position[name]}2:{position[name]}{last}")
        sheet.add_data_validation(check)
    percent = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a percentage",
        error="Enter a whole number from 0 to 100.",
    )
    percent.add(f"{position['progress']}2:{position['progress']}{last}")
    sheet.add_data_validation(percent)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("Instructions")
    for line in _INSTRUCTIONS:
        notes.append([_safe_text(text) for text in line])
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reading


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB"


def check_size(size: int, max_bytes: int) -> None:
    """Raise SpreadsheetError when a file of ``size`` bytes is over the limit."""
    if size > max_bytes:
        shown, limit = _size(size), _size(max_bytes)
        if shown == limit:
            shown, limit = f"{size:,} bytes", f"{max_bytes:,} bytes"
        raise SpreadsheetError(f"The file is {shown}; the limit is {limit}.")


def _cell_text(value: object) -> str:
    """A cell as text: whitespace stripped, the export's neutralising apostrophe removed, 40.0 as 40."""
    if value is None:
        return ""
    if isinstance(value, ArrayFormula):
        value = value.text or ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:].strip()
    return text


def _header_name(value: object) -> str:
    return _cell_text(value).replace("\ufeff", "").strip().lower().replace(" ", "_")


def _csv_rows(data: bytes) -> list[tuple[int, list[object]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "The CSV file is not UTF-8 text: in Excel choose Save As → CSV UTF-8 (or upload the .xlsx)."
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        return [(n, list(r)) for n, r in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1)]
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file cannot be read: {exc}.") from None


def _xlsx_rows(data: bytes) -> list[tuple[int, list[object]]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001  (any failure means the same thing to the user)
        raise SpreadsheetError("The file cannot be read as an Excel workbook (.xlsx).") from None
    try:
        if not workbook.worksheets:
            raise SpreadsheetError("The workbook has no sheet.")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # do not trust the size the file claims
        out: list[tuple[int, list[object]]] = []
        data_rows = 0
        for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1):
            values = [getattr(c, "value", None) for c in cells]
            number = next((c.row for c in cells if getattr(c, "row", None)), number)
            if any(_cell_text(v) for v in values):
                out.append((number, values))
                data_rows += 1
                if data_rows > MAX_ROWS + 1:
                    raise SpreadsheetError(f"The file has more than {MAX_ROWS:,} rows: split it.")
        return out
    except SpreadsheetError:
        raise
    except Exception:  # noqa: BLE001
        raise SpreadsheetError("The file cannot be read as an Excel workbook (.xlsx).") from None
    finally:
        workbook.close()


def read_rows(data: bytes, filename: str, *, max_bytes: int) -> list[dict[str, Any]]:
    """The data rows of a CSV (UTF-8, with or without BOM, comma or semicolon) or XLSX file (first sheet).

    Each row is a dict of column name → text (see the module docstring for how cells are read), plus
    ``ROW_KEY`` with its row number; ``current_revision`` is kept ("" when the column is absent),
    ``objective_title`` is dropped; fully empty rows are skipped. Raises SpreadsheetError.
    """
    check_size(len(data), max_bytes)
    if not data:
        raise SpreadsheetError("The file is empty.")
    name = filename.lower().strip()
    if name.endswith(".csv"):
        table = _csv_rows(data)
    elif name.endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif name.endswith(".xls"):
        raise SpreadsheetError("Old Excel .xls files are not supported: save it as .xlsx or CSV UTF-8.")
    else:
        raise SpreadsheetError(f"{filename or 'The file'} is not a .csv or .xlsx file.")
    table = [(n, cells) for n, cells in table if any(_cell_text(v) for v in cells)]
    if not table:
        raise SpreadsheetError("The file is empty: it needs a header row and at least one data row.")
    _, header_cells = table[0]
    headers = [_header_name(v) for v in header_cells]
    named = [h for h in headers if h]
    missing = [c for c in REQUIRED_COLUMNS if c not in named]
    unknown = [h for h in dict.fromkeys(named) if h not in TEMPLATE_COLUMNS]
    twice = [h for h in dict.fromkeys(named) if named.count(h) > 1]
    problems = []
    if missing:
        problems.append("missing columns: " + ", ".join(missing))
    if unknown:
        problems.append("unknown columns: " + ", ".join(unknown))
    if twice:
        problems.append("columns given twice: " + ", ".join(twice))
    if problems:
        raise SpreadsheetError(
            "The header row does not match the template (" + "; ".join(problems) + "). "
            "Expected: " + ", ".join(REQUIRED_COLUMNS) + " (optional: " + ", ".join(HELPER_COLUMNS) + ")."
        )
    rows: list[dict[str, Any]] = []
    for number, cells in table[1:]:
        texts = [_cell_text(v) for v in cells]
        stray = [i for i, t in enumerate(texts) if t and (i >= len(headers) or not headers[i])]
        if stray:
            raise SpreadsheetError(
                f"Row {number} has a value in column {get_column_letter(stray[0] + 1)}, which has no header."
            )
        row: dict[str, Any] = {c: "" for c in (*REQUIRED_COLUMNS, "current_revision")}
        row.update({h: t for h, t in zip(headers, texts, strict=False) if h and h != "objective_title"})
        row[ROW_KEY] = number
        rows.append(row)
    if not rows:
        raise SpreadsheetError("The file has a header row but no data rows.")
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(f"The file has {len(rows):,} rows; the limit is {MAX_ROWS:,}: split it.")
    return rows


# --------------------------------------------------------------------------- validation


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


def _split(message: str, default: str) -> tuple[str, str]:
    """``"field: message"`` → (column, message); anything else goes to ``default``."""
    name, sep, rest = message.partition(": ")
    if sep and name and " " not in name:
        return _FIELD_COLUMN.get(name, name), rest
    return default, message


def _errors_from(number: int, exc: Exception) -> list[RowError]:
    """Map what ``resolve_target`` / ``submit`` raise onto the row's columns."""
    if isinstance(exc, submissions.Conflict):
        return [RowError(number, "current_revision", str(exc))]
    if isinstance(exc, AccessDenied):
        return [RowError(number, "agency", str(exc))]
    if isinstance(exc, ValidationError):
        return [RowError(number, *_split(line, "objective")) for line in format_validation_error(exc)]
    return [RowError(number, *_split(str(exc), "objective"))]


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def validate_rows(
    *,
    session: Session,
    actor_email: str | None,
    mission_id: int,
    rows: Sequence[Mapping[str, Any]],
    today: date,
) -> tuple[list[PlannedWrite], list[RowError]]:
    """Check every row and column against the mission, the actor's agencies and the stored revisions.

    Returns the planned writes (a new revision, or "unchanged" when the row equals the newest
    stored revision) and every error found. Raises AccessDenied when the actor may not write at all.
    """
    actor = acting(session, actor_email)
    mission = session.get(Mission, mission_id)
    if mission is None:
        raise ValueError("mission: not found")
    objectives = {o.code.upper(): o for o in session.exec(select(Objective).where(Objective.mission_id == mission_id))}
    agencies = {a.acronym.upper(): a for a in session.exec(select(Agency))}
    roles = set(
        session.exec(
            select(ObjectiveAgency.objective_id, ObjectiveAgency.agency_id)
            .join(Objective, col(Objective.id) == ObjectiveAgency.objective_id)
            .where(Objective.mission_id == mission_id)
        ).all()
    )
    planned: list[PlannedWrite] = []
    errors: list[RowError] = []
    seen: dict[tuple[int, int, int, int], int] = {}
    for index, raw in enumerate(rows):
        number = int(raw.get(ROW_KEY, index + 2))
        cells = {name: _text(raw.get(name)) for name in (*REQUIRED_COLUMNS, "current_revision")}
        found: dict[str, str] = {}

        def fail(column: str, message: str, found: dict[str, str] = found) -> None:
            found.setdefault(column, message)

        objective = agency = quarter = None
        if not cells["objective"]:
            fail("objective", "is required (an objective code such as 1.1)")
        elif (objective := objectives.get(cells["objective"].upper())) is None:
            fail("objective", f"unknown objective code {cells['objective']} (not in the {mission.country} strategy)")
        if not cells["agency"]:
            fail("agency", "is required (an agency acronym such as " + (actor.agencies or ("USAID",))[0] + ")")
        elif (agency := agencies.get(cells["agency"].upper())) is None:
            fail("agency", f"unknown agency {cells['agency']}")
        else:
            assert agency.id is not None
            try:
                require_agency(actor, agency.id, agency.acronym)
            except AccessDenied as exc:
                fail("agency", str(exc))
            if objective is not None and (objective.id, agency.id) not in roles:
                fail("agency", f"{agency.acronym} is not a lead or contributing agency on objective {objective.code}")
        if not cells["quarter"]:
            fail("quarter", "is required (e.g. FY2026 Q4)")
        else:
            try:
                quarter = FiscalQuarter.parse(cells["quarter"])
                submissions.check_quarter(mission, quarter, today)
            except ValueError as exc:
                fail("quarter", _split(str(exc), "quarter")[1])
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
        given: int | None = None
        if cells["current_revision"]:
            try:
                given = int(cells["current_revision"])
            except ValueError:
                fail(
                    "current_revision", f"{cells['current_revision']} is not a revision number: leave it as downloaded"
                )
        if objective is not None and agency is not None and quarter is not None:
            assert objective.id is not None and agency.id is not None
            key = (objective.id, agency.id, quarter.fiscal_year, quarter.quarter)
            if key in seen:
                fail(
                    "objective",
                    f"{objective.code} {agency.acronym} {quarter.label} is already on row {seen[key]}: "
                    "keep one row per objective, agency and quarter",
                )
            else:
                seen[key] = number
        if found:
            errors.extend(RowError(number, column, message) for column, message in found.items())
            continue
        assert objective is not None and agency is not None and quarter is not None
        assert objective.id is not None and agency.id is not None
        try:
            form = UpdateInput(
                objective_id=objective.id,
                agency_id=agency.id,
                fiscal_year=quarter.fiscal_year,
                quarter=quarter.quarter,
                status=status,
                progress=progress,
                risk_level=risk,
                **{name: cells[name] for name in NARRATIVES},
            )
            submissions.resolve_target(session, actor, form, today)
        except (ValueError, AccessDenied) as exc:
            errors.extend(_errors_from(number, exc))
            continue
        latest = submissions.latest_revision(session, (objective.id, agency.id, quarter.fiscal_year, quarter.quarter))
        stored = latest.revision if latest is not None else 0
        label = f"{objective.code} {agency.acronym} {quarter.label}"
        if latest is not None and submissions.same_content(latest, form):
            planned.append(PlannedWrite(number, form, stored, "unchanged", label))
        elif given is not None and given != stored:
            if latest is not None and given < stored:
                message = (
                    f"{latest.author} saved revision {stored} of {label} since this template was downloaded "
                    f"(it has revision {given}); nothing was overwritten: download a new template and "
                    "enter your changes again"
                )
            else:
                message = f"revision {given} of {label} does not exist (the newest is {stored}): leave it as downloaded"
            errors.append(RowError(number, "current_revision", message))
        else:
            planned.append(PlannedWrite(number, form, stored, "write", label))
    column_order = {name: i for i, name in enumerate(TEMPLATE_COLUMNS)}
    errors.sort(key=lambda e: (e.row, column_order.get(e.column, len(column_order))))
    return planned, errors


# --------------------------------------------------------------------------- import


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
) -> ImportReport:
    """Validate, then store every changed row in one transaction; on any error store nothing.

    ``dry_run`` validates and counts without writing. Raises AccessDenied when the actor may not write.
    """
    today = today or date.today()
    if dry_run:
        with read_session(engine) as session:
            planned, errors = validate_rows(
                session=session, actor_email=actor_email, mission_id=mission_id, rows=rows, today=today
            )
        if errors:
            return ImportReport(errors=errors, dry_run=True)
        return _counts(planned, dry_run=True)
    try:
        with write_session(engine) as session:
            planned, errors = validate_rows(
                session=session, actor_email=actor_email, mission_id=mission_id, rows=rows, today=today
            )
            if errors:
                raise _RollBack(ImportReport(errors=errors))
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
    except _RollBack as stopped:
        return stopped.report
    return _counts(planned, dry_run=False)


def _counts(planned: list[PlannedWrite], *, dry_run: bool) -> ImportReport:
    written = sum(1 for p in planned if p.action == "write")
    return ImportReport(written=written, unchanged=len(planned) - written, dry_run=dry_run)
