"""Agency page: everything one agency reports on, what it has sent and what it still owes."""

import streamlit as st

from dashboard.domain import aggregation
from dashboard.views import charts
from dashboard.web import sidebar, widgets

st.title("Agency")
filters, view = sidebar.filtered_view("ag")
quarter = view.quarter

agencies = sorted(view.expected["agency"].unique())
default = filters.agencies[0] if len(filters.agencies) == 1 and filters.agencies[0] in agencies else agencies[0]
agency = st.selectbox("Agency", agencies, index=agencies.index(default), key="ag_pick")
owed = view.expected[view.expected["agency"] == agency]
agency_id = int(owed["agency_id"].iloc[0])

pairs = aggregation.received_pairs(owed, view.updates, quarter)
missing = pairs[~pairs["received"]]
c1, c2, c3 = st.columns(3)
c1.metric("Objectives reported on", f"{owed['objective_id'].nunique()}")
c2.metric(f"Updates in for {quarter.label}", f"{int(pairs['received'].sum())} of {len(pairs)}")
mean = pairs["progress"].dropna()
c3.metric("Mean reported progress", "—" if mean.empty else f"{mean.mean():.0f}%")

st.header(f"{agency} objectives, {quarter.label}", anchor=False)
table = pairs.assign(status=pairs["status"].fillna(aggregation.MISSING))[
    ["code", "objective_title", "role", "status", "progress", "risk_level", "working_group"]
]
st.dataframe(table, hide_index=True, key="ag_table", width="stretch")

st.header("Missed updates", anchor=False)
missed = aggregation.missed_quarters(owed, view.updates, filters.start, quarter)
if missed.empty:
    st.success(f"{agency} has sent every expected update in this period.")
else:
    st.caption(f"{len(missed)} expected updates were not sent in the selected quarters.")
    st.dataframe(missed, hide_index=True, key="ag_missed", width="stretch")

history = aggregation.agency_history(view.updates, agency_id, view.expected)
trend = history.rename(columns={"code": "series"})[["qindex", "quarter", "series", "progress"]]
widgets.show_chart(
    charts.progress_trend_chart(trend, title=f"{agency}: reported progress by objective"), key="ag_trend"
)
