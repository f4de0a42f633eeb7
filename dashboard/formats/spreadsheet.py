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

Layout: the objective code with its title beside it (read only), the agency, the quarter, the scales and
narratives, ``current_revision``, then one column per indicator of the user's objectives, headed
``Indicator <code>: <name>`` (e.g. ``Indicator 1.1: Partner institutions supported``). An indicator's
value goes on the rows of its own objective (the other rows' cells are greyed and must stay empty);
an empty cell reports no value for the quarter.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.formats.exports import FORMULA_PREFIXES, neutralise
from models.fields import NARRATIVE_FIELDS
from models.scales import RISK_ORDER, STATUS_ORDER
from models.schemas import NARRATIVE_MAX_CHARS

NARRATIVES = tuple(NARRATIVE_FIELDS)


REQUIRED_COLUMNS = ("objective", "agency", "quarter", "status", "progress", "risk_level", *NARRATIVES)


HELPER_COLUMNS = ("objective_title", "current_revision")


TEMPLATE_COLUMNS = (
    "objective",
    "objective_title",
    "agency",
    "quarter",
    "status",
    "progress",
    "risk_level",
    *NARRATIVES,
    "current_revision",
)


INDICATORS_KEY = "indicators"
"""Each read row's indicator cells: ``{(objective code, indicator name): text}``."""

INDICATOR_PREFIX = "Indicator "
_INDICATOR_HEADER = re.compile(r"^indicator\s+(\S+?)\s*:\s*(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class IndicatorColumn:
    """One indicator column of the template: the objective it belongs to and how it is measured."""

    code: str
    name: str
    unit: str = ""
    target: float | None = None

    @property
    def header(self) -> str:
        return f"{INDICATOR_PREFIX}{self.code}: {self.name}"


def indicator_header(text: str) -> tuple[str, str] | None:
    """``"Indicator 1.1: Officers trained"`` → ``("1.1", "Officers trained")``; None for any other header."""
    match = _INDICATOR_HEADER.match(text.strip())
    return (match.group(1), match.group(2).strip()) if match else None


ROW_KEY = "_row"


MAX_ROWS = 5000
# Bounds on what a file may make the reader do, whatever its size on disk (a zip can expand a thousandfold):
# rows looked at (empty ones included), columns per row, characters per cell, and the workbook's size unzipped.
MAX_SCANNED_ROWS = MAX_ROWS + 1000
MAX_CELLS = 120_000
MAX_COLUMNS = 40
MAX_CELL_CHARS = 200_000
MAX_UNZIPPED_BYTES = 25 * 1024 * 1024
# Python's CSV reader stops at 131,072 characters a field by default, with its own message. Its limit is one
# for the whole process: it is raised once past anything a file within the upload limit can hold (a C long
# on every platform), and ``_bounded`` refuses a cell past MAX_CELL_CHARS, naming its row and column.
_CSV_FIELD_LIMIT = 2**31 - 1


TEMPLATE_SPARE_ROWS = 50


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


_INSTRUCTIONS = [
    ("Column", "What to enter"),
    ("objective", "Objective code from the strategy, e.g. 1.1 or M1. Pre-filled: leave as is."),
    ("objective_title", "Read only: the objective's title, for reference. Ignored on upload."),
    ("agency", "Acronym of the agency reporting, e.g. USAID. You can only report for your own agencies."),
    ("quarter", "Fiscal quarter reported on, e.g. FY2026 Q4 (FY2026 Q4 = July to September 2026)."),
    ("status", "One of: " + ", ".join(STATUS_ORDER) + " (pick from the drop-down)."),
    ("progress", "Progress towards the objective, a whole number from 0 to 100 (no % sign needed)."),
    ("risk_level", "One of: " + ", ".join(RISK_ORDER) + " (pick from the drop-down)."),
    (
        "accomplishments",
        f"Required: what was achieved this quarter. At most {NARRATIVE_MAX_CHARS:,} characters.",
    ),
    (
        "challenges",
        "What held progress back; required when the status is At risk or Off track. "
        f"At most {NARRATIVE_MAX_CHARS:,} characters.",
    ),
    ("next_steps", f"What comes next quarter. At most {NARRATIVE_MAX_CHARS:,} characters."),
    (
        "risk_note",
        "Risks and how they are mitigated; required when the status is At risk or Off track. "
        f"At most {NARRATIVE_MAX_CHARS:,} characters.",
    ),
    (
        "current_revision",
        "Read only: the revision stored when this template was made (0 = none yet). Leave it as is: if someone "
        "saves a newer revision before you upload, the upload stops instead of overwriting their change.",
    ),
    (
        "Indicator …",
        "One column per indicator of your objectives, headed Indicator <objective code>: <name>. Enter the "
        "quarter's value on the rows of that objective only (other rows are greyed); leave it empty if not measured.",
    ),
    ("", ""),
    ("Uploading", "Upload this workbook (first sheet) or a CSV UTF-8 file with the same column headers."),
    ("", "Every row is checked; if any row has a problem nothing is saved and each problem is listed by row."),
    ("", "Rows identical to the stored update are skipped, so uploading the same file twice saves nothing new."),
    ("", "Text starting with = + - or @ is shown with a leading apostrophe; it is saved without it."),
]


class SpreadsheetError(Exception):
    """The file as a whole cannot be used (size, format, columns). The message is shown to the user as is."""


def _safe_text(value: str) -> str:
    return str(neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))


def safe_cell(value: object) -> object:
    """A value to write into a cell: text without control characters and never run as a formula."""
    return _safe_text(value) if isinstance(value, str) else value


def check_workbook(data: bytes) -> None:
    """Refuse a workbook that is not a zip or unzips past the bounds (``SpreadsheetError``), before parsing."""
    _check_zip(data)


def template_workbook(rows: list[dict[str, Any]], indicators: list[IndicatorColumn] | None = None) -> bytes:
    """An Excel workbook to fill in: one row per template row (keyed by ``TEMPLATE_COLUMNS``), with drop-downs,
    then one column per indicator (a row's ``INDICATORS_KEY`` maps an indicator's header to its current value)."""
    indicators = indicators or []
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    _write_header(sheet, indicators)
    for row_number, row in enumerate(rows, start=2):
        _write_row(sheet, row_number, row, indicators)
    _add_checks(sheet, last=len(rows) + 1 + TEMPLATE_SPARE_ROWS, indicators=indicators)
    sheet.freeze_panes = "C2"  # the objective code and title stay in view while scrolling right
    _write_instructions(workbook.create_sheet("Instructions"), indicators)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_FIRST_INDICATOR = len(TEMPLATE_COLUMNS) + 1
"""The sheet column (1-based) of the first indicator: they follow the template's columns."""
_HELPER_FILL = PatternFill("solid", fgColor="EEEEEE")
"""Grey: a cell the user reads but does not fill in."""
_WRAP = Alignment(wrap_text=True, vertical="top")


def _write_header(sheet: Worksheet, indicators: list[IndicatorColumn]) -> None:
    """The header row in bold (read-only columns greyed), and the columns' widths."""
    sheet.append([*TEMPLATE_COLUMNS, *(_safe_text(i.header) for i in indicators)])
    for number, name in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=number)
        cell.font = Font(bold=True)
        if name in HELPER_COLUMNS:
            cell.fill = _HELPER_FILL
        sheet.column_dimensions[get_column_letter(number)].width = _COLUMN_WIDTHS[name]
    for number in range(_FIRST_INDICATOR, _FIRST_INDICATOR + len(indicators)):
        cell = sheet.cell(row=1, column=number)
        cell.font = Font(bold=True)
        cell.alignment = _WRAP
        sheet.column_dimensions[get_column_letter(number)].width = 24


