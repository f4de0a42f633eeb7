"""Overview: where the strategy stands as of a quarter, by goal, risk and agency.

The headline figures come first; one section at a time below them (progress, objectives, by agency, trend), so
the first screen draws three charts and no table, not eight charts and nine tables. Every chart keeps its
summary and, on demand, its data table. A click on an
objective (a bar, a heatmap cell or a table row) opens the Objective page on that objective and quarter.
"""

import streamlit as st

from dashboard.views.overview import DIRECTION_LABELS, direction_style, objective_code
from dashboard.web import brief_button, cache, sidebar, widgets

SECTIONS = ["Progress", "Objectives", "By agency", "Trend"]
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
st.caption(
    f"As of {quarter.label}: the latest revision of each agency's update for that quarter. "
    "Missing updates show as missing; nothing is carried forward. "
    f"Changes are since {quarter.previous().label}."
)
if view.empty:
    st.info(sidebar.NO_MATCH)
    st.stop()


def open_objective(code: str | None) -> None:
    """Drill down: the Objective page on ``code`` for the quarter shown here."""
    if code:
        st.switch_page(
            "../pages/objective.py",
            query_params={
                "mission": str(filters.mission_id),
                "objective": code,
                "to": f"{quarter.fiscal_year}Q{quarter.quarter}",
            },
        )


def clicked(points: list[dict]) -> str | None:
    """The objective of the first clicked point that stands for one."""
    return next((code for code in map(objective_code, points) if code), None)


def open_from_table(event: object, frame: object, column: str = "code") -> None:
    rows = event.selection.rows if event else []  # type: ignore[attr-defined]
    if rows:
        open_objective(str(frame.iloc[rows[0]][column]))  # type: ignore[attr-defined]


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
st.progress(
    head.received / head.expected if head.expected else 0.0,
    text=f"Updates received: {head.received} of {head.expected} expected for {quarter.label}",
)

section = st.segmented_control(
    "Section", SECTIONS, default=SECTIONS[0], required=True, key="ov_section", label_visibility="collapsed"
)

if section == "Progress":
    left, right = st.columns([3, 2])
    with left:
        open_objective(clicked(widgets.show_chart(view.goals, "ov_goals", data_on_demand=True, selectable=True)))
    with right:
        widgets.show_chart(view.statuses, key="ov_status", data_on_demand=True)
        widgets.show_chart(view.risk_by_goal, key="ov_risk_goal", data_on_demand=True)

    worse = view.changes[view.changes["direction"] == DIRECTION_LABELS["worse"]] if not view.changes.empty else None
    if worse is not None and not worse.empty:
        st.markdown(
            f":red[**▼ Worse since {quarter.previous().label}:**] "
            + "; ".join(
                widgets.plain(f"{r.code} ({r.status_before} → {r.status_now}, {r.risk_before} → {r.risk_now} risk)")
                for r in worse.itertuples()
            )
        )

elif section == "Objectives":
    st.header("What changed since last quarter")
    if view.changes.empty:
        st.info(f"No objective changed status or risk level between {quarter.previous().label} and {quarter.label}.")
    else:
        st.caption("Worse first. Select a row to open the objective.")
        open_from_table(
            st.dataframe(
                view.changes.style.map(direction_style, subset=["direction"]),
                hide_index=True,
                key="ov_changes",
                width="stretch",
                on_select="rerun",
                selection_mode="single-row",
                column_config={
                    **widgets.COLUMN_LABELS,
                    "title": st.column_config.TextColumn("Objective", width="large"),
                },
            ),
            view.changes,
        )

    st.header("Objectives")
    open_from_table(
        st.dataframe(
            view.objectives,
            hide_index=True,
            key="ov_objectives",
            width="stretch",
            height=38 + 35 * len(view.objectives),
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                **widgets.COLUMN_LABELS,
                **NARROW,
                "title": st.column_config.TextColumn("Objective", width="large"),
                "progress": st.column_config.ProgressColumn(
                    "Progress", format="%.0f%%", min_value=0, max_value=100, width="small"
                ),
            },
        ),
        view.objectives,
    )
    st.caption("Select a row to open the objective.")


elif section == "By agency":
    st.header("By agency")
    open_objective(clicked(widgets.show_chart(view.heatmap, "ov_heatmap", data_on_demand=True, selectable=True)))
    a_left, a_right = st.columns(2)
    with a_left:
        widgets.show_chart(view.agencies, key="ov_agency", data_on_demand=True)
    with a_right:
        st.subheader("Not yet reported", anchor=False)
        if view.missing.empty:
            st.success(f"Every expected update for {quarter.label} is in.")
        else:
            open_from_table(
                st.dataframe(
                    view.missing,
                    hide_index=True,
                    key="ov_missing",
                    width="stretch",
                    on_select="rerun",
                    selection_mode="single-row",
                    column_config=widgets.COLUMN_LABELS,
                ),
                view.missing,
            )

else:
    st.header("Trend")
    widgets.show_chart(view.trend_goal, key="ov_trend_goal", data_on_demand=True)
    widgets.show_chart(view.trend_risk, key="ov_risk_trend", data_on_demand=True)
    widgets.show_chart(view.trend_objective, key="ov_trend_objective", data_on_demand=True)

st.header("Download")
url, mission_id = cache.database_url(), filters.mission_id
# One column per download; another format is one more entry here.
downloads = [
    ("Download CSV", "csv", f"ics-updates-{quarter.label}.csv", "text/csv", "ov_csv"),
    (
        "Download Excel",
        "xlsx",
        f"ics-updates-{quarter.label}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ov_xlsx",
    ),
]
for column, (label, kind, file_name, mime, key) in zip(st.columns(len(downloads)), downloads, strict=True):
    column.download_button(
        label,
        lambda kind=kind: cache.export_bytes(url, mission_id, filters, kind),
        file_name=file_name,
        mime=mime,
        key=key,
    )

brief_button.brief_buttons(filters)
