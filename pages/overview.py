"""Overview: where the strategy stands as of a quarter, by goal, risk and agency."""

import streamlit as st

from dashboard.web import brief_button, cache, sidebar, widgets

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
    "Missing updates show as missing; nothing is carried forward."
)
if view.empty:
    st.info(sidebar.NO_MATCH)
    st.stop()

head = view.headline
cols = st.columns(6)
cols[0].metric("On track", f"{head.status_counts['On track']}")
cols[1].metric("At risk", f"{head.status_counts['At risk']}")
cols[2].metric("Off track", f"{head.status_counts['Off track']}")
cols[3].metric("Completed", f"{head.status_counts['Completed']}")
cols[4].metric("Mean progress", "—" if head.mean_progress is None else f"{head.mean_progress:.0f}%")
cols[5].metric("High or Critical risk", f"{head.high_risk}")
st.progress(
    head.received / head.expected if head.expected else 0.0,
    text=f"Updates received: {head.received} of {head.expected} expected for {quarter.label}",
)

left, right = st.columns([3, 2])
with left:
    widgets.show_chart(view.goals, key="ov_goals")
with right:
    widgets.show_chart(view.statuses, key="ov_status")
    widgets.show_chart(view.risk_by_goal, key="ov_risk_goal")

st.header("What changed since last quarter")
if view.changes.empty:
    st.info(f"No objective changed status or risk level between {quarter.previous().label} and {quarter.label}.")
else:
    st.dataframe(view.changes, hide_index=True, key="ov_changes", width="stretch", column_config=widgets.COLUMN_LABELS)

st.header("Objectives")
st.dataframe(
    view.objectives,
    hide_index=True,
    key="ov_objectives",
    width="stretch",
    column_config={
        **widgets.COLUMN_LABELS,
        "progress": st.column_config.ProgressColumn("Progress", format="%.0f%%", min_value=0, max_value=100),
    },
)

st.header("By agency")
widgets.show_chart(view.heatmap, key="ov_heatmap")
a_left, a_right = st.columns(2)
with a_left:
    widgets.show_chart(view.agencies, key="ov_agency")
with a_right:
    st.subheader("Not yet reported", anchor=False)
    if view.missing.empty:
        st.success(f"Every expected update for {quarter.label} is in.")
    else:
        st.dataframe(
            view.missing, hide_index=True, key="ov_missing", width="stretch", column_config=widgets.COLUMN_LABELS
        )

st.header("Trend")
t_left, t_right = st.columns(2)
with t_left:
    widgets.show_chart(view.trend_goal, key="ov_trend_goal")
with t_right:
    widgets.show_chart(view.trend_risk, key="ov_risk_trend")
with st.expander("Progress over the quarters, by objective"):
    widgets.show_chart(view.trend_objective, key="ov_trend_objective")

st.header("Download")
url, mission_id = cache.database_url(), filters.mission_id
d1, d2 = st.columns(2)
d1.download_button(
    "Download CSV",
    lambda: cache.export_bytes(url, mission_id, filters, "csv"),
    file_name=f"ics-updates-{quarter.label}.csv",
    mime="text/csv",
    key="ov_csv",
)
d2.download_button(
    "Download Excel",
    lambda: cache.export_bytes(url, mission_id, filters, "xlsx"),
    file_name=f"ics-updates-{quarter.label}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="ov_xlsx",
)

brief_button.brief_buttons(filters)
