"""A post's setup as one file: the agencies at post, each objective's lead and contributing agencies, the
working groups with their chair agency, members, objectives and chairs, and the users with their roles.

Two shapes hold the same content, and each writes back what it reads (``setup_json``, ``setup_workbook``):

- JSON: ``{"agencies": [{"acronym", "name"}], "objectives": [{"code", "lead", "contributing": [...]}],
  "working_groups": [{"name", "chair_agency", "members": [...], "objectives": [...], "chairs": [emails]}],
  "users": [{"email", "role", "agencies": [...], "working_groups": [...], "bureau"}]}``;
- an Excel workbook with the sheets Agencies, Objectives, Working groups and Users, one row each, lists as
  comma-separated cells (working-group names, which may hold commas, separated by semicolons).

Every entry remembers where it came from ("Users row 4", "users[3]"), so a problem names it. Reading is
bounded like the status spreadsheets: size, unzipped size, rows and cell length.
"""

import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import openpyxl
from openpyxl.styles import Font

from dashboard.formats import spreadsheet
from dashboard.formats.spreadsheet import SpreadsheetError

MAX_ENTRIES = 2000  # per section: far more than any post has

SHEETS = {
    "agencies": ("Agencies", ("acronym", "name")),
    "objectives": ("Objectives", ("code", "lead", "contributing")),
    "working_groups": ("Working groups", ("name", "chair_agency", "members", "objectives", "chairs")),
    "users": ("Users", ("email", "role", "agencies", "working_groups", "bureau")),
}
LISTS = {"contributing", "members", "objectives", "chairs", "agencies", "working_groups"}
SEMICOLON_LISTS = {"working_groups"}  # group names may hold commas


class SetupFileError(ValueError):
    """A setup file that cannot be read; the message is one sentence for the user."""


@dataclass(frozen=True)
class Entry:
    where: str = field(compare=False)


@dataclass(frozen=True)
class AgencyEntry(Entry):
    acronym: str
    name: str


@dataclass(frozen=True)
class ObjectiveEntry(Entry):
    code: str
    lead: str
    contributing: tuple[str, ...]


@dataclass(frozen=True)
class GroupEntry(Entry):
    name: str
    chair_agency: str
    members: tuple[str, ...]
    objectives: tuple[str, ...]
    chairs: tuple[str, ...]


@dataclass(frozen=True)
class UserEntry(Entry):
    email: str
    role: str
    agencies: tuple[str, ...]
    working_groups: tuple[str, ...]
    bureau: str


@dataclass(frozen=True)
class PostSetup:
    agencies: tuple[AgencyEntry, ...] = ()
    objectives: tuple[ObjectiveEntry, ...] = ()
    working_groups: tuple[GroupEntry, ...] = ()
    users: tuple[UserEntry, ...] = ()


KINDS: dict[str, type[Entry]] = {
    "agencies": AgencyEntry,
    "objectives": ObjectiveEntry,
    "working_groups": GroupEntry,
    "users": UserEntry,
}


def _text(value: object, where: str, column: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SetupFileError(f"{where}: {column} must be text.")
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):  # written neutralised, so no formula ran
        text = text[1:]
    if len(text) > spreadsheet.MAX_CELL_CHARS:
        raise SetupFileError(f"{where}: {column} is longer than {spreadsheet.MAX_CELL_CHARS:,} characters.")
    return text


def _list(value: object, where: str, column: str) -> tuple[str, ...]:
    if isinstance(value, list):
        items = [_text(v, where, column) for v in value]
    else:
        separator = ";" if column in SEMICOLON_LISTS else ","
        items = _text(value, where, column).split(separator)
    return tuple(dict.fromkeys(i.strip() for i in items if i and i.strip()))


def _entry(section: str, values: dict[str, object], where: str) -> Entry:
    _, columns = SHEETS[section]
    unknown = [k for k in values if k not in columns]
    if unknown:
        raise SetupFileError(f"{where}: unknown field {unknown[0]!r} (expected {', '.join(columns)}).")
    fields = {c: (_list if c in LISTS else _text)(values.get(c), where, c) for c in columns}
    return KINDS[section](where=where, **fields)  # type: ignore[arg-type]


