"""My to-do: updates my agencies have not sent, returned updates to fix, and (for chairs) updates to review.

Every owed or returned update has its own button that opens the Submit page on exactly that update
(``views.todo.TodoItem.submit_params``: ``?objective=1.1&agency=USAID&quarter=2026Q4``).
"""

from datetime import date

import streamlit as st

from dashboard.domain import links
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.store import queries
from dashboard.views import todo, update_form
from dashboard.web import cache, config, gate, identity, widgets

SUBMIT_PAGE = "../pages/submit.py"

st.title("My to-do")
actor, mission_id = gate.require("todo")
settings = config.settings()
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


def item_row(item: todo.TodoItem, action: str, key: str) -> None:
    """One update: what it is, its state, and a button that opens the Submit page on it."""
    with st.container(border=True):
        left, right = st.columns([5, 1], vertical_alignment="center")
        late = f" · {item.days_late} days late" if item.days_late else ""
        left.markdown(f"**{widgets.plain(item.label)}** · {item.state}{late}  \n{widgets.plain(item.objective_title)}")
        if item.comment:
            left.text(f"Returned by {item.reviewer}: {item.comment}")
        if right.button(action, key=key, help=f"Open the Submit page on {item.label}", width="stretch"):
            st.switch_page(SUBMIT_PAGE, query_params=item.submit_params)


st.caption(view.summary if actor.can_submit else f"{len(view.to_review)} to review")
if actor.can_submit:
    st.header("Returned to you for fixing", anchor=False)
    if view.returned.empty:
        st.write("No returned updates.")
    for item in view.returned_items:
        item_row(item, f"Fix {item.code}", f"todo_fix_{item.key}")
    st.header(f"Not yet submitted for {view.quarter.label} (due {view.due:%d %b %Y})", anchor=False)
    if view.owed.empty:
        st.success(
            f"Nothing owed: every update {widgets.plain(', '.join(actor.agencies))} owes for {view.quarter.label} "
            "is in or returned above."
        )
    for item in view.owed_items:
        item_row(item, f"Submit {item.code}", f"todo_submit_{item.key}")
if actor.can_review:
    st.header("Waiting for your review", anchor=False)
    if view.to_review.empty:
        st.write("Nothing is waiting for your review.")
    else:
        st.caption("Select a row to open its objective.")
        waiting = view.to_review
        widgets.table_to_objectives(
            waiting[["code", "objective_title", "agency", "quarter_label", "revision", "author"]],
            [
                links.objective_link(code, FiscalQuarter(int(y), int(q)), mission_id)
                for code, y, q in zip(waiting["code"], waiting["fiscal_year"], waiting["quarter"], strict=True)
            ],
            key="todo_review",
        )
        if st.button("Open the review page", key="todo_go_review", icon=":material/rule:"):
            st.switch_page("../pages/review.py")
