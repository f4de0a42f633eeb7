"""Overview: where the strategy stands as of a quarter, by goal, risk and agency.

The headline figures come first; one section at a time below them (progress, objectives, by agency, evidence,
trend), so the first screen draws three charts and no table. Every chart keeps its summary and, on demand, its
data table. A click on an objective (a bar, a heatmap cell or a table row) opens it on the Objective page.
"""

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.domain import links
from dashboard.views import overview
from dashboard.views.charts import Chart
from dashboard.web import brief_button, cache, evidence_section, sidebar, widgets

SECTIONS = ["Progress", "Objectives", "By agency", "Evidence", "Trend"]
# Short values in narrow columns, so the objective's title has the room at 1024 px.
NARROW = {
    name: st.column_config.Column(widgets.COLUMN_LABELS[name], width="small")
    for name in ("code", "status", "risk_level", "reports", "expected")
}

st.title("Strategy progress")
picked = sidebar.sidebar_filters("ov")
if picked is None:
    st.stop()
filters = picked[0]
assert filters.end is not None and filters.mission_id is not None
quarter = filters.end
view = cache.overview_bundle(cache.database_url(), filters.mission_id, filters)
st.caption(overview.as_of_caption(quarter, cache.recorded_at(cache.database_url(), filters.mission_id, quarter)))
if view.empty:
    st.info(sidebar.nothing_shown(picked[1], quarter))
    st.stop()


def open_objective(code: str | None) -> None:
    """Drill down: the Objective page on ``code`` for the quarter shown here."""
    if code:
        st.switch_page("../pages/objective.py", query_params=links.objective_link(code, quarter, filters.mission_id))


def clickable_chart(chart: Chart, key: str) -> None:
    """A chart whose objective points (bars, heatmap cells) open their objective."""
    open_objective(overview.clicked_objective(widgets.show_chart(chart, key, data_on_demand=True, selectable=True)))


def objective_table(data: Any, frame: pd.DataFrame, key: str, **options: Any) -> None:
    """A table whose selected row opens its objective (``frame``'s ``code``); ``data`` is ``frame`` or its style."""
    event = st.dataframe(
        data, hide_index=True, key=key, width="stretch", on_select="rerun", selection_mode="single-row", **options
    )
    open_objective(overview.selected_code(event.selection.rows if event else [], frame))


head = view.headline
for col, metric in zip(st.columns(len(view.metrics)), view.metrics, strict=True):
    col.metric(
        metric.label,
        metric.value,
        delta=metric.delta,
        delta_color=metric.delta_color,  # type: ignore[arg-type]
        delta_arrow=metric.delta_arrow,  # type: ignore[arg-type]
        help=metric.help,
    )
share, received = overview.received_bar(head, quarter)
st.progress(share, text=received)

section = st.segmented_control(
    "Section", SECTIONS, default=SECTIONS[0], required=True, key="ov_section", label_visibility="collapsed"
)

if section == "Progress":
    left, right = st.columns([3, 2])
    with left:
        clickable_chart(view.goals, "ov_goals")
    with right:
        widgets.show_chart(view.statuses, key="ov_status", data_on_demand=True)
        widgets.show_chart(view.risk_by_goal, key="ov_risk_goal", data_on_demand=True)
    worse = overview.worse_items(view.changes)
    if worse:
        st.markdown(f":red[**▼ Worse since {quarter.previous().label}:**] " + "; ".join(map(widgets.plain, worse)))

elif section == "Objectives":
    st.header("What changed since last quarter")
    if view.changes.empty:
        st.info(f"No objective changed status or risk level between {quarter.previous().label} and {quarter.label}.")
    else:
        st.caption("Worse first. Select a row to open the objective.")
        objective_table(
            view.changes.style.map(overview.direction_style, subset=["direction"]),
            view.changes,
            "ov_changes",
            column_config={**widgets.COLUMN_LABELS, "title": st.column_config.TextColumn("Objective", width="large")},
        )

    st.header("Objectives")
    objective_table(
        view.objectives,
        view.objectives,
        "ov_objectives",
        height=38 + 35 * len(view.objectives),
        column_config={
            **widgets.COLUMN_LABELS,
            **NARROW,
            "title": st.column_config.TextColumn("Objective", width="large"),
            "progress": st.column_config.ProgressColumn(
                "Progress", format="%.0f%%", min_value=0, max_value=100, width="small"
            ),
        },
    )
    st.caption("Select a row to open the objective.")

elif section == "By agency":
    st.header("By agency")
    clickable_chart(view.heatmap, "ov_heatmap")
    a_left, a_right = st.columns(2)
    with a_left:
        widgets.show_chart(view.agencies, key="ov_agency", data_on_demand=True)
    with a_right:
        st.subheader("Not yet reported", anchor=False)
        if view.missing.empty:
            st.success(f"Every expected update for {quarter.label} is in.")
        else:
            objective_table(view.missing, view.missing, "ov_missing", column_config=widgets.COLUMN_LABELS)

elif section == "Evidence":
    evidence_section.overview_evidence(filters.mission_id, quarter)

else:
    st.header("Trend")
    widgets.show_chart(view.trend_goal, key="ov_trend_goal", data_on_demand=True)
    widgets.show_chart(view.trend_risk, key="ov_risk_trend", data_on_demand=True)
    widgets.show_chart(view.trend_objective, key="ov_trend_objective", data_on_demand=True)

st.header("Download")
url, mission_id = cache.database_url(), filters.mission_id
downloads = overview.downloads(quarter)
for column, item in zip(st.columns(len(downloads)), downloads, strict=True):
    column.download_button(
        item.label,
        lambda kind=item.kind: cache.export_bytes(url, mission_id, filters, kind),
        file_name=item.file_name,
        mime=item.mime,
        key=item.key,
    )

brief_button.brief_buttons(filters)