def _from_json(data: bytes) -> PostSetup:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise SetupFileError("The file is not valid JSON (UTF-8).") from None
    if not isinstance(document, dict):
        raise SetupFileError("The file must hold one JSON object with agencies, objectives, working_groups, users.")
    unknown = [k for k in document if k not in SHEETS]
    if unknown:
        raise SetupFileError(f"Unknown section {unknown[0]!r} (expected {', '.join(SHEETS)}).")
    sections: dict[str, list[Entry]] = {}
    for section in SHEETS:
        items = document.get(section) or []
        if not isinstance(items, list) or len(items) > MAX_ENTRIES:
            raise SetupFileError(f"{section} must be a list of at most {MAX_ENTRIES:,} entries.")
        entries = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise SetupFileError(f"{section}[{i}] must be an object.")
            entries.append(_entry(section, item, f"{section}[{i}]"))
        sections[section] = entries
    return PostSetup(**{k: tuple(v) for k, v in sections.items()})  # type: ignore[arg-type]


def _sheet_entries(sheet: Any, section: str) -> list[Entry]:
    title, columns = SHEETS[section]
    rows = sheet.iter_rows(values_only=True)
    header = [str(v).strip().lower().replace(" ", "_") if v is not None else "" for v in next(rows, ())]
    unknown = [h for h in header if h and h not in columns]
    if unknown or columns[0] not in header:
        raise SetupFileError(f"Sheet {title}: the header row must name {', '.join(columns)}.")
    entries: list[Entry] = []
    for number, cells in enumerate(rows, 2):
        if number > MAX_ENTRIES + 1:
            raise SetupFileError(f"Sheet {title} has more than {MAX_ENTRIES:,} rows.")
        values = {h: v for h, v in zip(header, cells, strict=False) if h}
        if any(v not in (None, "") for v in values.values()):
            entries.append(_entry(section, values, f"{title} row {number}"))
    return entries


def _from_workbook(data: bytes) -> PostSetup:
    spreadsheet.check_workbook(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (any failure means the same thing to the user)
        raise SetupFileError("The file cannot be read as an Excel workbook (.xlsx).") from None
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        sections = {}
        for section, (title, _) in SHEETS.items():
            found = names.get(title.lower())
            sections[section] = tuple(_sheet_entries(workbook[found], section)) if found else ()
        if not any(sections.values()):
            raise SetupFileError(f"The workbook has none of the sheets {', '.join(t for t, _ in SHEETS.values())}.")
        return PostSetup(**sections)  # type: ignore[arg-type]
    finally:
        workbook.close()


def read_setup(data: bytes, filename: str, *, max_bytes: int) -> PostSetup:
    """The setup in a ``.json`` or ``.xlsx`` file. Raises SetupFileError with one sentence."""
    try:
        spreadsheet.check_size(len(data), max_bytes)
    except SpreadsheetError as exc:
        raise SetupFileError(str(exc)) from None
    if not data:
        raise SetupFileError("The file is empty.")
    name = filename.lower().strip()
    try:
        if name.endswith(".json"):
            return _from_json(data)
        if name.endswith(".xlsx"):
            return _from_workbook(data)
    except SpreadsheetError as exc:
        raise SetupFileError(str(exc)) from None
    raise SetupFileError(f"{filename or 'The file'} is not a .json or .xlsx file.")


def _plain(entry: Entry) -> dict[str, object]:
    values = asdict(entry)
    values.pop("where")
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def setup_json(setup: PostSetup) -> bytes:
    document = {section: [_plain(e) for e in getattr(setup, section)] for section in SHEETS}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def setup_workbook(setup: PostSetup) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for section, (title, columns) in SHEETS.items():
        sheet = workbook.create_sheet(title)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for entry in getattr(setup, section):
            plain = _plain(entry)
            sheet.append(
                [
                    spreadsheet.safe_cell(
                        ("; " if c in SEMICOLON_LISTS else ", ").join(v) if isinstance(v, list) else v
                    )
                    for c, v in ((c, plain[c]) for c in columns)
                ]
            )
        for letter, width in zip("ABCDE", (14, 40, 30, 30, 40), strict=False):
            sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
