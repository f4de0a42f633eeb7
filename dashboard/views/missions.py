"""What the Missions page (Washington's roll-up) draws, from the grouped frames of ``store.rollup``. No Streamlit."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.domain import rollup
from dashboard.domain.fiscal import FiscalQuarter, quarter_range, reporting_quarter
from dashboard.domain.links import parse_quarter_token
from dashboard.domain.numbers import percent, rounded, whole
from dashboard.views.charts import NEUTRAL, Chart, _layout, quarter_axis, status_label
from dashboard.views.evidence import Evidence
from models.scales import BUREAUS, GOOD_STATUSES, TROUBLED_STATUSES, NoStatus, Rating, Status

# Okabe-Ito colours and a marker per bureau, so lines differ by more than colour.
BUREAU_STYLE = {
    "AF": ("#E69F00", "circle"),
    "EAP": ("#56B4E9", "square"),
    "EUR": ("#009E73", "diamond"),
    "NEA": ("#D55E00", "triangle-up"),
    "SCA": ("#CC79A7", "x"),
    "WHA": ("#0072B2", "star"),
}


@dataclass
class Headline:
    missions: int
    on_track: int
    off_track_or_at_risk: int
    late: int
    hotspots: int


@dataclass
class MissionsBundle:
    quarter: FiscalQuarter
    headline: Headline
    table: pd.DataFrame  # one row per mission: the goals' statuses with symbols, completeness and days late
    goal_columns: list[str]
    hotspots: pd.DataFrame
    completeness: Chart
    trend: Chart
    risk_trend: Chart
    evidence: Chart | None = None  # indicators on target by bureau; None: no mission in view has indicators
    figures_note: str = ""  # whether the quarter's figures are closed records or live (``figures_note``)


TREND_QUARTERS = 8  # the trend charts' span, ending at the quarter shown
SHOWN = "mi_shown"
"""Session-state key: the parameters (``to``, ``bureau``) the Missions page last showed in this session."""


def opening_params(link: Mapping[str, str], shown: Mapping[str, str] | None) -> dict[str, str]:
    """The quarter and bureau the Missions page starts from: what it last showed in this session (``shown``), so
    going back to it from another page keeps its filters; on a session's first visit, the link's (``link``).
    (Within the page, its widgets keep their own values.)"""
    source = shown if shown is not None else link
    return {key: str(source[key]) for key in ("to", "bureau") if source.get(key)}


def quarter_choices(missions: pd.DataFrame, wanted: str, today: date) -> tuple[list[FiscalQuarter], FiscalQuarter]:
    """Every quarter of the loaded strategies (``missions``' ``strategy_start`` to ``strategy_end``) and the one to
    show: the link's ``to`` (``wanted``) when it is one of them, else the reporting quarter kept within them."""
    first = FiscalQuarter(int(missions["strategy_start"].min()), 1)
    last = FiscalQuarter(int(missions["strategy_end"].max()), 4)
    quarters = quarter_range(first, last)
    try:
        shown = parse_quarter_token(wanted)
    except ValueError:
        shown = min(max(reporting_quarter(today), first), last)
    return quarters, shown if shown in quarters else quarters[-1]


def trend_start(quarters: list[FiscalQuarter], quarter: FiscalQuarter) -> FiscalQuarter:
    """The first quarter of the trend charts: ``TREND_QUARTERS`` back from ``quarter``, at most to the first."""
    return quarters[max(0, quarters.index(quarter) - TREND_QUARTERS + 1)]


def figures_note(quarter: FiscalQuarter, closed: int, missions: int) -> str:
    """Whether the quarter's figures are closed records or live, across the missions shown."""
    if closed == 0:
        return f"Live figures: {quarter.label} is open at every mission shown."
    if closed >= missions:
        return f"Closed figures: {quarter.label} is closed at every mission shown, and each reads its record."
    return f"Closed figures for {closed} of {missions} missions, which read their records; live for the rest."


def headline_figures(head: Headline) -> list[tuple[str, str, str | None]]:
    """The page's five headline figures as (label, value, help)."""
    return [
        ("Missions", f"{head.missions:,}", None),
        (Status.ON_TRACK.label, f"{head.on_track:,}", "Missions on track or completed"),
        ("Struggling", f"{head.off_track_or_at_risk:,}", "Missions at risk or off track"),
        ("Late", f"{head.late:,}", "Missions with updates still missing after the due date"),
        ("High risk", f"{head.hotspots:,}", "Objectives at High or Critical risk"),
    ]


HOTSPOT_ROWS = 200  # drawn at first; every session holds what it draws, and a list longer than this is searched
# or narrowed, not read


def hotspot_rows(hotspots: pd.DataFrame, show_all: bool) -> tuple[pd.DataFrame, str]:
    """The hotspot rows to draw (the first ``HOTSPOT_ROWS`` unless ``show_all``) and a caption saying which."""
    select = "Select a row to open the objective."
    if show_all or len(hotspots) <= HOTSPOT_ROWS:
        return hotspots, f"Objectives at High or Critical risk, Critical first. {select}"
    return hotspots.head(HOTSPOT_ROWS), (
        f"The first {HOTSPOT_ROWS} of {len(hotspots):,} objectives at High or Critical risk (Critical first, then "
        f"by mission); choose a bureau to narrow the list, or show them all. {select}"
    )


def goal_column(code: str) -> str:
    return "Management" if code == "M" else f"Goal {code}"


def _cell(status: str) -> str:
    return status_label(status) if status else ""


def _chip(status: str) -> list[str]:
    """A status cell of the mission table: its symbol and name as one coloured label (none: no such goal)."""
    return [status_label(status)] if status else []


def mission_table(summary: pd.DataFrame, matrix: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The summary with one column per goal (its status with its symbol, as a label list for
    ``STATUS_CHIPS``), in the summary's order."""
    goals = matrix.rename(columns=goal_column).map(_chip)
    table = summary.copy()
    table["status"] = table["status"].map(_chip)
    table = pd.concat([table.reset_index(drop=True), goals.reset_index(drop=True)], axis=1)
    columns = ["mission_id", "mission", "bureau", "status", *goals.columns]
    columns += ["progress", "high_risk", "received", "expected", "completeness", "days_late"]
    return table[columns], list(goals.columns)


def _bureau_shares(per: pd.DataFrame, share: str, colour: str, labels: list[str], hover: str, axis: str) -> go.Figure:
    """A bar per bureau of ``per``'s percentage column ``share`` (none drawn as 0), labelled above each bar, on the
    0-100 scale both Missions charts share."""
    figure = go.Figure(
        go.Bar(
            x=per["bureau"],
            y=per[share].fillna(0),
            marker_color=colour,
            marker_line={"color": NEUTRAL, "width": 1},
            text=labels,
            textposition="outside",
            cliponaxis=False,
            customdata=[BUREAUS.get(b, b) for b in per["bureau"]],
            hovertemplate="%{customdata}: %{y:.0f}% " + hover + "<extra></extra>",
        )
    )
    figure.update_yaxes(range=[0, 125], title=axis, tickvals=[0, 25, 50, 75, 100])
    figure.update_xaxes(type="category", title=None)
    return figure


def completeness_chart(summary: pd.DataFrame, quarter: FiscalQuarter) -> Chart:
    """Per bureau: updates received over updates owed for the quarter."""
    per = (
        summary.assign(bureau=summary["bureau"].fillna("(none)"), late=summary["days_late"] > 0)
        .groupby("bureau", sort=True)
        .agg(
            missions=("mission_id", "size"),
            received=("received", "sum"),
            expected=("expected", "sum"),
            late=("late", "sum"),
        )
        .reset_index()
    )
    per["completeness"] = rounded(per["received"] / per["expected"].where(per["expected"] > 0) * 100).astype(float)
    figure = _bureau_shares(
        per,
        "completeness",
        "#0072B2",
        [
            f"{percent(c)}<br>{r:,}/{e:,}"
            for c, r, e in zip(per["completeness"].fillna(0), per["received"], per["expected"], strict=True)
        ],
        "of owed updates in",
        "Updates received (%)",
    )
    if per.empty:
        summary_text = f"No mission owes updates for {quarter.label}."
    else:
        shares = per["completeness"].fillna(0)
        received, owed = int(per["received"].sum()), int(per["expected"].sum())
        lowest = per[shares == shares.min()]["bureau"].tolist()
        where = (
            f"every bureau at {percent(shares.min())}"
            if len(lowest) == len(per) and len(per) > 1
            else f"lowest: {' and '.join(lowest)} at {percent(shares.min())}"
        )
        summary_text = f"For {quarter.label}, {received:,} of {owed:,} owed updates are in; {where}."
    return Chart(_layout(figure, "Reporting completeness by bureau", height=340), summary_text, per)


def _trend_chart(trend: pd.DataFrame, value: str, title: str, axis: str, summary_unit: str) -> Chart:
    figure = go.Figure()
    quarters = list(dict.fromkeys(trend.sort_values("qindex")["quarter"]))
    for bureau, part in trend.groupby("bureau", sort=True):
        color, symbol = BUREAU_STYLE.get(str(bureau), (NEUTRAL, "circle"))
        part = part.set_index("quarter").reindex(quarters)
        figure.add_scatter(
            name=str(bureau),
            x=quarters,
            y=part[value],
            mode="lines+markers",
            line={"color": color},
            marker={"symbol": symbol, "size": 8, "color": color},
            hovertemplate=f"{bureau}, " + "%{x}: %{y:.0f}" + summary_unit + "<extra></extra>",
        )
    quarter_axis(figure)
    figure.update_yaxes(title=axis, rangemode="tozero")
    if trend.empty:
        summary = "Nothing reported in this period."
    else:
        last = trend[trend["quarter"] == quarters[-1]]
        summary = (
            f"In {quarters[-1]}: "
            + "; ".join(f"{r.bureau} {whole(getattr(r, value))}{summary_unit}" for r in last.itertuples())
            + "."
        )
    return Chart(quarter_axis(_layout(figure, title, height=360)), summary, trend.drop(columns=["qindex"]))


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its percentages rounded half up once, here, so the table, the charts and their sentences
    show the same whole numbers as every other page."""
    columns = [c for c in ("progress", "completeness", "on_track_share") if c in frame]
    return frame.assign(**{c: rounded(frame[c]).astype(float) for c in columns})


EVIDENCE_COLUMNS = ["mission_id", "indicators", "rated", "on_target", "on_target_share", "disagreements"]
ON_TARGET_RATINGS = (Rating.MET.value, Rating.ON_TARGET.value)


def mission_evidence(found: Evidence) -> pd.DataFrame:
    """Per mission with indicators (``views.evidence.for_missions``): its indicators, how many are rated (have an
    actual and a target), how many of those are met or on target, that share (%, unrounded) and the number of
    objectives whose reported status and indicators disagree; the same rules as each mission's Overview and
    ``indicators status``."""
    rows = found.indicators
    if rows.empty:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    rated = {r.value for r in Rating if r.rated}
    per = (
        rows.assign(rated=rows["rating"].isin(rated), good=rows["rating"].isin(ON_TARGET_RATINGS))
        .groupby("mission_id", sort=True)
        .agg(indicators=("indicator_id", "size"), rated=("rated", "sum"), on_target=("good", "sum"))
    )
    split = found.objectives.groupby("mission_id")["disagrees"].sum()
    per["disagreements"] = split.reindex(per.index).fillna(0)
    per = per.astype(int)
    per["on_target_share"] = per["on_target"] / per["rated"].where(per["rated"] > 0) * 100
    return per.reset_index()[EVIDENCE_COLUMNS]


def evidence_chart(summary: pd.DataFrame, found: pd.DataFrame, quarter: FiscalQuarter) -> Chart | None:
    """Per bureau: the share of rated indicators met or on target, with the number of disagreements."""
    if found.empty:
        return None
    joined = found.merge(summary[["mission_id", "bureau"]], on="mission_id")
    per = (
        joined.assign(bureau=joined["bureau"].fillna("(none)"))
        .groupby("bureau", sort=True)
        .agg(
            missions=("mission_id", "size"),
            rated=("rated", "sum"),
            on_target=("on_target", "sum"),
            disagreements=("disagreements", "sum"),
        )
        .reset_index()
    )
    per["on_target_share"] = rounded(per["on_target"] / per["rated"].where(per["rated"] > 0) * 100).astype(float)
    figure = _bureau_shares(
        per,
        "on_target_share",
        "#009E73",
        [
            f"{percent(s) if pd.notna(s) else 'no data'}<br>{d:,} disagree{'s' * (d == 1)}"
            for s, d in zip(per["on_target_share"], per["disagreements"], strict=True)
        ],
        "of rated indicators met or on target",
        "Indicators on target (%)",
    )
    rated, good, split = int(per["rated"].sum()), int(per["on_target"].sum()), int(per["disagreements"].sum())
    summary_text = (
        f"For {quarter.label}, {good:,} of {rated:,} rated indicators are met or on target; {split:,} "
        f"objective{'s' * (split != 1)} where the reported status and the indicators disagree."
    )
    return Chart(_layout(figure, "Indicators on target by bureau", height=340), summary_text, per)


def build_missions(
    missions: pd.DataFrame,
    goals: pd.DataFrame,
    objective_quarters: pd.DataFrame,
    quarter: FiscalQuarter,
    *,
    today: date,
    due_days: int,
    found: pd.DataFrame | None = None,
    closed: frozenset[int] = frozenset(),
) -> MissionsBundle:
    """The page's figures; ``found`` is ``mission_evidence`` (None or empty: no indicators)."""
    summary = _rounded(rollup.mission_summary(missions, objective_quarters, quarter, today=today, due_days=due_days))
    matrix = rollup.goal_matrix(missions, goals, objective_quarters, quarter)
    table, goal_columns = mission_table(summary, matrix)
    found = found if found is not None else pd.DataFrame(columns=EVIDENCE_COLUMNS)
    shares = found.set_index("mission_id")
    table["indicators_on_target"] = rounded(table["mission_id"].map(shares["on_target_share"]).astype(float))
    table["disagreements"] = table["mission_id"].map(shares["disagreements"]).astype("Int64")
    hot = _rounded(rollup.hotspots(missions, objective_quarters, quarter))
    hot = hot.assign(status=hot["status"].map(_cell))
    trend = _rounded(rollup.bureau_trend(objective_quarters))
    headline = Headline(
        missions=len(summary),
        on_track=int(summary["status"].isin(GOOD_STATUSES).sum()),
        off_track_or_at_risk=int(summary["status"].isin(TROUBLED_STATUSES).sum()),
        late=int((summary["days_late"] > 0).sum()),
        hotspots=len(hot),
    )
    return MissionsBundle(
        quarter=quarter,
        headline=headline,
        table=table,
        goal_columns=goal_columns,
        hotspots=hot,
        completeness=completeness_chart(summary, quarter),
        trend=_trend_chart(trend, "on_track_share", "On track or completed", "Objectives (%)", "%"),
        risk_trend=_trend_chart(trend, "high_risk", "At High or Critical risk", "Objectives", " objectives"),
        evidence=evidence_chart(summary, found, quarter),
        figures_note=figures_note(quarter, len(closed & set(summary["mission_id"])), len(summary)),
    )


# Pale tints of the status colours, so dark text on them keeps its contrast; the symbol carries the meaning too.
STATUS_TINTS = {m.value: m.tint for m in [*Status, NoStatus.NO_UPDATE]}
# The labels a status cell can hold and their colours, in the same order (a read-only multiselect column
# draws each as a coloured label in the browser; no per-cell styling is computed on the server).
STATUS_CHIPS = [status_label(s) for s in STATUS_TINTS]
STATUS_CHIP_COLORS = list(STATUS_TINTS.values())