def _write_row(sheet: Worksheet, row_number: int, row: dict[str, Any], indicators: list[IndicatorColumn]) -> None:
    """One template row: its indicator values (other objectives' indicators greyed), then its text as text."""
    values = row.get(INDICATORS_KEY, {})
    for number, indicator in enumerate(indicators, start=_FIRST_INDICATOR):
        cell = sheet.cell(row=row_number, column=number)
        if indicator.code == row["objective"]:
            cell.value = values.get(indicator.header)
        else:
            cell.fill = _HELPER_FILL  # another objective's indicator: not reported on this row
    for number, name in enumerate(TEMPLATE_COLUMNS, start=1):
        value = row[name]
        cell = sheet.cell(row=row_number, column=number)
        if isinstance(value, str):
            cell.value = _safe_text(value)
            cell.data_type = "s"  # text, never a formula
        else:
            cell.value = value
        if name in NARRATIVES or name == "objective_title":
            cell.alignment = _WRAP
        if name in HELPER_COLUMNS:
            cell.fill = _HELPER_FILL


def _add_checks(sheet: Worksheet, *, last: int, indicators: list[IndicatorColumn]) -> None:
    """Excel's own checks down to row ``last``: drop-downs for the scales, 0-100 progress, numeric indicators."""
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
    if not indicators:
        return
    number_check = DataValidation(
        type="decimal",
        operator="between",
        formula1="-1E+15",
        formula2="1E+15",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a number",
        error="Enter the indicator's value as a number, or leave it empty.",
    )
    first_letter = get_column_letter(_FIRST_INDICATOR)
    last_letter = get_column_letter(_FIRST_INDICATOR + len(indicators) - 1)
    number_check.add(f"{first_letter}2:{last_letter}{last}")
    sheet.add_data_validation(number_check)


