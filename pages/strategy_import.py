"""Import strategy (admins): upload a post's ICS, review the parsed strategy, warnings and changes, then apply."""

from datetime import date

import streamlit as st

from dashboard.formats.ics_document import IcsParseError
from dashboard.services.strategy_import import apply_import, retirement_sentence
from dashboard.views import strategy_import as view
from dashboard.web import cache, config, gate, widgets, writes

st.title("Import strategy")
actor = gate.require_right("is_admin")
widgets.show_flash("imp_flash")
limit = config.settings().max_import_bytes
st.caption(
    f"Upload the Integrated Country Strategy a post publishes (PDF with a text layer, Markdown or text; at most "
    f"{limit // (1024 * 1024)} MB). Nothing is written until you apply it."
)

file = st.file_uploader("ICS document", type=["pdf", "md", "txt"], key="imp_file")
if file is None:
    st.stop()

data = file.getvalue()
upload = st.session_state.get("imp_upload")
if upload is None or upload.sha256 != view.sha256(data):
    problem = None
    with st.status(widgets.plain(f"Reading {file.name}…"), expanded=False) as status:
        try:
            upload = view.read_upload(file.name, data, max_bytes=limit)
            status.update(label=widgets.plain(f"Read {file.name}"), state="complete")
        except IcsParseError as exc:
            problem = str(exc)
            status.update(label="The document could not be read", state="error")
    if problem is not None:  # outside the collapsed status box, so the sentence is seen
        st.error(widgets.plain(problem))
        st.stop()
    st.session_state["imp_upload"] = upload
strategy = upload.strategy

st.subheader(widgets.plain(view.headline(upload)))
if strategy.warnings:
    with st.container(border=True, key="imp_warnings"):
        st.markdown(f"**{len(strategy.warnings)} warning(s)** — check these against the document before applying:")
        for warning in strategy.warnings:
            st.warning(widgets.plain(warning), icon=":material/warning:")
else:
    st.success("No warnings: every goal and objective has its texts.")

choices = view.mission_choices(cache.engine())
choice = st.selectbox("Import into", list(choices), format_func=choices.get, key="imp_target")
try:
    diff = view.compare(cache.engine(), strategy, choice)
except ValueError as exc:
    st.error(widgets.plain(str(exc)))
    st.stop()

tab_changes, tab_tree = st.tabs(["Changes", "Parsed strategy"])
with tab_changes:
    st.text("\n".join(diff.summary_lines()))
    for change in [*diff.mission_changes, *diff.retitled, *diff.changed]:
        with st.expander(widgets.plain(f"{change.item} · {change.field}")):
            st.code(view.change_text(change), language="diff", wrap_lines=True)

with tab_tree:
    for goal in strategy.goals:
        st.subheader(widgets.plain(f"Goal {goal.code}: {goal.title}"))
        st.text(goal.description or "—")
        for objective in goal.objectives:
            with st.expander(widgets.plain(f"Objective {objective.code}: {objective.title}")):
                for label, text in view.objective_sections(objective):
                    widgets.plain_text_block(label, text)
    if strategy.management_objectives:
        st.subheader("Management objectives")
    for objective in strategy.management_objectives:
        with st.expander(widgets.plain(f"{objective.code}: {objective.title}")):
            for label, text in view.objective_sections(objective):
                widgets.plain_text_block(label, text)

st.divider()
if diff.empty:
    st.info("The database already holds exactly this strategy: nothing to apply.")
    st.stop()
retiring = view.retirement_choice(cache.engine(), diff, date.today())
retire_from = None
if retiring is not None:
    quarters, default = retiring
    retire_from = st.selectbox(
        "No longer owed from",
        quarters,
        index=quarters.index(default),
        format_func=lambda q: q.label,
        key="imp_retire_from",
        help="Default: the quarter in progress, the first nobody has reported on. Earlier quarters keep owing "
        "the retired objectives.",
    )
    st.caption(widgets.plain(retirement_sentence(diff.removed, retire_from)))
confirmed = st.checkbox(
    widgets.plain(f"I have reviewed the changes and want to apply them to {diff.country}"), key="imp_confirm"
)
if st.button("Apply", type="primary", disabled=not confirmed, key="imp_apply"):
    mission_id = None if choice == view.AUTO else choice
    writes.run_write(
        "imp_flash",
        view.applied_message(diff),
        lambda session: apply_import(
            session=session,
            actor_email=actor.email,
            strategy=strategy,
            source_sha256=upload.sha256,
            mission_id=mission_id,
            retire_from=retire_from,
        ),
        clear=("imp_confirm",),
    )
