"""One way to show a number: percentages and progress are rounded half up (48.5 reads 49%, as people expect)
by the functions here, and every chart, table, export and brief takes its figure from them, so the same figure
never reads two ways. (Python's own ``f"{48.5:.0f}"`` rounds half to even and prints 48.)"""

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

NONE_SHOWN = "—"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def half_up(value: float | int | None) -> int | None:
    """``value`` rounded to a whole number, halves away from zero; None (or NaN) stays None.

    The value is first taken to 9 decimals, so a mean such as 74.49999999999999 that is 74.5 on paper rounds
    as 74.5 does."""
    if _missing(value):
        return None
    exact = Decimal(repr(round(float(value), 9)))  # type: ignore[arg-type]
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rounded(values: pd.Series) -> pd.Series:
    """A column of figures rounded half up to whole numbers (nullable: a missing figure stays missing)."""
    return pd.Series([half_up(v) for v in values], index=values.index, dtype="Int64")


def percent(value: float | int | None, *, none: str = NONE_SHOWN) -> str:
    """A percentage as people read it: "49%", or ``none`` ("—") when there is no figure."""
    whole = half_up(value)
    return none if whole is None else f"{whole}%"


def plural(count: int, word: str) -> str:
    """A count with its noun: "1 update", "3 updates"."""
    return f"{count} {word}" + ("" if count == 1 else "s")


def whole(value: float | int | None, *, none: str = NONE_SHOWN) -> str:
    """A figure as a whole number ("49"), or ``none`` when there is none."""
    number = half_up(value)
    return none if number is None else str(number)


def signed(delta: float | int, unit: str = "") -> str:
    """A change as it is printed beside a figure: "+3 pts", "-2", or "±0" when it rounds to nothing (an ASCII
    minus: Streamlit's metric reads the sign from it)."""
    number = half_up(delta) or 0
    if number == 0:
        return f"±0{unit}"
    return f"{number:+d}{unit}"
