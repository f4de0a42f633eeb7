"""Chart builders. Each returns a ``Chart``: the plotly figure, a one-sentence summary and the
data behind it (the "view data" table), so every chart is accessible without its colours.

One colour per status and per risk level across the app (Okabe-Ito, colour-blind safe),
and each also has a symbol or text label, so colour is never the only cue.
"""

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.domain.aggregation import MISSING, STATUS_LEVELS, Headline
from dashboard.domain.numbers import percent, rounded
from models.scales import (
    ELEVATED_RISKS,
    RISK_ORDER,
    NoStatus,
    RiskLevel,
    Status,
    goal_name,
    status_colour,
    status_symbol,
    status_text,
)

STATUS_COLORS = {m.value: m.colour for m in [*Status, *NoStatus]}
STATUS_SYMBOLS = {m.value: m.symbol for m in [*Status, *NoStatus]}
STATUS_MARKERS = {s.value: s.marker for s in Status}
RISK_COLORS = {r.value: r.colour for r in RiskLevel}
RISK_PATTERNS = {r.value: r.pattern for r in RiskLevel}
NEUTRAL = "#4D4D4D"


@dataclass
class Chart:
    figure: go.Figure
    summary: str
    data: pd.DataFrame


def _layout(figure: go.Figure, title: str, height: int = 360) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        plot_bgcolor="white",
        font={"size": 13},
    )
    return figure


