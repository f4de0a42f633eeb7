"""Agency page: everything one agency reports on, what it has sent and what it still owes.

Quarters before the mission's first reporting quarter (``reporting.first_reporting_quarter``) are never missed.
A row of either table opens its objective.
"""

import streamlit as st

from dashboard.domain import aggregation, links, reporting
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.numbers import percent
from dashboard.store import queries
from dashboard.views import charts
from dashboard.web import cache, identity, sidebar, widgets

st.title("Agency")
filters, view = sidebar.filtered_view("ag")
quarter = view.quarter
mission_id = int(filters.mission_id or 0)
first = reporting.first_reporting_quarter(queries.mission_row(cache.engine(), mission_id))

agencies = sorted(view.expected["agency"].unique())
# The agency in the link, else the signed-in user's own, else the first.
mine = [a for a in (*filters.agencies[:1], *identity.current_actor().agencies) if a in agencies]
default = mine[0] if mine else agencies[0]
agency = st.selectbox("Agency", agencies, index=agencies.index(default), key="ag_pick")
owed = view.expected[view.expected["agency"] == agency]
agency_id = int(owed["agency_id"].iloc[0])

pairs = aggregation.received_pairs(owed, view.updates, quarter)
c1, c2, c3 = st.columns(3)
c1.metric("Objectives reported on", f"{pairs['objective_id'].nunique()}")
c2.metric(f"Updates in for {quarter.label}", f"{int(pairs['received'].sum())} of {len(pairs)}")
mean = pairs["progress"].dropna()
c3.metric("Mean reported progress", percent(mean.mean() if not mean.empty else None))

st.header(f"{widgets.plain(agency)} objectives, {quarter.label}", anchor=False)
st.caption("Select a row to open its objective.")
# The short figures first, so they stay in view on a narrow screen; the long title and group wrap after them.
columns = ["code", "status", "progress", "risk_level", "role", "objective_title", "working_group"]
table = pairs.assign(status=pairs["status"].fillna(aggregation.MISSING))[columns]
widgets.table_of_links(
    table,
    [links.objective_link(code, quarter, mission_id) for code in table["code"]],
    key="ag_table",
    config=widgets.column_config(columns, working_group=st.column_config.TextColumn("Working group", width=180)),
)

st.header("Missed updates", anchor=False)
start = reporting.owed_from(filters.start, first)
missed = aggregation.missed_quarters(owed, view.updates, start, quarter)
if missed.empty:
    st.success(f"{widgets.plain(agency)} has sent every expected update in this period.")
else:
    st.caption(
        f"{len(missed)} expected updates were not sent between {start.label} and {quarter.label} "
        f"(reporting began in {first.label}). Select a row to open its objective."
    )
    widgets.table_of_links(
        missed,
        [
            links.objective_link(code, FiscalQuarter.parse(label), mission_id)
            for code, label in zip(missed["code"], missed["quarter"], strict=True)
        ],
        key="ag_missed",
    )

history = aggregation.agency_history(view.updates, agency_id, view.expected)
trend = history.rename(columns={"code": "series"})[["qindex", "quarter", "series", "progress"]]
widgets.show_chart(
    charts.progress_trend_chart(trend, title=f"{agency}: reported progress by objective"), key="ag_trend"
)
