"""Spreadsheets built to hurt the reader, made in the tests (nothing binary is kept in the repository).

Run as a program, it reads one file with ``formats.spreadsheet.read_rows`` and prints, as JSON, the outcome,
the seconds it took and the process's peak memory before and after, so a test measures one read in isolation.
"""

import io
import json
import sys
import time
import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Updates" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER = ["objective", "agency", "quarter", "status", "progress", "risk_level",
          "accomplishments", "challenges", "next_steps", "risk_note"]  # fmt: skip


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _column(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def xlsx(rows_xml: bytes | str, *, declared_size: int | None = None) -> bytes:
    """A minimal workbook whose first sheet's ``<sheetData>`` is ``rows_xml``."""
    body = rows_xml.encode() if isinstance(rows_xml, str) else rows_xml
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + body + b"</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    data = buffer.getvalue()
    if declared_size is not None:  # lie about the sheet's size in both headers
        data = _declare(data, "xl/worksheets/sheet1.xml", declared_size)
    return data


def _declare(data: bytes, name: str, size: int) -> bytes:
    out = bytearray(data)
    encoded = name.encode()
    local = out.find(b"PK\x03\x04" + bytes(22)[:0])
    while local != -1:
        name_length = int.from_bytes(out[local + 26 : local + 28], "little")
        if bytes(out[local + 30 : local + 30 + name_length]) == encoded:
            out[local + 22 : local + 26] = size.to_bytes(4, "little")
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_length = int.from_bytes(out[central + 28 : central + 30], "little")
        if bytes(out[central + 46 : central + 46 + name_length]) == encoded:
            out[central + 24 : central + 28] = size.to_bytes(4, "little")
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def header_row() -> str:
    return '<row r="1">' + "".join(_cell(f"{_column(i + 1)}1", h) for i, h in enumerate(HEADER)) + "</row>"


def huge_inline_string(megabytes: int) -> bytes:
    """One cell holding ``megabytes`` MB of text: a few hundred KB zipped."""
    row = '<row r="2">' + _cell("A2", "1.1") + '<c r="G2" t="inlineStr"><is><t>'
    return (header_row() + row).encode() + b"A" * (megabytes * 1_048_576) + b"</t></is></c></row>"


def empty_row_flood(rows: int, columns: int) -> bytes:
    """``rows`` rows of empty cells, ``columns`` wide, below the header."""
    # Cells without their optional reference: every row is the same bytes, so the file zips to almost nothing.
    cells = b'<c t="inlineStr"><is><t></t></is></c>' * columns
    parts = [header_row().encode()]
    for number in range(2, rows + 2):
        parts.append(f'<row r="{number}">'.encode() + cells + b"</row>")
    return b"".join(parts)


def _peak_mb() -> float:
    """This process's peak resident memory since it started its program (VmHWM; ru_maxrss would include the
    parent's peak from before the fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def measure(path: Path) -> dict[str, object]:
    """Read one file in this process; report the outcome, seconds and peak memory (MB) before and after."""
    from dashboard.formats import spreadsheet

    data = path.read_bytes()
    before = _peak_mb()
    # CPU time, not wall time: what the read costs the server, the same on a busy machine as on an idle one
    started = time.process_time()
    try:
        rows = spreadsheet.read_rows(data, path.name, max_bytes=10 * 1_048_576)
        outcome = f"read {len(rows)} rows"
    except spreadsheet.SpreadsheetError as exc:
        outcome = f"refused: {exc}"
    seconds = time.process_time() - started
    after = _peak_mb()
    return {"outcome": outcome, "seconds": seconds, "peak_before_mb": before, "peak_after_mb": after}


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]))))
