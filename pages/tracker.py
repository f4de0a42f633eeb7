"""Reporting tracker: expected against received per quarter, what is outstanding, and how many days late.

Chairs' return comments are shown only to those with a right to read them (``reporting.with_visible_comments``).
A row of the outstanding table opens its objective.
"""

from datetime import date

import streamlit as st

from dashboard.domain import links, reporting
from dashboard.store import queries
from dashboard.views import update_form
from dashboard.web import cache, gate, identity, widgets

st.title("Reporting tracker")
actor, mission_id = gate.require("tracker")
today = date.today()
url = cache.database_url()
due_days = cache.due_days(url, mission_id)  # the mission's own, else ICS_DUE_DAYS
expected = cache.expected(url, mission_id)
received = cache.submissions(url, mission_id)
quarters, default = update_form.quarter_options(queries.mission_row(cache.engine(), mission_id), today)
quarter = st.selectbox(
    "Quarter", quarters, index=quarters.index(default), format_func=lambda q: q.label, key="tracker_quarter"
)
due = reporting.due_date(quarter, due_days)
rows = reporting.outstanding(expected, received, quarter, today=today, due_days=due_days)
summary = reporting.tracker(expected, received, [quarter], today=today, due_days=due_days).iloc[0]

c1, c2, c3, c4 = st.columns(4)
c1.metric("Expected", int(summary["expected"]))
c2.metric("Received", int(summary["received"]))
c3.metric("Waiting for review", int(summary["awaiting_review"]))
c4.metric("Outstanding", len(rows), help="Not submitted, or returned for fixing.")
st.caption(f"{reporting.due_sentence(quarter, due, today)} ({due_days} days after the quarter's last day).")

st.header("Outstanding", anchor=False)
if nothing := reporting.nothing_owed(expected, quarter):
    st.info(nothing)
elif rows.empty:
    st.success(f"Every expected update for {quarter.label} is in.")
else:
    columns = ["code", "agency", "state", "days_late", "objective_title"]
    readers = actor.signed_in and (actor.can_review or actor.can_submit)
    if readers:  # anonymous visitors and viewers never see chairs' return comments
        rows = reporting.with_visible_comments(rows, actor, identity.reviewable(actor))
        columns.append("review_comment")
    st.caption("Select a row to open its objective.")
    widgets.table_of_links(
        rows[columns],
        [links.objective_link(code, quarter, mission_id) for code in rows["code"]],
        key="tracker_outstanding",
        config=widgets.column_config(
            columns,
            code=st.column_config.TextColumn("Objective", width="small"),
            agency=st.column_config.TextColumn("Agency", width="small"),
            state=st.column_config.TextColumn("State", width=105),
            objective_title=st.column_config.TextColumn("Title", width=widgets.WIDE_WIDTH),
            days_late=st.column_config.NumberColumn("Days late", format="%d", help="Days since the due date."),
        ),
    )
    for column, label in (("working_group", "Working group"), ("agency", "Agency")):
        st.subheader(f"Overdue by {label.lower()}", anchor=False)
        overdue = reporting.overdue_by(rows, column)
        if overdue.empty:
            st.write("Nothing overdue yet.")
        else:
            st.dataframe(
                overdue,
                hide_index=True,
                key=f"tracker_by_{column}",
                width="stretch",
                column_config=widgets.column_config(
                    list(overdue.columns),
                    overdue=st.column_config.NumberColumn("Overdue", width="small"),
                    objectives=st.column_config.TextColumn("Objectives", width="medium"),
                ),
            )

st.header("Every quarter", anchor=False)
history = reporting.tracker(expected, received, list(reversed(quarters)), today=today, due_days=due_days)
st.dataframe(
    history,
    hide_index=True,
    key="tracker_history",
    width="stretch",
    column_config={name: name.replace("_", " ").capitalize() for name in history.columns}
    | {
        "awaiting_review": st.column_config.NumberColumn("Waiting", help="Submitted, waiting for review."),
        "due": st.column_config.DateColumn("Due", format="D MMM YY"),
    },
)
