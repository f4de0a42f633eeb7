"""Exports: the right rows and columns, and nothing a spreadsheet would run as a formula."""

import csv
import io

import openpyxl
import pandas as pd
import pytest

from dashboard.domain import aggregation
from dashboard.domain.filters import Filters
from dashboard.formats import exports
from tests.frames import Q3, make_expected, make_updates

HYPERLINK = '=HYPERLINK("http://x")'

COLUMNS = [
    "quarter",
    "fiscal_year",
    "fiscal_quarter",
    "goal",
    "objective",
    "objective_title",
    "agency",
    "role",
    "working_group",
    "status",
    "progress",
    "risk_level",
    "accomplishments",
    "challenges",
    "next_steps",
    "risk_note",
    "author",
    "created_at",
    "revision",
    "is_demo",
]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (HYPERLINK, "'" + HYPERLINK),
    ],
)
def test_neutralise_prefixes(value: str, safe: str) -> None:
    assert exports.neutralise(value) == safe


@pytest.mark.parametrize(
    "value",
    ["On track", "", "a=b", "1+1", "Perú: 50% done", " leading space", 42, -5, 3.5, None, True],
)
def test_neutralise_leaves_harmless_values_alone(value: object) -> None:
    assert exports.neutralise(value) is value


def _frame_with(cell: str) -> pd.DataFrame:
    updates = make_updates(narratives=True)
    updates.loc[0, "accomplishments"] = cell  # FY2026 Q1, 1.1, State
    updates.loc[1, "challenges"] = "Lluvias en Cusco; coordinación con la Policía"  # FY2026 Q1, 1.1, DEA
    return exports.export_frame(make_expected(), updates)


def test_export_frame_columns_and_rows() -> None:
    out = exports.export_frame(make_expected(), make_updates())
    assert list(out.columns) == COLUMNS
    assert len(out) == 24  # one row per update of the fixture
    # sorted by quarter, objective code, agency
    assert [tuple(r) for r in out[["quarter", "objective", "agency"]].head(9).itertuples(index=False)] == [
        ("FY2026 Q1", "1.1", "DEA"),
        ("FY2026 Q1", "1.1", "State"),
        ("FY2026 Q1", "1.2", "State"),
        ("FY2026 Q1", "1.2", "USAID"),
        ("FY2026 Q1", "2.1", "DEA"),
        ("FY2026 Q1", "2.1", "State"),
        ("FY2026 Q1", "2.1", "USAID"),
        ("FY2026 Q1", "M1", "State"),
        ("FY2026 Q1", "M1", "USAID"),
    ]
    assert list(out["quarter"].value_counts().sort_index()) == [9, 9, 6]
    last = out.iloc[-1]
    assert (last["quarter"], last["objective"], last["agency"]) == ("FY2026 Q3", "M1", "USAID")


def test_export_frame_spells_out_the_revised_update() -> None:
    out = exports.export_frame(make_expected(), make_updates())
    row = out[(out["quarter"] == "FY2026 Q3") & (out["objective"] == "2.1") & (out["agency"] == "State")]
    assert len(row) == 1
    row = row.iloc[0]
    assert row["fiscal_year"] == 2026
    assert row["fiscal_quarter"] == 3
    assert row["goal"] == "2"
    assert row["objective_title"] == "Expand bilateral trade"
    assert row["role"] == "contributing"
    assert row["working_group"] == "Prosperity WG"
    assert (row["status"], row["progress"], row["risk_level"], row["revision"]) == ("On track", 70, "Medium", 2)
    assert row["author"] == "state@example.gov"
    assert row["created_at"].startswith("2026-06-30")
    assert not row["is_demo"]


def test_export_frame_without_narratives_has_empty_narrative_columns() -> None:
    out = exports.export_frame(make_expected(), make_updates())
    for column in ("accomplishments", "challenges", "next_steps", "risk_note"):
        assert set(out[column]) == {""}


def test_export_frame_of_a_filtered_view() -> None:
    view = aggregation.overview(make_expected(), make_updates(), Filters(working_groups=("Management WG",)), Q3)
    out = exports.export_frame(view.expected, view.updates)
    assert len(out) == 6  # M1: State and USAID x 3 quarters
    assert set(out["objective"]) == {"M1"}
    assert set(out["goal"]) == {"M"}


def test_export_frame_of_nothing() -> None:
    out = exports.export_frame(make_expected(), make_updates().iloc[0:0])
    assert out.empty
    assert list(out.columns) == COLUMNS


def test_csv_has_a_bom_and_neutralised_cells() -> None:
    data = exports.to_csv_bytes(_frame_with(HYPERLINK))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0].keys()) == COLUMNS
    assert len(rows) == 24
    first = rows[0]  # FY2026 Q1, 1.1, DEA
    second = rows[1]  # FY2026 Q1, 1.1, State
    assert (first["agency"], second["agency"]) == ("DEA", "State")
    assert second["accomplishments"] == "'" + HYPERLINK
    assert first["challenges"] == "Lluvias en Cusco; coordinación con la Policía"
    assert first["status"] == "On track"
    assert first["progress"] == "10"
    # no cell anywhere starts like a formula
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_xlsx_cells_are_plain_strings() -> None:
    data = exports.to_xlsx_bytes(_frame_with(HYPERLINK))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Status updates"
    values = list(sheet.iter_rows(values_only=False))
    header = [c.value for c in values[0]]
    assert header == COLUMNS
    assert len(values) == 1 + 24
    column = header.index("accomplishments")
    cell = values[2][column]  # second data row: FY2026 Q1, 1.1, State
    assert cell.data_type == "s"
    assert isinstance(cell.value, str)
    assert cell.value.startswith("'")
    assert cell.value == "'" + HYPERLINK
    assert values[1][header.index("challenges")].value == "Lluvias en Cusco; coordinación con la Policía"
    assert values[1][header.index("progress")].value == 10
    formulas = [c.coordinate for row in values for c in row if c.data_type == "f"]
    assert formulas == []
