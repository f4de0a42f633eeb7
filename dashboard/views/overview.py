"""Everything the overview page draws, built in one place so the page can cache it whole."""

from dataclasses import dataclass

import pandas as pd

from dashboard.domain import aggregation
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats import exports
from dashboard.views import charts


@dataclass
class OverviewBundle:
    quarter: FiscalQuarter
    empty: bool
    headline: aggregation.Headline | None = None
    goals: charts.Chart | None = None
    statuses: charts.Chart | None = None
    risk_by_goal: charts.Chart | None = None
    changes: pd.DataFrame | None = None
    objectives: pd.DataFrame | None = None
    heatmap: charts.Chart | None = None
    agencies: charts.Chart | None = None
    missing: pd.DataFrame | None = None
    trend_goal: charts.Chart | None = None
    trend_risk: charts.Chart | None = None
    trend_objective: charts.Chart | None = None
    export: pd.DataFrame | None = None


def build_overview(
    expected: pd.DataFrame, updates: pd.DataFrame, filters: Filters, quarter: FiscalQuarter
) -> OverviewBundle:
    """Aggregate and chart the overview for one set of filters. Pure: no Streamlit."""
    view = aggregation.overview(expected, updates, filters, quarter)
    if view.empty:
        return OverviewBundle(quarter=quarter, empty=True)
    return OverviewBundle(
        quarter=quarter,
        empty=False,
        headline=view.headline,
        goals=charts.goal_progress_chart(view.as_of, aggregation.goal_progress(view.as_of)),
        statuses=charts.status_counts_chart(view.headline),
        risk_by_goal=charts.risk_by_goal_chart(aggregation.risk_by_goal(view.as_of)),
        changes=aggregation.changes_since(view.previous, view.as_of),
        objectives=view.as_of[
            ["code", "title", "status", "progress", "risk_level", "reports", "expected", "working_group"]
        ],
        heatmap=charts.agency_heatmap_chart(aggregation.agency_heatmap(view.expected, view.updates, quarter)),
        agencies=charts.agency_progress_chart(aggregation.agency_progress(view.expected, view.updates, quarter)),
        missing=aggregation.missing_reports(view.expected, view.updates, quarter),
        trend_goal=charts.progress_trend_chart(aggregation.progress_trend(view.expected, view.updates, by="goal")),
        trend_risk=charts.risk_trend_chart(aggregation.risk_trend(view.expected, view.updates)),
        trend_objective=charts.progress_trend_chart(
            aggregation.progress_trend(view.expected, view.updates, by="objective"),
            title="Progress over the quarters, by objective",
        ),
        export=exports.export_frame(view.expected, view.updates),
    )
