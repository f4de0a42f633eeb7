"""The Indicators tab's plain data: a sheet shown in the form and sent back unchanged is the same sheet; targets
typed in the form that cannot be read name the field."""

from datetime import date

import pytest

from dashboard.services.indicator_sheets import Sheet
from dashboard.views import indicator_sheets as view
from models.scales import Direction, Frequency

SHEET = Sheet(
    objective="1.1", code="1.1.a", name="Firms exporting", unit="percent", direction=Direction.DOWN, baseline=12.5,
    baseline_fy=2022, frequency=Frequency.SEMIANNUAL, agency="USAID", definition="Share of firms", calculation="a / b",
    established=date(2022, 10, 1), retired=date(2026, 3, 31),
    targets=((2025, 0, 30.0), (2026, 0, 40.0), (2026, 2, 35.5)),
)  # fmt: skip


def test_a_sheet_shown_in_the_form_and_sent_back_unchanged_is_the_same_row() -> None:
    start = view.form_start(SHEET)
    values = {**start.texts, **start.choices, "targets": start.targets}
    row = view.form_row(*view.form_values(values, start.retired))
    assert row.number == 0
    assert row.targets == {(2025, 0): "30", (2026, 0): "40", (2026, 2): "35.5"}
    assert {
        k: row.cells[k] for k in ("direction", "baseline", "baseline_fy", "frequency", "established", "retired")
    } == {
        "direction": "decrease",
        "baseline": "12.5",
        "baseline_fy": "FY2022",
        "frequency": "semiannual",
        "established": "2022-10-01",
        "retired": "2026-03-31",  # kept: saving the form does not reinstate an indicator
    }


def test_a_new_indicator_starts_empty_with_the_usual_choices() -> None:
    start = view.form_start(None)
    assert set(start.texts.values()) == {""} and start.targets == ""
    assert start.choices == {"objective": None, "direction": "increase", "frequency": "quarterly", "agency": None}


def test_targets_that_cannot_be_read_name_the_field() -> None:
    with pytest.raises(ValueError, match="^targets: 'next year 40' is not a target such as FY2026: 50"):
        view.form_row({}, {}, "next year 40", "")


def test_the_table_shows_each_indicator_in_one_row() -> None:
    frame = view.indicators_frame([(7, SHEET)])
    assert frame.columns.tolist() == list(view.TABLE_COLUMNS)
    assert frame.iloc[0].tolist() == [
        "1.1.a", "1.1", "Firms exporting", "percent", "12.5 (FY2022)",
        "FY2025:\u00a030, FY2026:\u00a040, FY2026\u00a0Q2:\u00a035.5", "semiannual by USAID", "2026-03-31",
    ]  # fmt: skip
