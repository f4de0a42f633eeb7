"""Sections of the Submit page that stand on their own: the spreadsheet upload, the previous quarter, the history."""

from functools import partial

import streamlit as st
from sqlalchemy import Engine

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services.form_save import SaveOutcome
from dashboard.views import bulk_import, update_form
from dashboard.views.submit_flow import widget_key
from dashboard.web import cache, config
from dashboard.web.widgets import plain, plain_text_block
from models.fields import FIELD_LABELS, NARRATIVE_FIELDS, UpdateKey

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet(engine: Engine, actor_email: str | None, mission_id: int, quarter: FiscalQuarter) -> None:
    """The template to download and the upload that checks every row, then stores all of them or none."""
    with st.expander(f"Report many objectives at once with a spreadsheet ({quarter.label})", icon=":material/table:"):
        st.write(
            "Download the template for your objectives, fill it in Excel, and upload it as .xlsx or .csv. "
            "Every row is checked first: if any row has a problem, nothing is saved and each problem is listed."
        )
        st.download_button(
            "Download the template",
            partial(bulk_import.template, engine, actor_email, mission_id, quarter),  # built on click only
            file_name=bulk_import.template_name(quarter),
            mime=XLSX,
            key="submit_template",
            icon=":material/download:",
        )
        upload = st.file_uploader("Filled-in template", type=["xlsx", "csv"], key="submit_upload")
        on_top = st.checkbox(
            "Rows without a current revision: store them on top of the newest revision",
            key="submit_on_top",
            help="Leave this off to be warned when a row would replace a colleague's newer revision.",
        )
        if upload is None or not st.button("Check and import", key="submit_import", type="primary"):
            return
        result = bulk_import.import_file(
            engine,
            actor_email=actor_email,
            mission_id=mission_id,
            on_top=on_top,
            name=upload.name,
            data=upload.getvalue(),
            max_bytes=config.settings().max_import_bytes,
        )
        if result.ok:
            cache.after_write()
            st.success(result.message)
        else:
            st.error(plain(result.message))
        if result.errors is not None:
            st.dataframe(result.errors, hide_index=True, key="submit_import_errors", width="stretch")


def previous_quarter(context: update_form.SubmitContext) -> None:
    """The previous quarter's update beside the form, as plain text."""
    quarter = FiscalQuarter(context.key.fiscal_year, context.key.quarter)
    st.subheader(f"Previous quarter, {quarter.previous().label}", anchor=False)
    if context.previous is None:
        st.write("No update for the previous quarter.")
        return
    st.text(update_form.previous_line(context.previous))
    for name in NARRATIVE_FIELDS:
        plain_text_block(FIELD_LABELS[name], getattr(context.previous, name))


def history(context: update_form.SubmitContext) -> None:
    """Every stored revision of the update, newest first, with its reviews and what it changed."""
    st.header("History of this update", anchor=False)
    if not context.history:
        st.write("Nothing stored yet for this quarter.")
    for revision, label, changes in update_form.history_rows(context.history):
        with st.expander(f"Revision {revision.revision} · {label} · {plain(revision.author)}"):
            st.caption(f"Stored {revision.created_at:%d %b %Y %H:%M} UTC")
            for review in revision.reviews:
                st.text(f"{review.decision.capitalize()} by {review.reviewer}: {review.comment or '(no comment)'}")
            st.dataframe(
                update_form.diff_frame(changes, "Before", "This revision"),
                hide_index=True,
                key=widget_key(f"diff_{revision.revision}", context.key),
            )


def refused(outcome: SaveOutcome, key: UpdateKey) -> None:
    """Why a save did not go through, in the form's words: the fields to fix (by their labels), what a Submit
    would store and how to confirm it, someone else's newer revision beside this form, or a refusal."""
    if outcome.field_errors:
        st.error("Please fix these fields:\n\n" + "\n".join(f"- {plain(line)}" for line in outcome.field_errors))
    elif outcome.confirm:
        st.warning(
            f"{plain(outcome.confirm)}. Set the progress to 100, or press Submit again to store it as it is.",
            icon=":material/help:",
        )
    elif outcome.conflict is not None:
        st.error(plain(str(outcome.conflict)))
        st.markdown("**Their revision compared with yours**")
        if outcome.conflict_changes:
            diff = update_form.diff_frame(outcome.conflict_changes, "Theirs", "Yours")
            st.dataframe(diff, hide_index=True, key=widget_key("conflict_diff", key))
        else:
            st.write("Their revision has the same content as yours.")
    elif outcome.refusal:
        st.error(plain(outcome.refusal))
