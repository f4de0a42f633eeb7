"""How indicators are read against their targets: the one set of rules behind every page, export and brief.

The README's "How the figures are computed" states the same rules in words:

- **Baseline**: the value at the end (Q4) of its fiscal year.
- **Target for a quarter**, in this order: its interim target if one is set; in Q4, that year's target; for
  quarterly and semiannual indicators, a straight line from the previous anchor (the latest earlier year's target,
  or the baseline) to this year's target; otherwise (annual indicators outside Q4) none.
- **Actual**: the newest counted value reported for that quarter; nothing is carried forward.
- **Achievement** = (actual − baseline) ÷ (target − baseline); a decreasing indicator works through the sign.
- **Rating**: met at ≥ 1, on target at ≥ the on-target share (``ICS_INDICATOR_ON_TARGET``, 0.9), behind below;
  no data without an actual, no target without a target.
- **Objective evidence**: the mean achievement of its rated indicators, each capped at 1, rated the same way.
- **Disagreement**: the agencies' combined status is On track or Completed while the evidence is behind, or it
  is Off track while every rated indicator is met.

Nothing here reads a database or Streamlit.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dashboard.domain.fiscal import FiscalQuarter
from models.scales import Frequency, Rating, Status

ON_TARGET_SHARE = 0.9


@dataclass(frozen=True)
class Sheet:
    """What the arithmetic needs from an indicator's reference sheet."""

    baseline: float
    baseline_fy: int
    targets: Mapping[int, float]  # fiscal year -> target at its end
    frequency: Frequency = Frequency.QUARTERLY
    interim: Mapping[tuple[int, int], float] = field(default_factory=dict)  # (fiscal year, quarter) -> target


def reports_in(frequency: Frequency, quarter: FiscalQuarter) -> bool:
    """Whether an indicator of this frequency has a value for ``quarter``."""
    return quarter.quarter in frequency.quarters


def _anchor_before(sheet: Sheet, fiscal_year: int) -> tuple[FiscalQuarter, float]:
    """The point the straight line to ``fiscal_year``'s target starts from: the latest earlier year's target, else
    the baseline (both at the end of their year)."""
    earlier = [fy for fy in sheet.targets if sheet.baseline_fy < fy < fiscal_year]
    if earlier:
        fy = max(earlier)
        return FiscalQuarter(fy, 4), sheet.targets[fy]
    return FiscalQuarter(sheet.baseline_fy, 4), sheet.baseline


def target_for(sheet: Sheet, quarter: FiscalQuarter) -> float | None:
    """The target ``quarter`` is measured against, or None when it has none (see the module's rules)."""
    interim = sheet.interim.get((quarter.fiscal_year, quarter.quarter))
    if interim is not None:
        return interim
    year_target = sheet.targets.get(quarter.fiscal_year)
    if year_target is None or quarter.fiscal_year <= sheet.baseline_fy:
        return None
    if quarter.quarter == 4:
        return year_target
    if sheet.frequency == Frequency.ANNUAL:
        return None
    start, start_value = _anchor_before(sheet, quarter.fiscal_year)
    end = FiscalQuarter(quarter.fiscal_year, 4)
    share = (quarter.index - start.index) / (end.index - start.index)
    return start_value + (year_target - start_value) * share


def achievement(actual: float | None, baseline: float, target: float | None) -> float | None:
    """How far the actual has come from the baseline toward the target (1 = reached); None without both, or
    when the target equals the baseline (a sheet like that is refused where it is written)."""
    if actual is None or target is None or target == baseline:
        return None
    return (actual - baseline) / (target - baseline)


def rating(value: float | None, *, has_target: bool, has_actual: bool, on_target: float = ON_TARGET_SHARE) -> Rating:
    """The rating of one achievement; why there is none when there is none."""
    if not has_target:
        return Rating.NO_TARGET
    if not has_actual or value is None:
        return Rating.NO_DATA
    if value >= 1:
        return Rating.MET
    return Rating.ON_TARGET if value >= on_target else Rating.BEHIND


def objective_evidence(
    achievements: Sequence[float | None], *, on_target: float = ON_TARGET_SHARE
) -> tuple[float | None, Rating]:
    """The mean of the rated achievements, each capped at 1, and its rating (no data when none is rated)."""
    rated = [min(a, 1.0) for a in achievements if a is not None]
    if not rated:
        return None, Rating.NO_DATA
    mean = sum(rated) / len(rated)
    return mean, rating(mean, has_target=True, has_actual=True, on_target=on_target)


def disagrees(status: str | None, evidence: Rating, ratings: Sequence[Rating]) -> bool:
    """Whether what the agencies report and what the indicators say point different ways."""
    if status in (Status.ON_TRACK, Status.COMPLETED) and evidence == Rating.BEHIND:
        return True
    rated = [r for r in ratings if r.rated]
    return status == Status.OFF_TRACK and bool(rated) and all(r == Rating.MET for r in rated)