def quarter_axis(figure: go.Figure) -> go.Figure:
    """A category x axis (quarters, goals) whose labels are never clipped, however narrow the column: slanted,
    with room made for them, and the legend on the right so it never sits on the labels."""
    figure.update_xaxes(type="category", tickangle=-45, automargin=True)
    figure.update_yaxes(automargin=True)
    figure.update_layout(legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top"})
    return figure


_goal_name = goal_name


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _where_most(labels: list[str], counts: list[int]) -> str:
    """Where the most are, honest about ties: "most in Goal 2", "most in Goal 1 and Goal 3 (2 each)",
    or "one in each of Goal 1, Goal 2 and Goal 3" when every group with any has the same number."""
    top = max(counts)
    leaders = [label for label, n in zip(labels, counts, strict=True) if n == top]
    if len(leaders) == 1:
        return f"most in {leaders[0]}"
    if len(leaders) == sum(1 for n in counts if n > 0):
        each = "one" if top == 1 else str(top)
        return f"{each} in each of {_joined(leaders)}"
    return f"most in {_joined(leaders)} ({top} each)"


def status_label(status: str) -> str:
    return f"{status_symbol(status)} {status}"


def status_counts_chart(head: Headline) -> Chart:
    data = pd.DataFrame({"status": list(head.status_counts), "objectives": list(head.status_counts.values())})
    data = data[data["objectives"] > 0]
    figure = go.Figure(
        go.Bar(
            x=data["objectives"],
            y=[status_label(s) for s in data["status"]],
            orientation="h",
            marker_color=[STATUS_COLORS[s] for s in data["status"]],
            marker_line={"color": NEUTRAL, "width": 1},
            text=data["objectives"],
            textposition="auto",
            hovertemplate="%{y}: %{x} objectives<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title="Objectives", dtick=1)
    return Chart(_layout(figure, "Objectives by status", height=280), head.summary, data.reset_index(drop=True))


def _goal_rows(as_of: pd.DataFrame, goals: pd.DataFrame) -> pd.DataFrame:
    """The goal chart's bars, top to bottom: each goal, then its objectives (label, progress, status, kind, hover,
    code)."""
    rows = []
    for goal in goals.itertuples():
        label = goal_name(goal.goal_code)
        rows.append(
            {
                "label": f"<b>{label}</b>",
                "progress": goal.progress,
                "status": None,
                "kind": "goal",
                "hover": f"{label}: {goal.goal_title}",
                "code": label,
            }
        )
        for obj in as_of[as_of["goal_code"] == goal.goal_code].itertuples():
            rows.append(
                {
                    "label": f"   {obj.code}",
                    "progress": obj.progress,
                    "status": obj.status,
                    "kind": "objective",
                    "hover": f"{obj.code}: {obj.title}",
                    "code": obj.code,
                }
            )
    data = pd.DataFrame(rows, columns=["label", "progress", "status", "kind", "hover", "code"])
    # whole numbers, rounded half up once here: the bars, their labels and the "View data" table agree
    return data.assign(progress=rounded(data["progress"]).astype(float))


def _goal_summary(goals: pd.DataFrame) -> str:
    """Which goal leads and which trails on mean progress, as rounded for display (ties named together)."""
    reported = goals.dropna(subset=["progress"])
    if reported.empty:
        return "No goal has progress reported for this quarter."
    shown = reported.assign(shown=rounded(reported["progress"]))
    top, bottom = shown["shown"].max(), shown["shown"].min()
    leaders = [_goal_name(g) for g in shown[shown["shown"] == top]["goal_code"]]
    trailers = [_goal_name(g) for g in shown[shown["shown"] == bottom]["goal_code"]]
    if len(reported) == 1:
        return f"{leaders[0]} is at {percent(top)} mean progress."
    if top == bottom:
        return f"{_joined(leaders)} are all at {percent(top)} mean progress."
    lead_verb = "leads" if len(leaders) == 1 else "lead"
    trail_verb = "trails" if len(trailers) == 1 else "trail"
    return (
        f"{_joined(leaders)} {lead_verb} at {percent(top)} mean progress; "
        f"{_joined(trailers)} {trail_verb} at {percent(bottom)}."
    )


def goal_progress_chart(as_of: pd.DataFrame, goals: pd.DataFrame) -> Chart:
    """Each goal's mean progress, with its objectives' progress under it, coloured by status."""
    data = _goal_rows(as_of, goals)
    colors = [NEUTRAL if r.kind == "goal" else STATUS_COLORS[r.status] for r in data.itertuples()]
    texts = [
        percent(r.progress, none="no update") + ("" if r.kind == "goal" else f" {status_text(r.status)}")
        for r in data.itertuples()
    ]
    figure = go.Figure(
        go.Bar(
            x=data["progress"].fillna(0),
            y=data["label"],
            orientation="h",
            marker_color=colors,
            marker_line={"color": NEUTRAL, "width": 1},
            text=texts,
            textposition="outside",
            cliponaxis=False,
            # [hover text, objective code]: a click on an objective's bar opens that objective.
            customdata=list(
                zip(
                    data["hover"],
                    [c if k == "objective" else "" for c, k in zip(data["code"], data["kind"], strict=True)],
                    strict=True,
                )
            ),
            hovertemplate="%{customdata[0]}<br>Progress: %{x:.0f}%<extra></extra>",
        )
    )
    figure.update_traces(textfont_size=12)
    # Category axis: labels such as "1.1" must not be read as numbers.
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(
        range=[0, 104], title="Progress toward end-of-strategy result (%)", tickvals=[0, 25, 50, 75, 100]
    )
    summary = _goal_summary(goals)
    table = data[["code", "progress", "status"]].rename(columns={"code": "goal or objective"})
    _layout(figure, "Progress by goal, with its objectives", height=max(300, 28 * len(data) + 90))
    # The "100% ✓ Completed" labels draw past the axis into a fixed right margin, so they fit at any width.
    figure.update_layout(margin={"r": 120})
    return Chart(figure, summary, table)


def risk_by_goal_chart(table: pd.DataFrame) -> Chart:
    """Objectives by risk level, one bar per goal. Bars run across, goals down the side: a goal's name reads
    level at any width (upright labels in a half-width column at 1024 px were squeezed to "Gc")."""
    figure = go.Figure()
    labels = [goal_name(g) for g in table.index]
    for level in RISK_ORDER:
        values = table[level] if level in table else [0] * len(table)
        figure.add_bar(
            name=level,
            y=labels,
            x=values,
            orientation="h",
            marker_color=RISK_COLORS[level],
            marker_pattern_shape=RISK_PATTERNS[level],
            marker_line={"color": NEUTRAL, "width": 1},
            text=[v if v else "" for v in values],
            textposition="inside",
            hovertemplate="%{y}: %{x} objectives at " + level + " risk<extra></extra>",
        )
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title="Objectives", dtick=1, rangemode="nonnegative")
    figure.update_yaxes(type="category", categoryorder="array", categoryarray=labels[::-1], automargin=True)
    elevated = [level for level in ELEVATED_RISKS if level in table]
    high = int(table[elevated].sum().sum()) if not table.empty else 0
    summary = f"{high} objectives are at High or Critical risk" + (
        f", {_where_most(labels, table[elevated].sum(axis=1).tolist())}." if high else "."
    )
    data = table.rename(index=dict(zip(table.index, labels, strict=True))).reset_index(names="goal")
    figure = _layout(figure, "Risk level by goal (objectives)", height=max(300, 40 * len(labels) + 170))
    figure.update_layout(legend={"orientation": "h", "x": 0, "y": -0.25, "yanchor": "top", "traceorder": "normal"})
    return Chart(figure, summary, data)


def risk_trend_chart(trend: pd.DataFrame) -> Chart:
    figure = go.Figure()
    for level in RISK_ORDER:
        part = trend[trend["risk_level"] == level]
        figure.add_bar(
            name=level,
            x=part["quarter"],
            y=part["objectives"],
            marker_color=RISK_COLORS[level],
            marker_pattern_shape=RISK_PATTERNS[level],
            marker_line={"color": NEUTRAL, "width": 1},
            hovertemplate="%{x}: %{y} objectives at " + level + " risk<extra></extra>",
        )
    figure.update_layout(barmode="stack")
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=list(dict.fromkeys(trend["quarter"])))
    figure.update_yaxes(title="Objectives", dtick=2)
    if trend.empty:
        summary = "No risk levels reported in this period."
    else:
        high = trend[trend["risk_level"].isin(ELEVATED_RISKS)].groupby("quarter", sort=False)["objectives"].sum()
        first, last = trend["quarter"].iloc[0], trend["quarter"].iloc[-1]
        summary = (
            f"Objectives at High or Critical risk went from {int(high.get(first, 0))} in {first} "
            f"to {int(high.get(last, 0))} in {last}."
        )
    figure = quarter_axis(_layout(figure, "How risk levels moved over the quarters"))
    return Chart(figure, summary, trend.drop(columns=["qindex"]))


def progress_trend_chart(trend: pd.DataFrame, title: str = "Progress over the quarters, by goal") -> Chart:
    figure = go.Figure()
    trend = trend.assign(progress=rounded(trend["progress"]).astype(float))
    quarters = list(dict.fromkeys(trend.sort_values("qindex")["quarter"]))
    symbols = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon"]
    for i, (series, part) in enumerate(trend.groupby("series", sort=True)):
        # Reindex on every quarter so a quarter without reports is a gap, not a carried-forward value.
        part = part.set_index("quarter").reindex(quarters)
        figure.add_scatter(
            name=str(series),
            x=quarters,
            y=part["progress"],
            mode="lines+markers",
            connectgaps=False,
            marker={"symbol": symbols[i % len(symbols)], "size": 8},
            hovertemplate=f"{series}, " + "%{x}: %{y:.0f}%<extra></extra>",
        )
    figure.update_xaxes(type="category")
    figure.update_yaxes(range=[0, 105], title="Mean progress (%)")
    if trend.empty:
        summary = "No progress reported in this period."
    else:
        last_q = quarters[-1]
        last = trend[trend["quarter"] == last_q]
        summary = f"In {last_q}, " + "; ".join(f"{r.series} {percent(r.progress)}" for r in last.itertuples()) + "."
    return Chart(quarter_axis(_layout(figure, title)), summary, trend.drop(columns=["qindex"]))


def agency_heatmap_chart(table: pd.DataFrame) -> Chart:
    levels = ["", MISSING] + STATUS_LEVELS[:-1]
    codes = {level: i for i, level in enumerate(levels)}
    z = table.apply(lambda col: col.map(codes)).to_numpy() if not table.empty else []
    text = (
        table.apply(lambda col: col.map(lambda s: status_symbol(s) if s else "")).to_numpy() if not table.empty else []
    )
    hover = table.apply(lambda col: col.map(lambda s: s or "not expected")).to_numpy() if not table.empty else []
    n = len(levels)
    colorscale = []
    for i, level in enumerate(levels):
        color = "#FFFFFF" if level == "" else ("#F2F2F2" if level == MISSING else STATUS_COLORS[level])
        colorscale += [[i / n, color], [(i + 1) / n, color]]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=list(table.columns),
            y=list(table.index),
            zmin=0,
            zmax=n,
            colorscale=colorscale,
            showscale=False,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 16},
            xgap=2,
            ygap=2,
            hoverinfo="skip",
        )
    )
    # Plotly cannot select a heatmap cell, so a click on one would never reach the page: an invisible point at
    # every cell's centre takes the hover and the click instead (the nearest one, so anywhere in the cell).
    cells = [(code, agency) for agency in table.index for code in table.columns]
    figure.add_trace(
        go.Scatter(
            x=[code for code, _ in cells],
            y=[agency for _, agency in cells],
            mode="markers",
            marker={"size": 20, "opacity": 0},
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
            customdata=list(hover.ravel()) if len(cells) else [],
            hovertemplate="%{y} on %{x}: %{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    figure.update_xaxes(type="category", title="Objective", side="top")
    figure.update_yaxes(type="category", autorange="reversed", title=None)
    figure.update_layout(hoverdistance=-1)
    missing = int((table == MISSING).sum().sum()) if not table.empty else 0
    legend = ", ".join(f"{STATUS_SYMBOLS[s]} {s}" for s in [*STATUS_LEVELS[:-1], MISSING])
    summary = f"{missing} owed updates are missing. Key: {legend}; blank = not expected from that agency."
    return Chart(
        _layout(figure, "Latest status by agency and objective", height=max(260, 36 * len(table) + 110)),
        summary,
        table.reset_index(),
    )


def agency_progress_chart(frame: pd.DataFrame) -> Chart:
    frame = frame.assign(progress=rounded(frame["progress"]).astype(float))
    figure = go.Figure(
        go.Bar(
            x=frame["agency"],
            y=frame["progress"].fillna(0),
            marker_color="#0072B2",
            marker_line={"color": NEUTRAL, "width": 1},
            text=[
                percent(p, none="no report") + f"<br>{r}/{e} in"
                for p, r, e in zip(frame["progress"], frame["received"], frame["expected"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: mean progress %{y:.0f}%<extra></extra>",
        )
    )
    figure.update_yaxes(range=[0, 125], title="Mean reported progress (%)", tickvals=[0, 25, 50, 75, 100])
    late = frame[frame["missing"] > 0]
    summary = (
        "Every agency has reported."
        if late.empty
        else "Not yet reported in full: "
        + ", ".join(f"{r.agency} ({r.missing} missing)" for r in late.itertuples())
        + "."
    )
    return Chart(_layout(figure, "Reported progress by agency"), summary, frame)


def objective_timeline_chart(history: pd.DataFrame) -> Chart:
    """Status and risk of one objective (or one agency's reports) across quarters."""
    figure = go.Figure()
    history = history.assign(progress=rounded(history["progress"]).astype(float))
    for status, part in history.groupby("status", sort=False):
        figure.add_scatter(
            name=status_label(str(status)),
            x=part["quarter"],
            y=part["progress"],
            mode="markers",
            marker={
                "symbol": STATUS_MARKERS.get(str(status), "circle"),
                "size": 13,
                "color": status_colour(status, NEUTRAL),
                "line": {"color": NEUTRAL, "width": 1},
            },
            customdata=part["risk_level"],
            hovertemplate="%{x}: %{y:.0f}%, " + str(status) + ", %{customdata} risk<extra></extra>",
        )
    quarters = list(dict.fromkeys(history.sort_values("qindex")["quarter"])) if not history.empty else []
    quarter_axis(figure).update_xaxes(categoryorder="array", categoryarray=quarters)
    figure.update_yaxes(range=[0, 105], title="Progress (%)")
    if history.empty:
        summary = "No updates in this period."
    else:
        last = history.sort_values("qindex").iloc[-1]
        summary = f"Latest ({last.quarter}): {last.status}, {percent(last.progress)} progress, {last.risk_level} risk."
    return Chart(
        quarter_axis(_layout(figure, "Status and progress over the quarters")),
        summary,
        history.drop(columns=["qindex"], errors="ignore"),
    )


def indicator_chart(name: str, unit: str, baseline: float, target: float, values: pd.DataFrame) -> Chart:
    figure = go.Figure()
    figure.add_scatter(
        name="Reported",
        x=values["quarter"],
        y=values["value"],
        mode="lines+markers",
        marker={"symbol": "circle", "size": 8},
        line={"color": "#0072B2"},
        hovertemplate="%{x}: %{y} " + unit + "<extra></extra>",
    )
    figure.add_hline(y=baseline, line_dash="dot", line_color=NEUTRAL, annotation_text=f"Baseline {baseline:g}")
    figure.add_hline(y=target, line_dash="dash", line_color="#009E73", annotation_text=f"Target {target:g}")
    figure.update_yaxes(title=unit)
    if values.empty:
        summary = f"{name}: no values reported yet (baseline {baseline:g}, target {target:g} {unit})."
    else:
        last = values.iloc[-1]
        span = target - baseline
        share = 0 if span == 0 else (last.value - baseline) / span * 100
        summary = (
            f"{name}: {last.value:g} {unit} in {last.quarter}, {percent(share)} of the way from baseline to target."
        )
    return Chart(quarter_axis(_layout(figure, name, height=300)), summary, values)