def _write_instructions(notes: Worksheet, indicators: list[IndicatorColumn]) -> None:
    """The Instructions sheet: how to fill the template in, then each indicator's unit and target."""
    for line in _INSTRUCTIONS:
        notes.append([_safe_text(text) for text in line])
    for indicator in indicators:
        target = f"; target {indicator.target:g}" if indicator.target is not None else ""
        notes.append([_safe_text(indicator.header), _safe_text(f"Unit: {indicator.unit or 'value'}{target}.")])
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 110


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


def _csv_rows(data: bytes, max_columns: int = MAX_COLUMNS) -> list[tuple[int, list[object]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "The CSV file is not UTF-8 text: in Excel choose Save As → CSV UTF-8 (or upload the .xlsx)."
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    rows: list[tuple[int, list[object]]] = []
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
            if number > MAX_SCANNED_ROWS:
                raise _too_many_rows()
            rows.append((number, _bounded(number, list(row), max_columns)))
        return rows
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file cannot be read: {exc}.") from None


def _check_zip(data: bytes) -> None:
    """Refuse a workbook that would unzip to more than ``MAX_UNZIPPED_BYTES``, by its declared sizes and then
    by its actual ones (a zip may lie about sizes), reading each member in chunks and stopping at the bound."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError("The file cannot be read as an Excel workbook (.xlsx).") from None
    too_big = SpreadsheetError(
        f"The workbook unzips to more than {MAX_UNZIPPED_BYTES // 1_048_576} MB, far more than a filled-in "
        "template: save a copy with only the Updates sheet, or upload it as CSV."
    )
    if len(members) > 200 or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise too_big
    total = 0
    try:
        for member in members:
            rows = cells = 0
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_UNZIPPED_BYTES:
                        raise too_big
                    rows += chunk.count(b"<row ") + chunk.count(b"<row>")
                    cells += chunk.count(b"<c ") + chunk.count(b"<c>")
            # Counted before any parsing: a flood of empty rows is refused without reading its cells.
            if member.filename.startswith("xl/worksheets/") and rows > MAX_SCANNED_ROWS:
                raise _too_many_rows()
            if member.filename.startswith("xl/worksheets/") and cells > MAX_CELLS:
                raise SpreadsheetError(
                    f"The sheet has more than {MAX_CELLS:,} cells, far more than a filled-in template: delete the "
                    "empty rows and columns around your data, or upload it as CSV."
                )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise SpreadsheetError("The file cannot be read as an Excel workbook (.xlsx).") from None


def _bounded(number: int, values: list[object], max_columns: int = MAX_COLUMNS) -> list[object]:
    """A row's values, refused when it goes past ``max_columns`` or a cell past ``MAX_CELL_CHARS``."""
    if len(values) > max_columns and any(v not in (None, "") for v in values[max_columns:]):
        hint = "the template has 13 columns and one per indicator" if max_columns == MAX_COLUMNS else "split the file"
        raise SpreadsheetError(f"Row {number} has values beyond column {max_columns}: {hint}.")
    values = values[:max_columns]
    for index, value in enumerate(values):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise SpreadsheetError(
                f"Row {number}, column {get_column_letter(index + 1)} has {len(value):,} characters; "
                f"a cell may hold at most {MAX_CELL_CHARS:,}."
            )
    return values


def _too_many_rows() -> SpreadsheetError:
    return SpreadsheetError(
        f"The file has more than {MAX_SCANNED_ROWS:,} rows, counting empty ones; the limit is {MAX_ROWS:,} "
        "filled rows: delete the empty rows below your data, or split the file."
    )


def _xlsx_rows(data: bytes, max_columns: int = MAX_COLUMNS) -> list[tuple[int, list[object]]]:
    _check_zip(data)
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
        # Values only (no cell objects: three times faster); from row 1, gaps come back as empty rows, so the
        # position is the row number the user sees.
        # Without max_col: faster, and the cells were counted before parsing (MAX_CELLS).
        for number, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
            if number > MAX_SCANNED_ROWS:
                raise _too_many_rows()
            values = _bounded(number, list(cells), max_columns)
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


def _loaded(
    data: bytes, filename: str, max_bytes: int, max_columns: int = MAX_COLUMNS
) -> list[tuple[int, list[object]]]:
    """The non-empty rows of a CSV or XLSX (first sheet), bounded; SpreadsheetError for anything else."""
    check_size(len(data), max_bytes)
    if not data:
        raise SpreadsheetError("The file is empty.")
    name = filename.lower().strip()
    if name.endswith(".csv"):
        table = _csv_rows(data, max_columns)
    elif name.endswith(".xlsx"):
        table = _xlsx_rows(data, max_columns)
    elif name.endswith(".xls"):
        raise SpreadsheetError("Old Excel .xls files are not supported: save it as .xlsx or CSV UTF-8.")
    else:
        raise SpreadsheetError(f"{filename or 'The file'} is not a .csv or .xlsx file.")
    return [(n, cells) for n, cells in table if any(_cell_text(v) for v in cells)]


def plain_rows(data: bytes, filename: str, *, max_bytes: int) -> list[tuple[int, list[str]]]:
    """The non-empty rows of any CSV or XLSX (first sheet) as (row number, cell texts), bounded as ``read_rows``."""
    return [(n, [_cell_text(v) for v in cells]) for n, cells in _loaded(data, filename, max_bytes)]


@dataclass(frozen=True)
class Table:
    """A file's header row (column names in lower case, spaces as underscores, in order) and its data rows."""

    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    """Each row: column name -> cell text ("" when empty; every column present), plus ``ROW_KEY``: its number as
    the file shows it (header = 1)."""


def read_table(data: bytes, filename: str, *, max_bytes: int, max_columns: int = MAX_COLUMNS) -> Table:
    """Any CSV (UTF-8, comma, semicolon or tab) or XLSX file (first sheet) with a header row, read within the same
    bounds as ``read_rows`` (``max_columns`` columns at most); cells read as ``read_rows`` reads them, fully empty
    rows skipped. Raises SpreadsheetError with one sentence (a header named twice, a value under no header, no
    data row)."""
    table = [(n, [_cell_text(v) for v in cells]) for n, cells in _loaded(data, filename, max_bytes, max_columns)]
    if not table:
        raise SpreadsheetError("The file is empty: it needs a header row and at least one data row.")
    header = [_header_name(v) for v in table[0][1]]
    while header and not header[-1]:
        header.pop()
    twice = [h for h in dict.fromkeys(header) if h and header.count(h) > 1]
    if twice:
        raise SpreadsheetError("The header row names " + ", ".join(twice) + " twice: keep one column each.")
    rows: list[dict[str, Any]] = []
    for number, texts in table[1:]:
        stray = [i for i, t in enumerate(texts) if t and (i >= len(header) or not header[i])]
        if stray:
            raise SpreadsheetError(
                f"Row {number} has a value in column {get_column_letter(stray[0] + 1)}, which has no header."
            )
        row: dict[str, Any] = {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(header) if h}
        row[ROW_KEY] = number
        rows.append(row)
    if not rows:
        raise SpreadsheetError("The file has a header row but no data rows.")
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(f"The file has {len(rows):,} rows; the limit is {MAX_ROWS:,}: split it.")
    return Table(tuple(h for h in header if h), rows)


def read_rows(data: bytes, filename: str, *, max_bytes: int) -> list[dict[str, Any]]:
    """The data rows of a CSV (UTF-8, with or without BOM, comma or semicolon) or XLSX file (first sheet).

    Each row is a dict of column name → text (see the module docstring for how cells are read), plus
    ``ROW_KEY`` with its row number and ``INDICATORS_KEY`` with its filled indicator cells;
    ``current_revision`` is kept ("" when the column is absent), ``objective_title`` is dropped;
    fully empty rows are skipped. Raises SpreadsheetError.
    """
    table = _loaded(data, filename, max_bytes)
    if not table:
        raise SpreadsheetError("The file is empty: it needs a header row and at least one data row.")
    _, header_cells = table[0]
    indicator_columns = {i: found for i, v in enumerate(header_cells) if (found := indicator_header(_cell_text(v)))}
    headers = ["" if i in indicator_columns else _header_name(v) for i, v in enumerate(header_cells)]
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
        stray = [
            i for i, t in enumerate(texts) if t and (i >= len(headers) or not headers[i]) and i not in indicator_columns
        ]
        if stray:
            raise SpreadsheetError(
                f"Row {number} has a value in column {get_column_letter(stray[0] + 1)}, which has no header."
            )
        row: dict[str, Any] = {c: "" for c in (*REQUIRED_COLUMNS, "current_revision")}
        row.update({h: t for h, t in zip(headers, texts, strict=False) if h and h != "objective_title"})
        row[INDICATORS_KEY] = {found: texts[i] for i, found in indicator_columns.items() if i < len(texts) and texts[i]}
        row[ROW_KEY] = number
        rows.append(row)
    if not rows:
        raise SpreadsheetError("The file has a header row but no data rows.")
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(f"The file has {len(rows):,} rows; the limit is {MAX_ROWS:,}: split it.")
    return rows
