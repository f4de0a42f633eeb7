"""A mission's indicator reference sheets as one CSV or Excel file, one row per indicator, and back.

Columns: ``objective, code, name, definition, unit, direction, baseline, baseline_fy, frequency, agency,
data_source`` (required in the header), the optional ``calculation, collection_method, disaggregation,
data_quality, established, reviewed, retired``, then one ``target_FY<year>`` column per fiscal year and optional
``target_FY<year>_Q<n>`` interim columns. Headers are read in any case, spaces as underscores.

Cells are read as people write them (the readers below; each raises ``ValueError`` with the reason): ``increase``
or ``decrease``; ``quarterly``, ``semiannual`` or ``annual``; ``FY2022`` or ``2022``; numbers with thousands
separators, a ``%`` or a ``$``; dates as ``2026-03-31`` or ``3/31/2026``; an empty target cell is no target for that
year. What ``sheet_file`` writes reads back to the same sheets. Reading is bounded like the status spreadsheets
(``spreadsheet.read_table``); text a spreadsheet would run as a formula is written with a leading apostrophe.
"""

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboard.formats import spreadsheet
from dashboard.formats.exports import neutralise
from dashboard.formats.spreadsheet import ROW_KEY, SpreadsheetError
from models.scales import Direction, Frequency
from models.schemas import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from models.text import clean_text

REQUIRED_COLUMNS = (
    "objective",
    "code",
    "name",
    "definition",
    "unit",
    "direction",
    "baseline",
    "baseline_fy",
    "frequency",
    "agency",
    "data_source",
)
OPTIONAL_COLUMNS = ("calculation", "collection_method", "disaggregation", "data_quality", "established", "reviewed")
RETIRED_COLUMN = "retired"
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, RETIRED_COLUMN)
MAX_SHEET_COLUMNS = 80  # the 18 columns, and a target and four interim targets for each of 12 years
SHEET_TITLE = "Indicators"

_TARGET = re.compile(r"^target_?fy(\d{4})(?:_?q([1-4]))?$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:fy\s*)?(\d{4})$", re.IGNORECASE)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
DIRECTION_WORDS = {Direction.UP: "increase", Direction.DOWN: "decrease"}
_DIRECTIONS = {
    **{word: direction for direction, word in DIRECTION_WORDS.items()},
    **{d.value: d for d in Direction},
    "increasing": Direction.UP,
    "decreasing": Direction.DOWN,
}
_FREQUENCY_SPELLINGS = {"semi-annual": Frequency.SEMIANNUAL, "semi annual": Frequency.SEMIANNUAL}
PERCENT_UNITS = ("percent", "%", "percentage")


class SheetFileError(ValueError):
    """A sheet file that cannot be read at all (size, format, header); the message is one sentence."""


@dataclass(frozen=True)
class SheetRow:
    """One indicator's row as written: its number in the file (0: the Admin page's form), each column's text
    ("" when empty or absent), and its filled target cells by (fiscal year, quarter; 0 for the year's target)."""

    number: int
    cells: dict[str, str]
    targets: dict[tuple[int, int], str]


def target_column(fiscal_year: int, quarter: int = 0) -> str:
    """``target_FY2026`` (the year's target) or ``target_FY2026_Q2`` (an interim one)."""
    return f"target_FY{fiscal_year}" + (f"_Q{quarter}" if quarter else "")


def target_key(column: str) -> tuple[int, int] | None:
    """``target_fy2026_q2`` → (2026, 2), ``target_FY2026`` → (2026, 0); None for any other column."""
    match = _TARGET.match(column.strip())
    return (int(match.group(1)), int(match.group(2) or 0)) if match else None


def read_sheets(data: bytes, filename: str, *, max_bytes: int) -> list[SheetRow]:
    """The rows of a sheet file (CSV or XLSX), checked for its header; raises SheetFileError."""
    try:
        table = spreadsheet.read_table(data, filename, max_bytes=max_bytes, max_columns=MAX_SHEET_COLUMNS)
    except SpreadsheetError as exc:
        raise SheetFileError(str(exc)) from None
    targets = {column: key for column in table.columns if (key := target_key(column))}
    _check_header(table.columns, targets)
    rows = []
    for row in table.rows:
        cells = {name: str(row.get(name, "")) for name in COLUMNS}
        filled = {key: str(row[column]) for column, key in targets.items() if str(row[column]).strip()}
        rows.append(SheetRow(int(row[ROW_KEY]), cells, filled))
    return rows


def _check_header(columns: tuple[str, ...], targets: dict[str, tuple[int, int]]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in COLUMNS and c not in targets]
    problems = []
    if missing:
        problems.append("missing " + ", ".join(missing))
    if unknown:
        problems.append("unknown " + ", ".join(unknown))
    if not targets:
        problems.append("no target_FY<year> column")
    twice = [c for c in targets if list(targets.values()).count(targets[c]) > 1]
    if twice:
        problems.append("the same target twice: " + ", ".join(twice))
    if problems:
        raise SheetFileError(
            "The header row does not match the indicator sheet (" + "; ".join(problems) + "). Expected: "
            + ", ".join(REQUIRED_COLUMNS) + ", then target_FY<year> per year and optional target_FY<year>_Q<n> "
            "interim targets (optional: " + ", ".join((*OPTIONAL_COLUMNS, RETIRED_COLUMN)) + ")."
        )  # fmt: skip


