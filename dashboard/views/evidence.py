"""A mission's evidence in a quarter, as every page, export and the command line read it (one computation)."""

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from dashboard.domain import aggregation, evidence
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.store import indicators, queries


@dataclass(frozen=True)
class Evidence:
    quarter: FiscalQuarter
    indicators: pd.DataFrame  # evidence.INDICATOR_COLUMNS
    objectives: pd.DataFrame  # evidence.OBJECTIVE_COLUMNS

    @property
    def disagreements(self) -> pd.DataFrame:
        return self.objectives[self.objectives["disagrees"]]


def build(
    *,
    sheets: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    expected: pd.DataFrame,
    updates: pd.DataFrame,
    quarter: FiscalQuarter,
    on_target: float,
) -> Evidence:
    rows = evidence.indicator_rows(sheets, targets, actuals, quarter, on_target)
    as_of = aggregation.objectives_as_of(expected, updates, quarter)
    return Evidence(quarter, rows, evidence.objective_rows(rows, as_of, on_target))


def for_mission(
    engine: Engine, mission_id: int, quarter: FiscalQuarter, *, states: tuple[str, ...], on_target: float
) -> Evidence:
    """Read and compute (the command line; pages go through the shared caches)."""
    return build(
        sheets=indicators.sheets_frame(engine, mission_id),
        targets=indicators.targets_frame(engine, mission_id),
        actuals=indicators.actuals_frame(engine, mission_id, states),
        expected=queries.expected_frame(engine, mission_id),
        updates=queries.updates_frame(engine, mission_id, states=states),
        quarter=quarter,
        on_target=on_target,
    )


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def status_document(found: Evidence) -> dict[str, object]:
    """``indicators status --json``: achievement unrounded; screens round it with the one shared rule."""
    keys = ("code", "objective_code", "baseline", "target", "actual", "achievement", "rating")
    return {
        "quarter": found.quarter.label,
        "indicators": [
            {("objective" if k == "objective_code" else k): _plain(row[k]) for k in keys}
            for _, row in found.indicators.iterrows()
        ],
        "objectives": [
            {k: _plain(row[k]) for k in ("code", "status", "evidence", "achievement", "disagrees")}
            for _, row in found.objectives.iterrows()
        ],
    }
