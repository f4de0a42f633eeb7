"""Submit update: a contributor's quarterly status update, with the previous quarter beside the form."""

from datetime import date

import streamlit as st

from dashboard.domain.actor import AccessDenied
from dashboard.formats import spreadsheet
from dashboard.services import bulk_updates, form_save, submissions
from dashboard.settings import Settings
from dashboard.store import queries
from dashboard.store.database import DatabaseBusy, read_session
from dashboard.views import update_form
from dashboard.web import cache, gate, widgets, writes
from models.fields import FIELD_LABELS, NARRATIVE_FIELDS, UpdateKey, required_hint
from models.scales import RISK_ORDER, STATUS_ORDER
from models.schemas import NARRATIVE_MAX_CHARS

st.title("Submit update")
actor, mission_id = gate.require("submit", "can_submit")
engine = cache.engine()
pairs = queries.reporting_pairs(engine, actor.agency_ids, mission_id)
if pairs.empty:
    st.info(f"{', '.join(actor.agencies)} is not a lead or contributing agency on any objective of this mission.")
    st.stop()

widgets.show_flash("submit_flash")

quarters, default_quarter = update_form.quarter_options(queries.mission_row(engine, mission_id), date.today())
# The To-do page links here with ?objective=&agency=&quarter= (see dashboard/views/todo.py): a new link picks
# that update once; the user's own choices win afterwards.
link = {name: str(st.query_params.get(name, "")) for name in ("objective", "agency", "quarter")}
if any(link.values()) and st.session_state.get("submit_link") != link:
    st.session_state["submit_link"] = link
    wanted = update_form.requested_update(link, pairs, quarters)
    for state_key, value in (
        ("submit_objective", wanted.objective_id),
        ("submit_agency", wanted.agency_id),
        ("submit_quarter", wanted.quarter),
    ):
        if value is not None:
            st.session_state[state_key] = value
    if wanted.note:
        st.info(widgets.plain(wanted.note), icon=":material/link_off:")
st.session_state.setdefault("submit_quarter", default_quarter)

c1, c2, c3 = st.columns([2, 1, 1])
objective_ids = list(dict.fromkeys(pairs["objective_id"]))
titles = {int(r.objective_id): f"{r.code} · {r.title}" for r in pairs.itertuples()}
objective_id = c1.selectbox("Objective", objective_ids, format_func=lambda i: titles[i][:110], key="submit_objective")
agencies = pairs[pairs["objective_id"] == objective_id]
agency_names = dict(zip(agencies["agency_id"], agencies["agency"], strict=True))
agency_id = c2.selectbox("Agency", list(agency_names), format_func=agency_names.get, key="submit_agency")
quarter = c3.selectbox("Quarter", quarters, format_func=lambda q: q.label, key="submit_quarter")

with st.expander(f"Report many objectives at once with a spreadsheet ({quarter.label})", icon=":material/table:"):
    st.write(
        "Download the template for your objectives, fill it in Excel, and upload it as .xlsx or .csv. "
        "Every row is checked first: if any row has a problem, nothing is saved and each problem is listed."
    )

    def _template() -> bytes:  # built when the button is clicked, not on every run of the page
        with read_session(engine) as session:
            return bulk_updates.template_xlsx(
                session=session, actor_email=actor.email, mission_id=mission_id, quarter=quarter
            )

    st.download_button(
        "Download the template",
        _template,
        file_name=f"status-updates-{quarter.fiscal_year}-Q{quarter.quarter}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="submit_template",
        icon=":material/download:",
    )
    upload = st.file_uploader("Filled-in template", type=["xlsx", "csv"], key="submit_upload")
    on_top = st.checkbox(
        "Rows without a current revision: store them on top of the newest revision",
        key="submit_on_top",
        help="Leave this off to be warned when a row would replace a colleague's newer revision.",
    )
    if upload is not None and st.button("Check and import", key="submit_import", type="primary"):
        try:
            data = upload.getvalue()
            spreadsheet.check_size(len(data), Settings.from_env().max_import_bytes)
            rows = spreadsheet.read_rows(data, upload.name, max_bytes=Settings.from_env().max_import_bytes)
            report = bulk_updates.import_rows(
                engine=engine, actor_email=actor.email, mission_id=mission_id, rows=rows, on_top=on_top
            )
        except (spreadsheet.SpreadsheetError, AccessDenied, DatabaseBusy) as exc:
            st.error(widgets.plain(f"{upload.name}: {exc}"))
        else:
            if report.ok:
                cache.after_write()
                st.success(report.summary())
            else:
                st.error(report.summary())
                st.dataframe(
                    bulk_updates.errors_frame(report.errors),
                    hide_index=True,
                    key="submit_import_errors",
                    width="stretch",
                )

key = UpdateKey(int(objective_id), int(agency_id), quarter.fiscal_year, quarter.quarter)
context = update_form.load(engine, key)
form_id = update_form.key_text(key)
base_key = f"submit_base_{form_id}"
if base_key not in st.session_state:
    st.session_state[base_key] = context.base_revision

st.text(context.status_line())
if context.draft is not None and st.button(
    "Discard the draft", key=f"submit_discard_{form_id}", icon=":material/delete:"
):
    writes.run_write(
        "submit_flash",
        "Draft discarded.",
        lambda session: submissions.discard_draft(session=session, actor_email=actor.email, key=key),
        clear=tuple(
            name for name in st.session_state if str(name).startswith("submit_") and str(name).endswith(form_id)
        ),
    )