def read_direction(text: str) -> Direction:
    direction = _DIRECTIONS.get(text.strip().lower())
    if direction is None:
        raise ValueError(f"{text!r} is not a direction: write increase or decrease")
    return direction


def read_frequency(text: str) -> Frequency:
    word = text.strip().lower()
    found = _FREQUENCY_SPELLINGS.get(word) or next((f for f in Frequency if f.value == word), None)
    if found is None:
        raise ValueError(f"unknown frequency {text!r}: write " + ", ".join(f.value for f in Frequency))
    return found


def read_year(text: str) -> int:
    """``FY2022``, ``FY 2022`` or ``2022`` → 2022."""
    match = _YEAR.match(text.strip())
    if match is None or not MIN_FISCAL_YEAR <= int(match.group(1)) <= MAX_FISCAL_YEAR:
        raise ValueError(f"{text!r} is not a fiscal year such as FY2022")
    return int(match.group(1))


def is_percent(unit: str) -> bool:
    return unit.strip().lower() in PERCENT_UNITS


def read_number(text: str, *, percent: bool = False) -> float:
    """A number as people write it: ``1,250``, ``45%``, ``$3.5``; within 0-100 when ``percent``."""
    cleaned = text.strip().replace(",", "").removeprefix("$").removesuffix("%").strip()
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a number")
    if percent and not 0 <= number <= 100:
        raise ValueError(f"{text} is not a percentage between 0 and 100")
    return number


def read_date(text: str) -> date | None:
    """``2026-03-31`` or ``3/31/2026`` (month first, as in the United States); empty is no date."""
    text = text.strip()
    if not text:
        return None
    try:
        if match := _US_DATE.match(text):
            return date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"{text!r} is not a date such as 2026-03-31") from None


_TARGET_ENTRY = re.compile(r"^(?:fy\s*)?(\d{4})(?:\s*q([1-4]))?\s*[:=]\s*(.+)$", re.IGNORECASE)


def read_targets_text(text: str) -> dict[tuple[int, int], str]:
    """Targets typed one per line (or separated by semicolons), ``FY2026: 50`` or, for an interim target,
    ``FY2026 Q2: 40``, as the target cells of a row; the values are read as the file's cells are."""
    found: dict[tuple[int, int], str] = {}
    for entry in re.split(r"[;\n]", text):
        if not entry.strip():
            continue
        match = _TARGET_ENTRY.match(entry.strip())
        if match is None:
            raise ValueError(f"{entry.strip()!r} is not a target such as FY2026: 50 or FY2026 Q2: 40")
        key = (int(match.group(1)), int(match.group(2) or 0))
        if key in found:
            raise ValueError(f"FY{key[0]}" + (f" Q{key[1]}" if key[1] else "") + " is given twice")
        found[key] = match.group(3).strip()
    return found


def targets_text(targets: tuple[tuple[int, int, float], ...]) -> str:
    """Targets as ``read_targets_text`` reads them, one per line."""
    return "\n".join(f"FY{fy}" + (f" Q{q}" if q else "") + f": {number_text(v)}" for fy, q, v in targets)


def number_text(value: float) -> str:
    """A number as the file writes it, read back to the same float: 40 (not 40.0), 12.5, 0.1."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _cell(value: object, *, for_csv: bool) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(clean_text(value))
    if isinstance(value, float | int) and not isinstance(value, bool):
        return number_text(value) if for_csv else (int(value) if float(value).is_integer() else float(value))
    if isinstance(value, date):
        return value.isoformat() if for_csv else value
    return str(value)


def sheet_file(rows: list[dict[str, Any]], targets: list[tuple[int, int]], filename: str) -> bytes:
    """The sheets as a ``.csv`` (UTF-8 with a BOM) or ``.xlsx`` file: ``COLUMNS``, then a column per target in
    ``targets`` order. Each row maps a column (``target_column`` for targets) to text, a number or a date."""
    header = [*COLUMNS, *(target_column(fy, q) for fy, q in targets)]
    name = filename.lower().strip()
    if name.endswith(".csv"):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(row.get(c), for_csv=True) for c in header])
        return out.getvalue().encode("utf-8-sig")
    if not name.endswith(".xlsx"):
        raise SheetFileError(f"{filename}: write the indicators to a .csv or .xlsx file.")
    return _workbook(header, rows)


def _workbook(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet.safe_cell(_cell(row.get(c), for_csv=False)) for c in header])
    for number, column in enumerate(header, start=1):
        wide = column in ("name", "definition", "data_source", "calculation", "collection_method", "data_quality")
        sheet.column_dimensions[get_column_letter(number)].width = 40 if wide else 14
    sheet.freeze_panes = "C2"  # the objective and code stay in view while scrolling right
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
