"""Spreadsheet bombs: any file up to the upload limit is refused or read within 5 s of CPU and 300 MB more memory."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.formats import spreadsheet
from tests.hostile import bombs

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_LIMIT = 5 * 1_048_576
SECONDS, EXTRA_MB = 5.0, 300


def _read_in_a_fresh_process(tmp_path: Path, name: str, data: bytes) -> dict:
    assert len(data) <= UPLOAD_LIMIT, f"{name} is {len(data):,} bytes: over the upload limit, not a fair bomb"
    path = tmp_path / name
    path.write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-m", "tests.hostile.bombs", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


BOMBS = {
    "one 400 MB inline string": lambda: bombs.xlsx(bombs.huge_inline_string(400)),
    "a sheet that lies about its size": lambda: bombs.xlsx(bombs.huge_inline_string(60), declared_size=1000),
    "5,900 empty rows 13 wide (read to the end)": lambda: bombs.xlsx(bombs.empty_row_flood(5_900, 13)),
    "9,000 empty rows 13 wide": lambda: bombs.xlsx(bombs.empty_row_flood(9_000, 13)),
    "100,000 empty rows 13 wide": lambda: bombs.xlsx(bombs.empty_row_flood(100_000, 13)),
    "4,000 rows 40 wide": lambda: bombs.xlsx(bombs.empty_row_flood(4_000, 40)),
    "2,000 rows 16,384 columns wide": lambda: bombs.xlsx(bombs.empty_row_flood(2_000, 16_384)),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_bomb_is_refused_or_read_within_bounds(tmp_path: Path, name: str) -> None:
    measured = _read_in_a_fresh_process(tmp_path, "bomb.xlsx", BOMBS[name]())
    assert measured["seconds"] <= SECONDS, measured
    assert measured["peak_after_mb"] - measured["peak_before_mb"] <= EXTRA_MB, measured
    outcome = str(measured["outcome"])
    assert outcome.startswith("refused: "), measured  # none of them is a usable template
    assert "Traceback" not in outcome and len(outcome.splitlines()) == 1


def test_an_empty_row_flood_in_csv_is_refused_in_one_sentence() -> None:
    data = ("objective,agency\n" + ",\n" * 30_000).encode()
    with pytest.raises(spreadsheet.SpreadsheetError, match="more than 6,000 rows, counting empty ones"):
        spreadsheet.read_rows(data, "flood.csv", max_bytes=UPLOAD_LIMIT)


def test_a_row_wider_than_the_template_is_refused() -> None:
    data = ("objective" + ",x" * 60 + "\n").encode()
    with pytest.raises(spreadsheet.SpreadsheetError, match="beyond column 40"):
        spreadsheet.read_rows(data, "wide.csv", max_bytes=UPLOAD_LIMIT)


def test_the_unzipped_size_is_checked_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(spreadsheet.SpreadsheetError, match="unzips to more than 25 MB"):
        spreadsheet.read_rows(bombs.xlsx(bombs.huge_inline_string(30)), "big.xlsx", max_bytes=UPLOAD_LIMIT)
