"""What a mission's indicators say in a quarter, beside what its agencies report: one row per indicator (baseline,
target, actual, achievement, rating) and one per objective (evidence, and whether it disagrees with the status).

Frames in, frames out (``store.indicators`` reads them); the rules are ``indicator_math``'s.
"""

import math

import pandas as pd

from dashboard.domain import indicator_math
from dashboard.domain.fiscal import FiscalQuarter, quarter_range
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


def sheet_of(row: pd.Series, targets: pd.DataFrame) -> indicator_math.Sheet:
    """The arithmetic's view of one reference sheet and its targets."""
    mine = targets[targets["indicator_id"] == row["indicator_id"]]
    years = mine[mine["quarter"] == 0]
    interim = mine[mine["quarter"] > 0]
    baseline_fy = row["baseline_fy"]
    return indicator_math.Sheet(
        baseline=float(row["baseline"]),
        baseline_fy=int(baseline_fy) if number(baseline_fy) is not None else 0,
        targets={int(y): float(v) for y, v in zip(years["fiscal_year"], years["value"], strict=True)},
        frequency=Frequency(row["frequency"]),
        interim={
            (int(y), int(q)): float(v)
            for y, q, v in zip(interim["fiscal_year"], interim["quarter"], interim["value"], strict=True)
        },  # fmt: skip
    )


def indicator_rows(
    sheets: pd.DataFrame, targets: pd.DataFrame, actuals: pd.DataFrame, quarter: FiscalQuarter, on_target: float
) -> pd.DataFrame:
    """Each indicator in ``quarter``: its target, actual (the newest counted value; nothing carried forward),
    achievement (unrounded) and rating."""
    now = actuals[(actuals["fiscal_year"] == quarter.fiscal_year) & (actuals["quarter"] == quarter.quarter)]
    by_indicator = now.set_index("indicator_id")
    own_targets = dict(iter(targets.groupby("indicator_id", sort=False)))  # each sheet's few rows, found once
    none = targets.iloc[0:0]
    rows = []
    for _, row in sheets.iterrows():
        sheet = sheet_of(row, own_targets.get(row["indicator_id"], none))
        target = indicator_math.target_for(sheet, quarter)
        found = by_indicator.loc[row["indicator_id"]] if row["indicator_id"] in by_indicator.index else None
        actual = number(found["value"]) if found is not None else None
        value = indicator_math.achievement(actual, sheet.baseline, target)
        verdict = indicator_math.rating(
            value, has_target=target is not None, has_actual=actual is not None, on_target=on_target
        )
        note = str(found["note"]) if found is not None and actual is None else ""
        rows.append(
            {
                **{c: row[c] for c in ("indicator_id", "code", "objective_id", "objective_code", "goal_code")},
                **{"name": row["name"], "unit": row["unit"], "baseline": sheet.baseline, "target": target},
                **{"actual": actual, "achievement": value, "rating": verdict.value, "note": note},
            }
        )
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def objective_rows(indicators: pd.DataFrame, as_of: pd.DataFrame, on_target: float) -> pd.DataFrame:
    """Each objective that has indicators: its reported status (``as_of``: the overview's objectives of the
    quarter), the evidence of its indicators and whether the two disagree."""
    status = dict(zip(as_of["objective_id"], as_of["status"], strict=True)) if not as_of.empty else {}
    rows = []
    for objective_id, part in indicators.groupby("objective_id", sort=False):
        mean, evidence = indicator_math.objective_evidence(
            [number(a) for a in part["achievement"]], on_target=on_target
        )
        ratings = [Rating(r) for r in part["rating"]]
        reported = status.get(objective_id)
        reported = reported if isinstance(reported, str) else None
        rows.append(
            {
                "objective_id": objective_id,
                "code": part["objective_code"].iloc[0],
                "goal_code": part["goal_code"].iloc[0],
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
