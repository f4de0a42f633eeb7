"""My to-do: updates my agencies owe, returned updates to fix, and (for chairs) updates to review."""

from datetime import date

import streamlit as st

from dashboard import identity, submit_view, todo_view, ui
from dashboard.settings import Settings

actor = identity.current_actor()
st.title("My to-do")
mission_id = ui.pick_mission("todo_mission")
if mission_id is None:
    st.stop()
settings = Settings.from_env()
today = date.today()
# Owed for the quarter the submit page opens on: the one being reported, never past the strategy's end.
_, quarter = submit_view.quarter_options(submit_view.mission(ui.engine(), mission_id), today)
view = todo_view.build(
    actor,
    ui.expected(ui.database_url(), mission_id),
    ui.submissions(ui.database_url(), mission_id),
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
        st.dataframe(todo_view.table(view.owed), hide_index=True, key="todo_owed", width="stretch")
    st.header("Returned to you for fixing", anchor=False)
    if view.returned.empty:
        st.write("No returned updates.")
    else:
        st.dataframe(todo_view.table(view.returned), hide_index=True, key="todo_returned", width="stretch")
    if st.button("Open the submit page", key="todo_go_submit", icon=":material/edit_note:"):
        st.switch_page("../pages/submit.py")
if actor.can_review:
    st.header("Waiting for your review", anchor=False)
    if view.to_review.empty:
        st.write("Nothing is waiting for your review.")
    else:
        st.dataframe(todo_view.table(view.to_review), hide_index=True, key="todo_review", width="stretch")
        if st.button("Open the review page", key="todo_go_review", icon=":material/rule:"):
            st.switch_page("../pages/review.py")
