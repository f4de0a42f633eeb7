"""Quarters: the mission's closed quarters, each a record that holds, and what moved between two of them.

The comparison reads the two records only (``views.quarter_compare``); a row opens its objective."""

import streamlit as st

from dashboard.domain import links
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.views import quarter_compare, quarter_record
from dashboard.web import cache, gate, widgets

st.title("Closed quarters")
actor, mission_id = gate.require("quarters")
url = cache.database_url()
closed = cache.closed(url, mission_id)
if not closed:
    st.info(
        "No quarter of this mission has been closed yet. An admin closes a quarter once it is over (Admin, Quarters)."
    )
    st.stop()
quarters = [FiscalQuarter.of_index(q) for q in sorted(closed, reverse=True)]
st.dataframe(quarter_record.closed_frame(closed), hide_index=True, key="q_closed", width="stretch")
if len(quarters) < 2:
    st.info("Two closed quarters are needed to compare; one is closed so far.")
    st.stop()
st.header("What moved between two closed quarters")
left, right = st.columns(2)
later = left.selectbox("Quarter", quarters, format_func=lambda q: q.label, key="q_later")
earlier = right.selectbox("Compared with", quarters, index=1, format_func=lambda q: q.label, key="q_earlier")
try:
    first, second = sorted((earlier, later))
    rows = quarter_compare.compare(*quarter_compare.records(closed, first, second))
except quarter_compare.NotComparable as exc:
    st.info(widgets.plain(str(exc)))
    st.stop()
st.caption(widgets.plain(quarter_compare.sentence(rows, first, second)) + " Select a row to open the objective.")
if not rows.empty:
    picked = st.dataframe(
        rows,
        hide_index=True,
        key="q_compare",
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "code": st.column_config.TextColumn("Code", width="small"),
            "title": st.column_config.TextColumn("Objective", width="medium"),
            "change": st.column_config.TextColumn("What", width="medium"),
            "before": st.column_config.TextColumn(first.label, width="medium"),
            "after": st.column_config.TextColumn(second.label, width="medium"),
            "direction": st.column_config.TextColumn("Direction", width="small"),
        },
    )
    if picked and picked.selection.rows:
        code = str(rows.iloc[picked.selection.rows[0]]["code"])
        st.switch_page("../pages/objective.py", query_params=links.objective_link(code, second, mission_id))
