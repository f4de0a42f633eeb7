"""The indicator sheet file: its header, cells read as people write them, the same bounds as the status spreadsheets,
and what it writes reads back the same."""

from datetime import date

import pytest

from dashboard.formats import indicator_sheet, spreadsheet
from dashboard.formats.indicator_sheet import SheetFileError
from models.scales import Direction, Frequency
from tests.hostile import bombs

LIMIT = 5 * 1_048_576
HEADER = "objective,code,name,definition,unit,direction,baseline,baseline_fy,frequency,agency,data_source"


def _read(text: str, name: str = "sheets.csv") -> list[indicator_sheet.SheetRow]:
    return indicator_sheet.read_sheets(text.encode(), name, max_bytes=LIMIT)


def test_a_row_keeps_its_number_its_cells_and_its_filled_target_cells() -> None:
    rows = _read(
        HEADER + ",Target FY2025,target_fy2026,TARGET_FY2026_Q2,calculation\n\n"
        "1.1,1.1.a,Firms,Firms exporting,firms,increase,10,FY2022,quarterly,USAID,Customs,,50,40,count\n"
    )
    assert len(rows) == 1
    assert rows[0].number == 3  # the empty line is skipped but still counted, as the file shows it
    assert rows[0].cells["code"] == "1.1.a" and rows[0].cells["calculation"] == "count"
    assert rows[0].cells["retired"] == ""  # an optional column that is absent reads empty
    assert rows[0].targets == {(2026, 0): "50", (2026, 2): "40"}  # the empty FY2025 cell is no target


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (HEADER.replace(",agency", ""), "missing agency"),
        (HEADER + ",target_FY2026,owner", "unknown owner"),
        (HEADER, "no target_FY<year> column"),
        (HEADER + ",target_FY2026_Q2,target_FY2026Q2", "the same target twice"),
        (HEADER + ",target_FY2026,Target FY2026", "names target_fy2026 twice"),
    ],
)
def test_a_header_that_does_not_match_is_refused_in_one_sentence(header: str, problem: str) -> None:
    with pytest.raises(SheetFileError) as refused:
        _read(header + "\n1.1,1.1.a\n")
    assert problem in str(refused.value)
    assert len(str(refused.value).splitlines()) == 1


@pytest.mark.parametrize(
    ("reader", "text", "value"),
    [
        (indicator_sheet.read_direction, "Increase", Direction.UP),
        (indicator_sheet.read_direction, "decrease", Direction.DOWN),
        (indicator_sheet.read_frequency, "Semi-annual", Frequency.SEMIANNUAL),
        (indicator_sheet.read_frequency, "annual", Frequency.ANNUAL),
        (indicator_sheet.read_year, "FY2022", 2022),
        (indicator_sheet.read_year, "2022", 2022),
        (indicator_sheet.read_year, "fy 2023", 2023),
        (indicator_sheet.read_number, "1,250.5", 1250.5),
        (indicator_sheet.read_number, "$3.5", 3.5),
        (indicator_sheet.read_number, "45%", 45.0),
        (indicator_sheet.read_date, "2026-03-31", date(2026, 3, 31)),
        (indicator_sheet.read_date, "3/31/2026", date(2026, 3, 31)),
        (indicator_sheet.read_date, "", None),
    ],
)
def test_cells_are_read_as_people_write_them(reader, text: str, value: object) -> None:  # noqa: ANN001
    assert reader(text) == value


@pytest.mark.parametrize(
    ("reader", "text", "message"),
    [
        (indicator_sheet.read_direction, "sideways", "'sideways' is not a direction: write increase or decrease"),
        (indicator_sheet.read_frequency, "monthly", "unknown frequency 'monthly': write quarterly, semiannual, annual"),
        (indicator_sheet.read_year, "22", "'22' is not a fiscal year such as FY2022"),
        (indicator_sheet.read_number, "about ten", "'about ten' is not a number"),
        (indicator_sheet.read_number, "nan", "'nan' is not a number"),
        (indicator_sheet.read_date, "31/3/2026", "'31/3/2026' is not a date such as 2026-03-31"),
    ],
)
def test_a_cell_that_cannot_be_read_says_why(reader, text: str, message: str) -> None:  # noqa: ANN001
    with pytest.raises(ValueError) as refused:
        reader(text)
    assert str(refused.value) == message


