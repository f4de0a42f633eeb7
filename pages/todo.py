"""My to-do: updates my agencies owe, returned updates to fix, and (for chairs) updates to review."""

from datetime import date

import streamlit as st

from dashboard.settings import Settings
from dashboard.store import queries
from dashboard.views import todo, update_form
from dashboard.web import cache, gate, identity

st.title("My to-do")
actor, mission_id = gate.require("todo")
settings = Settings.from_env()
today = date.today()
# Owed for the quarter the submit page opens on: the one being reported, never past the strategy's end.
_, quarter = update_form.quarter_options(queries.mission_row(cache.engine(), mission_id), today)
view = todo.build(
    actor,
    cache.expected(cache.database_url(), mission_id),
    cache.submissions(cache.database_url(), mission_id),
    reviewable=identity.reviewable(actor),
    today=today,
    due_days=settings.due_days,
    quarter=quarter,
)

st.caption(view.summary)
if actor.can_submit:
    st.header(f"Owed for {view.quarter.label} (due {view.due:%d %b %Y})", anchor=False)
    if view.owed.empty:
        st.success(f"Nothing owed: every update {', '.join(actor.agencies)} owes for {view.quarter.label} is in.")
    else:
        st.dataframe(todo.table(view.owed), hide_index=True, key="todo_owed", width="stretch")
    st.header("Returned to you for fixing", anchor=False)
    if view.returned.empty:
        st.write("No returned updates.")
    else:
        st.dataframe(todo.table(view.returned), hide_index=True, key="todo_returned", width="stretch")
    if st.button("Open the submit page", key="todo_go_submit", icon=":material/edit_note:"):
        st.switch_page("../pages/submit.py")
if actor.can_review:
    st.header("Waiting for your review", anchor=False)
    if view.to_review.empty:
        st.write("Nothing is waiting for your review.")
    else:
        st.dataframe(todo.table(view.to_review), hide_index=True, key="todo_review", width="stretch")
        if st.button("Open the review page", key="todo_go_review", icon=":material/rule:"):
            st.switch_page("../pages/review.py")
