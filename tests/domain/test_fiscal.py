from datetime import date

import pytest

from dashboard.domain.fiscal import FiscalQuarter, quarter_range, reporting_quarter


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 15), FiscalQuarter(2027, 1)),
        (date(2026, 10, 1), FiscalQuarter(2027, 1)),
        (date(2026, 9, 30), FiscalQuarter(2026, 4)),
        (date(2026, 1, 1), FiscalQuarter(2026, 2)),
        (date(2026, 3, 31), FiscalQuarter(2026, 2)),
        (date(2026, 4, 1), FiscalQuarter(2026, 3)),
        (date(2026, 7, 4), FiscalQuarter(2026, 4)),
        (date(2025, 12, 31), FiscalQuarter(2026, 1)),
    ],
)
def test_quarter_containing_a_day(day: date, expected: FiscalQuarter) -> None:
    assert FiscalQuarter.containing(day) == expected


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (FiscalQuarter(2027, 1), date(2026, 10, 1), date(2026, 12, 31)),
        (FiscalQuarter(2027, 2), date(2027, 1, 1), date(2027, 3, 31)),
        (FiscalQuarter(2027, 3), date(2027, 4, 1), date(2027, 6, 30)),
        (FiscalQuarter(2027, 4), date(2027, 7, 1), date(2027, 9, 30)),
    ],
)
def test_quarter_bounds(quarter: FiscalQuarter, start: date, end: date) -> None:
    assert (quarter.start, quarter.end) == (start, end)


def test_reporting_quarter_is_the_last_one_that_ended() -> None:
    assert reporting_quarter(date(2026, 11, 23)) == FiscalQuarter(2026, 4)
    assert reporting_quarter(date(2026, 1, 5)) == FiscalQuarter(2026, 1)


def test_range_and_neighbours() -> None:
    quarters = quarter_range(FiscalQuarter(2022, 3), FiscalQuarter(2023, 2))
    assert [q.label for q in quarters] == ["FY2022 Q3", "FY2022 Q4", "FY2023 Q1", "FY2023 Q2"]
    assert FiscalQuarter(2023, 1).previous() == FiscalQuarter(2022, 4)
    assert FiscalQuarter(2022, 4).next().index - FiscalQuarter(2022, 4).index == 1
    assert quarter_range(FiscalQuarter(2024, 1), FiscalQuarter(2023, 4)) == []


@pytest.mark.parametrize("text", ["FY2024 Q3", "2024Q3", "2024-Q3", "fy2024 q3"])
def test_parse(text: str) -> None:
    assert FiscalQuarter.parse(text) == FiscalQuarter(2024, 3)


@pytest.mark.parametrize("text", ["2024", "Q3", "FY2024 Q5", "last quarter"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        FiscalQuarter.parse(text)
