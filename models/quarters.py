"""The quarter index, the one running number for a fiscal quarter, in Python and in SQL.

Consecutive quarters differ by one: FY2026 Q4 is 2026 * 4 + 4 - 1 = 8107, FY2027 Q1 is 8108. Effective-dated
roles store it (``from_qindex``/``until_qindex``), the frames carry it as ``qindex`` and the SQL computes it
from a row's ``fiscal_year`` and ``quarter`` with ``quarter_index_sql``.
"""

from typing import TypeVar

QUARTERS_PER_YEAR = 4
T = TypeVar("T")


def quarter_index(fiscal_year: T, quarter: T) -> T:
    """The running number of a fiscal quarter; works on ints and, element-wise, on pandas columns."""
    return fiscal_year * QUARTERS_PER_YEAR + quarter - 1  # type: ignore[operator, return-value]


def quarter_of_index(index: int) -> tuple[int, int]:
    """(fiscal year, quarter) of a running number: the inverse of ``quarter_index``."""
    return index // QUARTERS_PER_YEAR, index % QUARTERS_PER_YEAR + 1


def quarter_label(index: int) -> str:
    """How people read a quarter: "FY2026 Q4" (``FiscalQuarter.label``)."""
    fiscal_year, quarter = quarter_of_index(index)
    return f"FY{fiscal_year} Q{quarter}"


def quarter_index_sql(alias: str) -> str:
    """The same number in SQL, for the row ``alias`` (a table or subquery with fiscal_year and quarter)."""
    return f"({alias}.fiscal_year * {QUARTERS_PER_YEAR} + {alias}.quarter - 1)"
