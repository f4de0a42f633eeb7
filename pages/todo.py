"""My to-do: updates my agencies have not sent, returned updates to fix, and (for chairs) updates to review.

Every owed or returned update has its own button that opens the Submit page on exactly that update
(``views.todo.TodoItem.submit_params``: ``?objective=1.1&agency=USAID&quarter=2026Q4``); each update waiting for
review opens the Review page on it (``links.review_link``). A saved draft shows when it was saved, in the browser's
time zone (UTC when the page does not know it).
"""

from datetime import UTC, date, datetime

import streamlit as st

from dashboard.domain import links, reporting
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.store import queries
from dashboard.views import todo, update_form
from dashboard.web import cache, gate, identity, widgets

SUBMIT_PAGE = "../pages/submit.py"

st.title("My to-do")
actor, mission_id = gate.require("todo")
today = date.today()
# Owed for the quarter the submit page opens on: the one being reported, never past the strategy's end.
_, quarter = update_form.quarter_options(queries.mission_row(cache.engine(), mission_id), today)
view = todo.build(
    actor,
    cache.expected(cache.database_url(), mission_id),
    cache.submissions(cache.database_url(), mission_id),
    reviewable=identity.reviewable(actor),
    today=today,
    due_days=cache.due_days(cache.database_url(), mission_id),
    quarter=quarter,
    drafts=queries.drafts_frame(cache.engine(), actor.agency_ids, mission_id) if actor.can_submit else None,
    closed=frozenset(cache.closed(cache.database_url(), mission_id)),
)
zone, now = widgets.browser_zone(), datetime.now(UTC)


def item_rows(items: list[todo.TodoItem], verb: str, prefix: str) -> None:
    """One box per update: what it is, its state, and a button (its name unique on the page) that opens the
    Submit page on it."""
    for item, name in zip(items, todo.button_names(verb, items), strict=True):
        with st.container(border=True):
            left, right = st.columns([3, 1], vertical_alignment="center")
            late = f" · {item.days_late} days late" if item.days_late else ""
            state = item.state_text(zone, now)
            left.markdown(f"**{widgets.plain(item.label)}** · {state}{late}  \n{widgets.plain(item.objective_title)}")
            if item.comment:
                left.text(f"Returned by {item.reviewer}: {item.comment}")
            help_text = f"Open the Submit page on {item.label}"
            if right.button(name, key=f"{prefix}_{item.key}", help=help_text, width="stretch", wrap=True):
                st.switch_page(SUBMIT_PAGE, query_params=item.submit_params)


st.caption(view.summary if actor.can_submit else f"{len(view.to_review)} to review")
full = identity.current_actor()  # every post's bindings: is anything owed at another post?
for other in todo.other_posts(full, mission_id):
    row = queries.mission_row(cache.engine(), other)
    there = todo.build(
        full.at_mission(other),
        cache.expected(cache.database_url(), other),
        cache.submissions(cache.database_url(), other),
        reviewable=None,
        today=today,
        due_days=cache.due_days(cache.database_url(), other),
        quarter=update_form.quarter_options(row, today)[1],
        closed=frozenset(cache.closed(cache.database_url(), other)),
    )
    if line := todo.elsewhere_sentence(f"{row.post}, {row.country}", there):
        st.info(f"{widgets.plain(line)} [Open that post's to-do](todo?mission={other})", icon=":material/public:")
if actor.can_submit:
    st.header("Returned to you for fixing", anchor=False)
    if view.returned.empty:
        st.write("No returned updates.")
    item_rows(view.returned_items, "Fix", "todo_fix")
    st.header(f"Not yet submitted for {view.quarter.label}", anchor=False)
    st.caption(reporting.due_sentence(view.quarter, view.due, today) + ".")
    if view.owed.empty:
        st.success(
            f"Nothing owed: every update {widgets.plain(', '.join(actor.agencies))} owes for {view.quarter.label} "
            "is in or returned above."
        )
    item_rows(view.owed_items, "Submit", "todo_submit")
if actor.can_review:
    st.header("Waiting for your review", anchor=False)
    if view.to_review.empty:
        st.write("Nothing is waiting for your review.")
    else:
        st.caption("Select a row to review that update.")
        waiting = view.to_review
        widgets.table_of_links(
            waiting[["code", "objective_title", "agency", "quarter_label", "revision", "author"]],
            [
                links.review_link(code, agency, FiscalQuarter(int(y), int(q)), mission_id)
                for code, agency, y, q in zip(
                    waiting["code"], waiting["agency"], waiting["fiscal_year"], waiting["quarter"], strict=True
                )
            ],
            key="todo_review",
            page=widgets.REVIEW_PAGE,
        )
        if st.button("Open the review page", key="todo_go_review", icon=":material/rule:"):
            st.switch_page(widgets.REVIEW_PAGE)
