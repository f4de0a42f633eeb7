"""U.S. federal fiscal quarters: FY N runs 1 October N-1 to 30 September N; Q1 = Oct-Dec."""

from dataclasses import dataclass
from datetime import date, timedelta

from models.quarters import quarter_index, quarter_label, quarter_of_index


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    fiscal_year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1-4, got {self.quarter}")

    @classmethod
    def containing(cls, day: date) -> "FiscalQuarter":
        if day.month >= 10:
            return cls(day.year + 1, 1)
        return cls(day.year, (day.month - 1) // 3 + 2)

    @classmethod
    def parse(cls, text: str) -> "FiscalQuarter":
        """Parse "FY2024 Q3", "2024Q3" or "2024-Q3"; ValueError with a clear message otherwise."""
        cleaned = text.strip().upper().replace("FY", "").replace(" ", "").replace("-", "")
        year, sep, quarter = cleaned.partition("Q")
        if not sep or not year.isdigit() or not quarter.isdigit():
            raise ValueError(f"not a fiscal quarter: {text!r} (expected e.g. FY2024 Q3)")
        return cls(int(year), int(quarter))

    @property
    def start(self) -> date:
        month = (self.quarter - 1) * 3 + 10
        year = self.fiscal_year - 1
        if month > 12:
            month -= 12
            year += 1
        return date(year, month, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> "FiscalQuarter":
        if self.quarter == 4:
            return FiscalQuarter(self.fiscal_year + 1, 1)
        return FiscalQuarter(self.fiscal_year, self.quarter + 1)

    def previous(self) -> "FiscalQuarter":
        if self.quarter == 1:
            return FiscalQuarter(self.fiscal_year - 1, 4)
        return FiscalQuarter(self.fiscal_year, self.quarter - 1)

    @property
    def index(self) -> int:
        """A running number: consecutive quarters differ by one."""
        return quarter_index(self.fiscal_year, self.quarter)

    @classmethod
    def of_index(cls, index: int) -> "FiscalQuarter":
        return cls(*quarter_of_index(int(index)))

    @property
    def label(self) -> str:
        return quarter_label(self.index)

    def __str__(self) -> str:
        return self.label


def quarter_range(first: FiscalQuarter, last: FiscalQuarter) -> list[FiscalQuarter]:
    """Every quarter from first to last inclusive (empty when last < first)."""
    out: list[FiscalQuarter] = []
    current = first
    while current <= last:
        out.append(current)
        current = current.next()
    return out


def reporting_quarter(today: date) -> FiscalQuarter:
    """The quarter being reported on now: the latest one that has ended."""
    return FiscalQuarter.containing(today).previous()


def strategy_quarters(strategy_start: int, strategy_end: int) -> tuple[FiscalQuarter, FiscalQuarter]:
    """First and last quarter of a strategy covering fiscal years start..end."""
    return FiscalQuarter(strategy_start, 1), FiscalQuarter(strategy_end, 4)