def test_a_percentage_stays_within_0_and_100() -> None:
    assert indicator_sheet.read_number("100", percent=True) == 100
    with pytest.raises(ValueError, match="120 is not a percentage between 0 and 100"):
        indicator_sheet.read_number("120", percent=True)
    assert indicator_sheet.read_number("120") == 120  # any other unit


@pytest.mark.parametrize("name", ["sheets.csv", "sheets.xlsx"])
def test_what_is_written_reads_back_the_same_and_formulas_are_neutralised(name: str) -> None:
    row = {"objective": "1.1", "code": "1.1.a", "name": '=HYPERLINK("http://x")', "unit": "percent",
           "direction": "decrease", "baseline": 12.5, "baseline_fy": "FY2022", "frequency": "annual",
           "agency": "USAID", "established": date(2025, 10, 1),
           "target_FY2026": 0.1, "target_FY2026_Q4": -3}  # fmt: skip
    data = indicator_sheet.sheet_file([row], [(2026, 0), (2026, 4)], name)
    if name.endswith(".csv"):
        assert "'=HYPERLINK" in data.decode("utf-8-sig")
    [read] = indicator_sheet.read_sheets(data, name, max_bytes=LIMIT)
    assert read.cells["name"] == '=HYPERLINK("http://x")'  # the neutralising apostrophe is dropped on reading
    assert (read.cells["baseline"], read.cells["established"]) == ("12.5", "2025-10-01")
    assert read.targets == {(2026, 0): "0.1", (2026, 4): "-3"}


def test_targets_typed_in_a_box_read_as_target_cells() -> None:
    assert indicator_sheet.read_targets_text("FY2025: 30\nfy2026 = 50; FY2026 Q2: 40") == {
        (2025, 0): "30",
        (2026, 0): "50",
        (2026, 2): "40",
    }
    assert indicator_sheet.targets_text(((2025, 0, 30.0), (2026, 2, 40.5))) == "FY2025: 30\nFY2026 Q2: 40.5"
    with pytest.raises(ValueError, match="'soon: 4' is not a target such as FY2026: 50"):
        indicator_sheet.read_targets_text("soon: 4")
    with pytest.raises(ValueError, match="FY2026 is given twice"):
        indicator_sheet.read_targets_text("FY2026: 4\n2026: 5")


def test_the_sheet_file_is_bounded_like_the_status_spreadsheets() -> None:
    with pytest.raises(SheetFileError, match="unzips to more than 25 MB"):
        indicator_sheet.read_sheets(bombs.xlsx(bombs.huge_inline_string(60)), "bomb.xlsx", max_bytes=LIMIT)
    with pytest.raises(SheetFileError, match="more than 6,000 rows, counting empty ones"):
        _read(HEADER + ",target_FY2026\n" + ",\n" * 30_000)
    with pytest.raises(SheetFileError, match="The file is .* the limit is"):
        indicator_sheet.read_sheets(b"x" * 2000, "big.csv", max_bytes=1000)
    wide = HEADER + ",target_FY2026" + ",x" * 100 + "\n"
    with pytest.raises(SheetFileError, match="beyond column 80: split the file"):
        _read(wide)


def test_read_table_reads_any_headed_file_with_row_numbers() -> None:
    table = spreadsheet.read_table(b"Code;Value\n\n1.1.a;4\n", "t.csv", max_bytes=LIMIT)
    assert table.columns == ("code", "value")
    assert table.rows == [{"code": "1.1.a", "value": "4", spreadsheet.ROW_KEY: 3}]
    with pytest.raises(spreadsheet.SpreadsheetError, match="Row 2 has a value in column C, which has no header"):
        spreadsheet.read_table(b"a,b\n1,2,3\n", "t.csv", max_bytes=LIMIT)
    with pytest.raises(spreadsheet.SpreadsheetError, match="Old Excel .xls files are not supported"):
        spreadsheet.read_table(b"a", "t.xls", max_bytes=LIMIT)