comment = context.return_comment()
if comment:
    st.warning("This update was returned. Fix it and submit again.")
    st.text(comment)

form_col, previous_col = st.columns([2, 1], gap="medium")
defaults = context.defaults()
with form_col, st.form(f"submit_form_{form_id}"):
    st.subheader(f"{agency_names[agency_id]} on {titles[objective_id].split(' · ')[0]}, {quarter.label}", anchor=False)
    f1, f2, f3 = st.columns(3)
    status = f1.selectbox(
        "Status", STATUS_ORDER, index=STATUS_ORDER.index(defaults["status"]), key=f"submit_status_{form_id}"
    )
    progress = f2.number_input(
        "Progress (%)",
        min_value=0,
        max_value=100,
        step=5,
        value=int(defaults["progress"]),
        key=f"submit_progress_{form_id}",
    )
    risk = f3.selectbox(
        "Risk level", RISK_ORDER, index=RISK_ORDER.index(defaults["risk_level"]), key=f"submit_risk_{form_id}"
    )
    texts = {}
    for name in NARRATIVE_FIELDS:
        texts[name] = st.text_area(
            FIELD_LABELS[name] + required_hint(name),
            value=defaults[name],
            max_chars=NARRATIVE_MAX_CHARS,
            height=110,
            key=f"submit_{name}_{form_id}",
        )
    values: dict[int, float] = {}
    if context.indicators:
        st.markdown("**Indicators** (leave blank if not measured this quarter)")
        for indicator in context.indicators:
            assert indicator.id is not None
            entered = st.number_input(
                f"{indicator.name} ({indicator.unit or 'value'}; target {indicator.target:g})",
                value=context.indicator_defaults.get(indicator.id),
                key=f"submit_indicator_{indicator.id}_{form_id}",
            )
            if entered is not None:
                values[indicator.id] = float(entered)
    b1, b2 = st.columns(2)
    save = b1.form_submit_button("Save draft", icon=":material/save:", width="stretch")
    send = b2.form_submit_button("Submit", type="primary", icon=":material/send:", width="stretch")

with previous_col:
    previous = context.previous
    st.subheader(f"Previous quarter, {quarter.previous().label}", anchor=False)
    if previous is None:
        st.write("No update for the previous quarter.")
    else:
        st.text(
            f"{previous.status} · {previous.progress}% · risk {previous.risk_level}\n"
            f"Revision {previous.revision} by {previous.author} ({previous.state})"
        )
        for name in NARRATIVE_FIELDS:
            widgets.plain_text_block(FIELD_LABELS[name], getattr(previous, name))


if save or send:
    outcome = form_save.save(
        engine,
        actor.email,
        key,
        {"status": status, "progress": progress, "risk_level": risk, "indicator_values": values, **texts},
        action="draft" if save else "submit",
        base_revision=int(st.session_state[base_key]),
    )
    if outcome.ok:
        if outcome.revision is not None:
            st.session_state[base_key] = outcome.revision
        cache.after_write()
        st.session_state["submit_flash"] = outcome.message
        st.rerun()
    elif outcome.field_errors:
        st.error(
            "Please fix these fields:\n\n" + "\n".join(f"- {widgets.plain(line)}" for line in outcome.field_errors)
        )
    elif outcome.conflict is not None:
        st.session_state[f"submit_conflict_{form_id}"] = outcome.conflict.current.revision
        st.error(widgets.plain(str(outcome.conflict)))
        st.markdown("**Their revision compared with yours**")
        if outcome.conflict_changes:
            st.dataframe(
                update_form.diff_frame(outcome.conflict_changes, "Theirs", "Yours"),
                hide_index=True,
                key=f"submit_conflict_diff_{form_id}",
            )
        else:
            st.write("Their revision has the same content as yours.")
    else:
        st.error(widgets.plain(outcome.refusal or ""))

pending = st.session_state.get(f"submit_conflict_{form_id}")
if pending is not None:
    # Also on the run that found the conflict: nothing reruns the page until the user acts on one of these.
    if not (save or send):
        st.info(f"Revision {pending} was saved by someone else while you were editing.")
    k1, k2 = st.columns(2)
    if k1.button(f"Start again from revision {pending}", key=f"submit_reload_{form_id}"):
        for name in list(st.session_state):
            if name.startswith("submit_") and name.endswith(form_id):
                del st.session_state[name]
        st.rerun()
    if k2.button(f"Keep my form and edit on top of revision {pending}", key=f"submit_rebase_{form_id}"):
        st.session_state[base_key] = pending
        del st.session_state[f"submit_conflict_{form_id}"]
        st.rerun()

st.header("History of this update", anchor=False)
if not context.history:
    st.write("Nothing stored yet for this quarter.")
for revision, label, changes in update_form.history_rows(context.history):
    with st.expander(f"Revision {revision.revision} · {label} · {widgets.plain(revision.author)}"):
        st.caption(f"Stored {revision.created_at:%d %b %Y %H:%M} UTC")
        for review in revision.reviews:
            st.text(f"{review.decision.capitalize()} by {review.reviewer}: {review.comment or '(no comment)'}")
        st.dataframe(
            update_form.diff_frame(changes, "Before", "This revision"),
            hide_index=True,
            key=f"submit_diff_{form_id}_{revision.revision}",
        )
