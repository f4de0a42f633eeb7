"""Submit update: a contributor's quarterly status update, with the previous quarter beside the form.

Which update is shown, and each form's base revision and conflict, live in ``views.submit_flow``."""

from datetime import date

import streamlit as st

from dashboard.domain.reporting import closed_sentence
from dashboard.services import form_save, submissions
from dashboard.store import queries
from dashboard.views import update_form
from dashboard.views.submit_flow import FLASH, PICKERS, Choices, SubmitFlow, indicator_field, widget_key
from dashboard.web import cache, gate, submit_sections, widgets, writes
from models.fields import FIELD_LABELS, NARRATIVE_FIELDS, UpdateKey, required_hint
from models.scales import RISK_ORDER, STATUS_ORDER, ReviewState
from models.schemas import NARRATIVE_MAX_CHARS

st.title("Submit update")
actor, mission_id = gate.require("submit", "can_submit")
engine = cache.engine()
pairs = queries.reporting_pairs(engine, actor.agency_ids, mission_id)
if pairs.empty:
    st.info(f"{', '.join(actor.agencies)} is not a lead or contributing agency on any objective of this mission.")
    st.stop()

widgets.show_flash(FLASH)
choices = Choices(pairs, *update_form.quarter_options(queries.mission_row(engine, mission_id), date.today()))
flow = SubmitFlow(st.session_state, choices)
if note := flow.follow_link(st.query_params):  # a link (e.g. from My to-do) opens the update it names
    st.info(widgets.plain(note), icon=":material/link_off:")

c1, c2, c3 = st.columns([2, 1, 1])
picked = {"on_change": flow.sync, "args": (st.query_params,)}  # a pick moves the address along
objective_id = c1.selectbox(
    "Objective", choices.objective_ids, format_func=choices.objective_label, key=PICKERS["objective"], **picked
)
agency_names = choices.agencies(objective_id)
agency_id = c2.selectbox("Agency", list(agency_names), format_func=agency_names.get, key=PICKERS["agency"], **picked)
quarter = c3.selectbox("Quarter", choices.quarters, format_func=lambda q: q.label, key=PICKERS["quarter"], **picked)
flow.sync(st.query_params)
if (closed := cache.closed(cache.database_url(), mission_id).get(quarter.index)) is not None:
    st.warning(widgets.plain(closed_sentence(quarter.label, closed["at"], closed["actor"])), icon=":material/lock:")
    st.stop()  # nothing can be written for a closed quarter: no form to fill in vain

submit_sections.spreadsheet(engine, actor.email, mission_id, quarter)

key = UpdateKey(int(objective_id), int(agency_id), quarter.fiscal_year, quarter.quarter)
context = update_form.load(engine, key)
indicator_ids = [int(i.id) for i in context.indicators if i.id is not None]
base_revision = flow.base_revision(key, context.base_revision)

st.text(context.status_line())
if context.draft is not None and st.button(
    "Discard the draft", key=widget_key("discard", key), icon=":material/delete:"
):
    writes.run_write(
        FLASH,
        "Draft discarded.",
        lambda session: submissions.discard_draft(session=session, actor_email=actor.email, key=key),
        clear=flow.form_keys(key, indicator_ids),
    )
if comment := context.return_comment():
    st.warning("This update was returned. Fix it and submit again.")
    st.text(comment)

form_col, previous_col = st.columns([2, 1], gap="medium")
defaults = context.defaults()
with form_col, st.form(widget_key("form", key)):
    st.subheader(f"{agency_names[agency_id]} on {choices.code(objective_id)}, {quarter.label}", anchor=False)
    f1, f2, f3 = st.columns(3)
    status = f1.selectbox(
        "Status", STATUS_ORDER, index=STATUS_ORDER.index(defaults["status"]), key=widget_key("status", key)
    )
    progress = f2.number_input(
        "Progress (%)", 0, 100, int(defaults["progress"]), step=5, key=widget_key("progress", key)
    )
    risk = f3.selectbox("Risk level", RISK_ORDER, RISK_ORDER.index(defaults["risk_level"]), key=widget_key("risk", key))
    texts = {
        name: st.text_area(
            FIELD_LABELS[name] + required_hint(name),
            value=defaults[name],
            max_chars=NARRATIVE_MAX_CHARS,
            height=110,
            key=widget_key(name, key),
        )
        for name in NARRATIVE_FIELDS
    }
    if context.indicators:
        st.markdown("**Indicators** (leave blank if not measured this quarter)")
    entered = {
        i.id: st.number_input(
            update_form.indicator_label(i),
            value=context.indicator_defaults.get(i.id),
            key=widget_key(indicator_field(i.id), key),
        )
        for i in context.indicators
        if i.id is not None
    }
    b1, b2 = st.columns(2)
    save = b1.form_submit_button("Save draft", icon=":material/save:", width="stretch")
    send = b2.form_submit_button("Submit", type="primary", icon=":material/send:", width="stretch")

with previous_col:
    submit_sections.previous_quarter(context)

if save or send:
    values = {"status": status, "progress": progress, "risk_level": risk, **texts}
    values["indicator_values"] = {i: float(v) for i, v in entered.items() if v is not None}
    action = ReviewState.DRAFT.value if save else "submit"
    confirmed = send and flow.confirmed(key, (status, progress))  # a second Submit of what was asked about
    outcome = form_save.save(
        engine, actor.email, key, values, action=action, base_revision=base_revision, confirmed=confirmed
    )
    if outcome.ok:
        flow.saved(key, outcome)
        cache.after_write()
        st.rerun()
    flow.refused(key, outcome, (status, progress))
    submit_sections.refused(outcome, key)

if (pending := flow.pending_conflict(key)) is not None:
    # Also on the run that found the conflict: nothing reruns the page until the user acts on one of these.
    if not (save or send):
        st.info(f"Revision {pending} was saved by someone else while you were editing.")
    k1, k2 = st.columns(2)
    if k1.button(f"Start again from revision {pending}", key=widget_key("reload", key)):
        flow.clear(key, indicator_ids)
        st.rerun()
    if k2.button(f"Keep my form and edit on top of revision {pending}", key=widget_key("rebase", key)):
        flow.rebase(key)
        st.rerun()

submit_sections.history(context)
