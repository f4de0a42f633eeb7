"""What a mission's indicators say in a quarter, beside what its agencies report: one row per indicator (baseline,
target, actual, achievement, rating) and one per objective (evidence, and whether it disagrees with the status).

Frames in, frames out (``store.indicators`` reads them); the rules are ``indicator_math``'s.
"""

import math

import pandas as pd

from dashboard.domain import indicator_math
from dashboard.domain.fiscal import FiscalQuarter, quarter_range
from dashboard.domain.indicator_math import Sheet
from dashboard.domain.numbers import percent
from models.scales import Frequency, Rating

INDICATOR_COLUMNS = [
    "indicator_id",
    "code",
    "objective_id",
    "objective_code",
    "goal_code",
    "name",
    "unit",
    "baseline",
    "target",
    "actual",
    "achievement",
    "rating",
    "note",
]
OBJECTIVE_COLUMNS = ["objective_id", "code", "goal_code", "status", "evidence", "achievement", "disagrees", "rated"]


def number(value: object) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)  # type: ignore[arg-type]


def _rows(frame: pd.DataFrame, keys: tuple[str, ...]) -> list[dict[str, object]]:
    """``frame``'s rows as dicts of ``keys``, from column lists (quicker than pandas' per-row access)."""
    return [dict(zip(keys, values, strict=True)) for values in zip(*(frame[k].tolist() for k in keys), strict=True)]


TargetMaps = tuple[dict[int, dict[int, float]], dict[int, dict[tuple[int, int], float]]]


def target_maps(targets: pd.DataFrame) -> TargetMaps:
    """Each indicator's yearly targets (fiscal year -> value) and interim ones ((year, quarter) -> value), by id."""
    years: dict[int, dict[int, float]] = {}
    interim: dict[int, dict[tuple[int, int], float]] = {}
    columns = (targets[c].tolist() for c in ("indicator_id", "fiscal_year", "quarter", "value"))
    for indicator_id, year, quarter, value in zip(*columns, strict=True):
        if quarter:
            interim.setdefault(int(indicator_id), {})[int(year), int(quarter)] = float(value)
        else:
            years.setdefault(int(indicator_id), {})[int(year)] = float(value)
    return years, interim


def _sheet(indicator_id: int, baseline: object, baseline_fy: object, frequency: str, maps: TargetMaps) -> Sheet:
    fy = number(baseline_fy)
    return indicator_math.Sheet(
        baseline=float(baseline),  # type: ignore[arg-type]
        baseline_fy=int(fy) if fy is not None else 0,
        targets=maps[0].get(indicator_id, {}),
        frequency=Frequency(frequency),
        interim=maps[1].get(indicator_id, {}),
    )


def sheet_of(row: pd.Series, targets: pd.DataFrame) -> indicator_math.Sheet:
    """The arithmetic's view of one reference sheet and its targets."""
    indicator_id = int(row["indicator_id"])
    maps = target_maps(targets[targets["indicator_id"] == indicator_id])
    return _sheet(indicator_id, row["baseline"], row["baseline_fy"], row["frequency"], maps)


def indicator_rows(
    sheets: pd.DataFrame, targets: pd.DataFrame, actuals: pd.DataFrame, quarter: FiscalQuarter, on_target: float
) -> pd.DataFrame:
    """Each indicator in ``quarter``: its target, actual (the newest counted value; nothing carried forward),
    achievement (unrounded) and rating. One row per sheet, in the sheets' order. (Plain Python over the rows:
    a roll-up reads ten thousand sheets at once.)"""
    now = actuals[(actuals["fiscal_year"] == quarter.fiscal_year) & (actuals["quarter"] == quarter.quarter)]
    found = {
        int(i): (number(v), "" if n is None else str(n))
        for i, v, n in zip(now["indicator_id"].tolist(), now["value"].tolist(), now["note"].tolist(), strict=True)
    }
    maps = target_maps(targets)
    kept = ("indicator_id", "code", "objective_id", "objective_code", "goal_code", "name", "unit")
    rows = []
    for row in _rows(sheets, (*kept, "baseline", "baseline_fy", "frequency")):
        indicator_id = int(row["indicator_id"])
        sheet = _sheet(indicator_id, row["baseline"], row["baseline_fy"], row["frequency"], maps)
        target = indicator_math.target_for(sheet, quarter)
        actual, note = found.get(indicator_id, (None, ""))
        reported = indicator_id in found
        value = indicator_math.achievement(actual, sheet.baseline, target)
        verdict = indicator_math.rating(value, has_target=target is not None, has_actual=actual is not None,
                                        on_target=on_target)  # fmt: skip
        rows.append(
            {
                **{c: row[c] for c in kept},
                **{"baseline": sheet.baseline, "target": target, "actual": actual, "achievement": value},
                **{"rating": verdict.value, "note": note if reported and actual is None else ""},
            }
        )
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def objective_rows(indicators: pd.DataFrame, as_of: pd.DataFrame, on_target: float) -> pd.DataFrame:
    """Each objective that has indicators: its reported status (``as_of``: the overview's objectives of the
    quarter), the evidence of its indicators and whether the two disagree."""
    status = dict(zip(as_of["objective_id"], as_of["status"], strict=True)) if not as_of.empty else {}
    grouped: dict[object, list[dict[str, object]]] = {}
    for row in _rows(indicators, ("objective_id", "objective_code", "goal_code", "achievement", "rating")):
        grouped.setdefault(row["objective_id"], []).append(row)
    rows = []
    for objective_id, part in grouped.items():
        mean, evidence = indicator_math.objective_evidence(
            [number(r["achievement"]) for r in part], on_target=on_target
        )
        ratings = [Rating(r["rating"]) for r in part]
        reported = status.get(objective_id)
        reported = reported if isinstance(reported, str) else None
        rows.append(
            {
                "objective_id": objective_id,
                "code": part[0]["objective_code"],
                "goal_code": part[0]["goal_code"],
                "status": reported,
                "evidence": evidence.value,
                "achievement": mean,
                "disagrees": indicator_math.disagrees(reported, evidence, ratings),
                "rated": sum(r.rated for r in ratings),
            }
        )
    return pd.DataFrame(rows, columns=OBJECTIVE_COLUMNS)


def disagreement_text(status: str, achievement: float | None, evidence: str) -> str:
    """Both sides in a few words, e.g. "reported On track; indicators 48% of the way to target"."""
    if achievement is None:
        return f"reported {status}; indicators {evidence}"
    return f"reported {status}; indicators {percent(100 * achievement)} of the way to target ({evidence})"


def target_path(sheet: indicator_math.Sheet, last: FiscalQuarter) -> pd.DataFrame:
    """The target of every quarter from the one after the baseline to ``last`` (none where there is none), for a
    chart: the baseline, the yearly targets and the interim ones joined as the rules join them."""
    first = FiscalQuarter(sheet.baseline_fy, 4)
    rows = [{"quarter": first.label, "qindex": first.index, "target": sheet.baseline}]
    for quarter in quarter_range(first.next(), last):
        rows.append(
            {"quarter": quarter.label, "qindex": quarter.index, "target": indicator_math.target_for(sheet, quarter)}
        )
    return pd.DataFrame(rows, columns=["quarter", "qindex", "target"])
