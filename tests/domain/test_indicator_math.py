"""The indicator rules, worked by hand: targets by quarter, achievement both ways, ratings, evidence, disagreement."""

import pytest

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.indicator_math import (
    Sheet,
    achievement,
    disagrees,
    objective_evidence,
    rating,
    reports_in,
    target_for,
)
from models.scales import Frequency, Rating, Status

# Baseline 20 at the end of FY2022; targets 30 (FY2023), none in FY2024, 60 (FY2025); an interim target in FY2025 Q1.
SHEET = Sheet(baseline=20, baseline_fy=2022, targets={2023: 30, 2025: 60}, interim={(2025, 1): 41})


def q(fy: int, n: int) -> FiscalQuarter:
    return FiscalQuarter(fy, n)


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        (q(2022, 4), None),  # the baseline's own year has no target
        (q(2023, 1), 22.5),  # a quarter of the way from 20 (FY2022 Q4) to 30 (FY2023 Q4)
        (q(2023, 2), 25.0),
        (q(2023, 4), 30.0),  # the year's target
        (q(2024, 2), None),  # no FY2024 target: nothing to aim at
        (q(2025, 1), 41.0),  # the interim target wins over the line
        (q(2025, 2), 52.5),  # from FY2023's 30 (the latest earlier target) to 60, 6 of 8 quarters along
        (q(2025, 4), 60.0),
    ],
)
def test_target_for_a_quarter(quarter: FiscalQuarter, expected: float | None) -> None:
    assert target_for(SHEET, quarter) == (pytest.approx(expected) if expected is not None else None)


def test_annual_indicators_have_a_target_only_in_q4_and_semiannual_report_twice() -> None:
    annual = Sheet(baseline=0, baseline_fy=2022, targets={2023: 8}, frequency=Frequency.ANNUAL)
    assert [target_for(annual, q(2023, n)) for n in (1, 2, 3, 4)] == [None, None, None, 8]
    assert [reports_in(Frequency.SEMIANNUAL, q(2024, n)) for n in (1, 2, 3, 4)] == [False, True, False, True]
    assert [reports_in(Frequency.ANNUAL, q(2024, n)) for n in (1, 2, 3, 4)] == [False, False, False, True]


def test_achievement_works_both_ways_through_the_sign() -> None:
    assert achievement(25, 20, 30) == pytest.approx(0.5)
    # a decreasing indicator: maternal deaths from 200 toward 100; 150 is halfway, 90 beyond the target
    assert achievement(150, 200, 100) == pytest.approx(0.5)
    assert achievement(90, 200, 100) == pytest.approx(1.1)
    assert achievement(210, 200, 100) == pytest.approx(-0.1)  # moved the wrong way
    assert achievement(None, 200, 100) is None and achievement(150, 200, None) is None
    assert achievement(150, 100, 100) is None  # a target equal to its baseline measures nothing


@pytest.mark.parametrize(
    ("value", "has_target", "has_actual", "expected"),
    [
        (1.0, True, True, Rating.MET),
        (0.95, True, True, Rating.ON_TARGET),
        (0.9, True, True, Rating.ON_TARGET),
        (0.89, True, True, Rating.BEHIND),
        (-0.2, True, True, Rating.BEHIND),
        (None, True, False, Rating.NO_DATA),
        (None, False, True, Rating.NO_TARGET),
    ],
)
def test_rating_bands(value: float | None, has_target: bool, has_actual: bool, expected: Rating) -> None:
    assert rating(value, has_target=has_target, has_actual=has_actual) == expected


def test_the_on_target_share_is_a_setting() -> None:
    assert rating(0.85, has_target=True, has_actual=True, on_target=0.8) == Rating.ON_TARGET


def test_objective_evidence_caps_each_indicator_at_one_and_skips_the_unrated() -> None:
    mean, verdict = objective_evidence([1.6, 0.5, None])  # 1.6 counts as 1: (1 + 0.5) / 2
    assert mean == pytest.approx(0.75) and verdict == Rating.BEHIND
    assert objective_evidence([None, None]) == (None, Rating.NO_DATA)
    assert objective_evidence([0.92, 1.0])[1] == Rating.ON_TARGET


def test_disagreement_each_way_and_agreement() -> None:
    assert disagrees(Status.ON_TRACK, Rating.BEHIND, [Rating.BEHIND])
    assert disagrees(Status.COMPLETED, Rating.BEHIND, [Rating.MET, Rating.BEHIND])
    assert disagrees(Status.OFF_TRACK, Rating.MET, [Rating.MET, Rating.MET, Rating.NO_DATA])
    assert not disagrees(Status.OFF_TRACK, Rating.ON_TARGET, [Rating.MET, Rating.ON_TARGET])
    assert not disagrees(Status.AT_RISK, Rating.BEHIND, [Rating.BEHIND])
    assert not disagrees(Status.OFF_TRACK, Rating.NO_DATA, [Rating.NO_DATA])  # nothing rated: nothing to weigh
    assert not disagrees(None, Rating.BEHIND, [Rating.BEHIND])
