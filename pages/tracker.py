"""Reporting tracker: expected against received per quarter, what is outstanding, and who is overdue."""

from datetime import date

import streamlit as st

from dashboard.domain import reporting
from dashboard.settings import Settings
from dashboard.store import queries
from dashboard.views import todo, update_form
from dashboard.web import cache, gate

st.title("Reporting tracker")
actor, mission_id = gate.require("tracker")
settings = Settings.from_env()
today = date.today()
url = cache.database_url()
expected = cache.expected(url, mission_id)
received = cache.submissions(url, mission_id)
quarters, default = update_form.quarter_options(queries.mission_row(cache.engine(), mission_id), today)
quarter = st.selectbox(
    "Quarter", quarters, index=quarters.index(default), format_func=lambda q: q.label, key="tracker_quarter"
)
due = reporting.due_date(quarter, settings.due_days)
rows = reporting.outstanding(expected, received, quarter, today=today, due_days=settings.due_days)
summary = reporting.tracker(expected, received, [quarter], today=today, due_days=settings.due_days).iloc[0]

c1, c2, c3, c4 = st.columns(4)
c1.metric("Expected", int(summary["expected"]))
c2.metric("Received", int(summary["received"]))
c3.metric("Waiting for review", int(summary["awaiting_review"]))
c4.metric("Outstanding", len(rows), help="Not submitted, or returned for fixing.")
state = "overdue" if today > due else "due"
st.caption(f"{quarter.label} updates are {state} on {due:%d %b %Y} ({settings.due_days} days after the quarter ends).")

st.header("Outstanding", anchor=False)
if rows.empty:
    st.success(f"Every expected update for {quarter.label} is in.")
else:
    st.dataframe(
        todo.table(rows, ["code", "agency", "working_group", "state", "overdue", "review_comment"]),
        hide_index=True,
        key="tracker_outstanding",
        width="stretch",
    )
    for box, column, label in zip(st.columns(2), ("working_group", "agency"), ("Working group", "Agency"), strict=True):
        with box:
            st.subheader(f"Overdue by {label.lower()}", anchor=False)
            overdue = reporting.overdue_by(rows, column)
            if overdue.empty:
                st.write("Nothing overdue yet.")
            else:
                st.dataframe(
                    overdue.rename(columns={column: label, "overdue": "Overdue", "objectives": "Objectives"}),
                    hide_index=True,
                    key=f"tracker_by_{column}",
                )

st.header("Every quarter", anchor=False)
history = reporting.tracker(expected, received, list(reversed(quarters)), today=today, due_days=settings.due_days)
st.dataframe(
    history.rename(columns=lambda c: c.replace("_", " ").capitalize()),
    hide_index=True,
    key="tracker_history",
    width="stretch",
)
