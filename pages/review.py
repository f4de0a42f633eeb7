"""Review: a working-group chair approves submitted updates or returns them with a comment."""

import streamlit as st

from dashboard.domain import reporting
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import submissions
from dashboard.views import todo, update_form
from dashboard.web import cache, gate, identity, widgets, writes
from models.fields import FIELD_LABELS, NARRATIVE_FIELDS, UpdateKey
from models.scales import ReviewState

st.title("Review")
actor, mission_id = gate.require("review", "can_review")
widgets.show_flash("review_flash")

url = cache.database_url()
submitted = reporting.open_only(cache.submissions(url, mission_id), frozenset(cache.closed(url, mission_id)))
queue = reporting.to_review(cache.expected(url, mission_id), submitted, identity.reviewable(actor), actor.email)
if queue.empty:
    st.success("Nothing is waiting for your review.")
    st.stop()

waiting = "1 submitted update is" if len(queue) == 1 else f"{len(queue)} submitted updates are"
st.caption(f"{waiting} waiting for a decision on your working groups' objectives.")
st.dataframe(
    todo.table(
        queue,
        ["code", "agency", "quarter_label", "revision", "author", "status", "progress", "risk_level", "working_group"],
    ),
    hide_index=True,
    key="review_queue",
    width="stretch",
)

labels = {
    int(r.status_update_id): f"{r.code} · {r.agency} · {r.quarter_label} · revision {r.revision} by {r.author}"
    for r in queue.itertuples()
}
if note := update_form.follow_review_link(st.session_state, st.query_params, queue):  # e.g. a row of My to-do
    st.info(widgets.plain(note), icon=":material/link_off:")
chosen = st.selectbox(
    "Update to review",
    list(labels),
    format_func=labels.get,
    key=update_form.REVIEW_PICK,
    on_change=update_form.remember_pick,
    args=(st.session_state, st.query_params, queue),
)
row = queue.set_index("status_update_id").loc[chosen]
key = UpdateKey(int(row["objective_id"]), int(row["agency_id"]), int(row["fiscal_year"]), int(row["quarter"]))
context = update_form.load(cache.engine(), key)
latest = context.latest
assert latest is not None

st.subheader(widgets.plain(f"{row['code']} · {row['objective_title']}"), anchor=False)
st.text(
    f"{row['agency']}, {row['quarter_label']}: "
    f"{latest.status} · {latest.progress}% · risk {latest.risk_level}\n"
    f"Revision {latest.revision} by {latest.author}, {latest.created_at:%d %b %Y %H:%M} UTC"
)
left, right = st.columns(2, gap="large")
with left:
    st.markdown(f"**Revision {latest.revision}, to review**")
    for name in NARRATIVE_FIELDS:
        widgets.plain_text_block(FIELD_LABELS[name], getattr(latest, name))
with right:
    st.markdown("**Earlier review decisions**")
    trail = update_form.trail_lines(context.history)
    st.text("\n\n".join(trail) if trail else "None yet.")
    if context.indicators:
        st.markdown("**Indicators**")
        st.dataframe(update_form.indicator_frame(context), hide_index=True, key="review_indicators", width="stretch")
    previous = context.previous
    with st.expander(
        f"Previous quarter, {FiscalQuarter(key.fiscal_year, key.quarter).previous().label}", icon=":material/history:"
    ):
        if previous is None:
            st.write("No update for the previous quarter.")
        else:
            st.text(
                f"{previous.status} · {previous.progress}% · risk {previous.risk_level}\n"
                f"Revision {previous.revision} by {previous.author} ({update_form.state_label(previous.state)})"
            )
            for name in NARRATIVE_FIELDS:
                widgets.plain_text_block(FIELD_LABELS[name], getattr(previous, name))

# The comparisons run the full width as plain text that wraps, so no column is ever cut off.
compared = update_form.comparisons(context.history)
if not compared:
    st.write("First revision of this update: nothing earlier to compare with.")
for heading, changes in compared:
    st.markdown(f"**{heading}**")
    if not changes:
        st.write("No field changed.")
        continue
    with st.container(border=True):
        head = st.columns([1, 3, 3])
        for column, name in zip(head, ("Field", "Before", "After"), strict=True):
            column.markdown(f"**{name}**")
        for label, before, after in changes:
            cells = st.columns([1, 3, 3])
            cells[0].text(label)
            cells[1].text(before or "—")
            cells[2].text(after or "—")

with st.form("review_form"):
    comment = st.text_area(
        "Comment (required to return; the submitter sees it)",
        max_chars=submissions.COMMENT_MAX_CHARS,
        key=f"review_comment_{chosen}",  # one box per update: a comment never carries over to the next decision
    )
    a, b = st.columns(2)
    # Approving is not the page's one red call to action: both decisions weigh the same.
    approve = a.form_submit_button("Approve", icon=":material/check_circle:", width="stretch")
    send_back = b.form_submit_button("Return with comment", icon=":material/undo:", width="stretch")

if approve or send_back:
    decision = ReviewState.APPROVED.value if approve else ReviewState.RETURNED.value
    writes.run_write(
        "review_flash",
        f"{labels[chosen]}: {decision}.",
        lambda session: submissions.review(
            session=session, actor_email=actor.email, status_update_id=int(chosen), decision=decision, comment=comment
        ),
        stale={
            submissions.Conflict: lambda conflict: (
                f"A newer revision ({conflict.current.revision}) was submitted meanwhile. Review that one instead."
            )
        },
    )
