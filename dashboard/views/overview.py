"""Everything the overview page draws, built in one place so the page can cache it whole."""

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from dashboard.domain import aggregation
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.numbers import half_up, percent, rounded, signed
from dashboard.formats import exports
from dashboard.views import charts, quarter_record
from models.scales import HEADLINE_STATUSES, Status


@dataclass(frozen=True)
class Metric:
    """One headline figure with its change since last quarter (None when last quarter had no report)."""

    label: str
    value: str
    delta: str | None = None
    # "normal": up is good (green); "inverse": up is bad (red); "off": no change (grey, no arrow).
    delta_color: str = "normal"
    help: str | None = None

    @property
    def delta_arrow(self) -> str:
        return "off" if self.delta_color == "off" else "auto"


def headline_metrics(current: pd.DataFrame, previous: pd.DataFrame, head: aggregation.Headline) -> list[Metric]:
    """The six headline figures for the as-of objectives, each with its change since the previous quarter."""
    compare = not previous.empty and bool((previous["status"] != aggregation.NO_UPDATE).any())

    def count(frame: pd.DataFrame, status: str) -> int:
        return int((frame["status"] == status).sum())

    def change(now: float | None, before: float | None, unit: str = "") -> str | None:
        if not compare or now is None or before is None:
            return None
        return signed(now - before, unit)

    def metric(label: str, value: str, delta: str | None, color: str = "normal", help: str | None = None) -> Metric:
        return Metric(label, value, delta, "off" if delta is not None and delta.startswith("±") else color, help)

    metrics = [
        metric(label, f"{head.status_counts[status]}", change(count(current, status), count(previous, status)), color)
        for label, status, color in [
            (status, status, "inverse" if Status(status).troubled else "normal") for status in HEADLINE_STATUSES
        ]
    ]
    before = previous["progress"].dropna() if compare else pd.Series(dtype=float)
    progress = None
    if head.mean_progress is not None and not before.empty:
        # the change between the two figures as shown, so "49%" after "46%" reads "+3 pts"
        progress = change(half_up(head.mean_progress), half_up(float(before.mean())), " pts")
    metrics.append(
        metric(
            "Progress",
            percent(head.mean_progress),
            progress,
            help="Mean progress of the objectives with an update (change in percentage points)",
        )
    )
    high_before = int(previous["risk_level"].isin(aggregation.HIGH_RISK).sum()) if compare else 0
    metrics.append(
        metric(
            "High risk",
            f"{head.high_risk}",
            change(head.high_risk, high_before),
            "inverse",
            help="Objectives at High or Critical risk",
        )
    )
    return metrics


DIRECTION_LABELS = {"worse": "▼ Worse", "better": "▲ Better", "mixed": "◆ Mixed"}
DIRECTION_COLORS = {"▼ Worse": "#D55E00", "▲ Better": "#009E73", "◆ Mixed": "#4D4D4D"}


def changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    """What changed since last quarter, worse first, with each status's symbol and the direction's."""
    if changes.empty:
        return changes
    order = {"worse": 0, "mixed": 1, "better": 2}
    out = changes.assign(rank=changes["direction"].map(order)).sort_values(["rank", "code"], kind="stable")
    out = out.assign(
        direction=out["direction"].map(DIRECTION_LABELS),
        status_before=out["status_before"].map(charts.status_label),
        status_now=out["status_now"].map(charts.status_label),
    )
    return out[["direction", *[c for c in changes.columns if c != "direction"]]].reset_index(drop=True)


def direction_style(value: object) -> str:
    """CSS for a direction cell: its colour, bold for "worse"."""
    color = DIRECTION_COLORS.get(str(value))
    if color is None:
        return ""
    return f"color: {color}; font-weight: 700" if str(value).endswith("Worse") else f"color: {color}"


def objective_code(point: dict) -> str | None:
    """The objective code a clicked chart point stands for, else None: a goal chart bar carries
    ``[hover text, objective code or ""]`` as its customdata; a heatmap cell has the code as its ``x``."""
    custom = point.get("customdata")
    if isinstance(custom, list | tuple):
        return str(custom[1]) if len(custom) >= 2 and custom[1] else None
    x = point.get("x")
    return x if isinstance(x, str) and x else None


def clicked_objective(points: list[dict]) -> str | None:
    """The objective of the first clicked point that stands for one (see ``objective_code``)."""
    return next((code for code in map(objective_code, points) if code), None)


def selected_code(rows: list[int], frame: pd.DataFrame, column: str = "code") -> str | None:
    """The objective code in ``column`` of the first selected table row, else None."""
    return str(frame.iloc[rows[0]][column]) if rows else None


def as_of_caption(quarter: FiscalQuarter, recorded: datetime | None = None) -> str:
    """What the figures stand for: closed or live, the quarter shown, nothing carried forward, changes since the
    quarter before."""
    return (
        f"{quarter_record.figures_label(quarter, recorded)} "
        f"As of {quarter.label}: the latest revision of each agency's update for that quarter. "
        "Missing updates show as missing; nothing is carried forward. "
        f"Changes are since {quarter.previous().label}."
    )


def received_bar(head: aggregation.Headline, quarter: FiscalQuarter) -> tuple[float, str]:
    """The share of expected updates received (0 when none is expected) and the bar's text."""
    share = head.received / head.expected if head.expected else 0.0
    return share, f"Updates received: {head.received} of {head.expected} expected for {quarter.label}"


def worse_items(changes: pd.DataFrame | None) -> list[str]:
    """One line per objective that got worse since last quarter (``changes_table`` rows): code, status and risk
    before and now, e.g. "1.1 (● On track → ✖ Off track, Low → High risk)"."""
    if changes is None or changes.empty:
        return []
    worse = changes[changes["direction"] == DIRECTION_LABELS["worse"]]
    return [
        f"{r.code} ({r.status_before} → {r.status_now}, {r.risk_before} → {r.risk_now} risk)"
        for r in worse.itertuples()
    ]


@dataclass(frozen=True)
class Download:
    """One download button: its label, the export's kind (``cache.export_bytes``), file name, type and key."""

    label: str
    kind: str
    file_name: str
    mime: str
    key: str


def downloads(quarter: FiscalQuarter) -> list[Download]:
    """The overview's downloads, one column each; another format is one more entry here."""
    return [
        Download("Download CSV", "csv", f"ics-updates-{quarter.label}.csv", "text/csv", "ov_csv"),
        Download(
            "Download Excel",
            "xlsx",
            f"ics-updates-{quarter.label}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "ov_xlsx",
        ),
    ]


@dataclass
class OverviewBundle:
    quarter: FiscalQuarter
    empty: bool
    headline: aggregation.Headline | None = None
    metrics: list[Metric] = field(default_factory=list)
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
        metrics=headline_metrics(view.as_of, view.previous, view.headline),
        goals=charts.goal_progress_chart(view.as_of, aggregation.goal_progress(view.as_of)),
        statuses=charts.status_counts_chart(view.headline),
        risk_by_goal=charts.risk_by_goal_chart(aggregation.risk_by_goal(view.as_of)),
        changes=changes_table(aggregation.changes_since(view.previous, view.as_of)),
        objectives=view.as_of[
            ["code", "title", "status", "progress", "risk_level", "reports", "expected", "working_group"]
        ].assign(progress=rounded(view.as_of["progress"]).astype(float)),
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
