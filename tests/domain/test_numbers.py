"""One way to show a number: halves round up, as people expect, everywhere a figure is printed."""

import math

import pandas as pd
import pytest

from dashboard.domain.numbers import half_up, percent, rounded, signed, whole


@pytest.mark.parametrize(
    ("value", "shown"),
    [(48.5, 49), (66.5, 67), (74.5, 75), (0.5, 1), (2.5, 3), (48.49, 48), (100, 100), (0, 0), (-2.5, -3)],
)
def test_halves_round_up(value: float, shown: int) -> None:
    assert half_up(value) == shown


def test_a_mean_that_is_a_half_on_paper_rounds_as_a_half() -> None:
    value = (48.5 + 66.5 + 74.5 + 108.5) / 4 - 0.000000000001  # 74.5 less a float rounding error
    assert half_up(value) == 75
    assert half_up(sum([0.1] * 5) * 100 - 49.5) == 1  # 0.5000000000000071


def test_no_figure_stays_no_figure() -> None:
    assert half_up(None) is None and half_up(math.nan) is None
    assert percent(None) == "—" and percent(math.nan) == "—" and percent(None, none="no update") == "no update"
    assert whole(None) == "—"


def test_printed_forms() -> None:
    assert percent(48.5) == "49%"
    assert whole(66.5) == "67"
    assert signed(2.5, " pts") == "+3 pts"
    assert signed(-2.5) == "-3"
    assert signed(0.4) == "±0"


def test_a_column_rounds_the_same_way_and_keeps_gaps() -> None:
    out = rounded(pd.Series([48.5, None, 74.5, 3.0]))
    assert out.tolist()[0] == 49 and out.isna().tolist() == [False, True, False, False] and out.tolist()[2] == 75
    assert str(out.dtype) == "Int64"
