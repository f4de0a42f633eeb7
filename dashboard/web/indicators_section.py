"""Admin's "Indicators" tab: the mission's indicators, their sheet file (download, upload, read every change or
problem, confirm, apply), and a form to edit one reference sheet or to retire or reinstate an indicator.

Every write goes through ``services.indicator_sheets`` (admin only, audited, all or nothing); the preview checks
the file without writing, and applying checks it again inside the write.
"""

from collections.abc import Callable
from datetime import date

import streamlit as st
from sqlmodel import Session

from dashboard.domain.actor import AccessDenied
from dashboard.formats import indicator_sheet
from dashboard.services import indicator_sheets
from dashboard.services.indicator_sheets import Sheet
from dashboard.store.database import read_session
from dashboard.views import indicator_sheets as view
from dashboard.web import cache, config, writes
from dashboard.web.widgets import plain

UPLOADS = "admin_ind_uploads"  # how many writes this session made here: each gets a new, empty upload field
CONFIRM_KEY = "admin_ind_confirm"
PICK_KEY = "admin_ind_pick"


def indicators_tab(me: str | None, flash: str, mission: tuple[int, str], acronyms: list[str]) -> None:
    """The tab for ``mission`` (id, post): the table, the file, the edit form and the retire form."""
    mission_id, post = mission
    with read_session(cache.engine()) as session:
        rows = indicator_sheets.listed(session, mission_id)
        objectives = indicator_sheets.objectives_in_use(session, mission_id)
    st.subheader(f"Indicators of {plain(post)}", anchor=False)
    if rows:
        st.caption(
            "Reported: how often, and by the agency responsible for the values. A retired indicator keeps its values."
        )
        # A static table wraps, so every column and target is read in full at any width; its cells are Markdown, so
        # every value goes as plain text.
        st.table(view.indicators_frame(rows).map(plain).set_index("Code"))
    else:
        st.write("No indicator yet: upload a sheet file or add one with the form below.")
    _sheet_file(me, flash, mission)
    _edit_form(me, flash, mission_id, rows, objectives, acronyms)
    _retire_form(me, flash, mission_id, rows)


def upload_key() -> str:
    """The upload field's key: a new one after each write here, so a file already applied (or one that would now
    undo a change made in the form) is not offered again."""
    return f"admin_ind_file_{st.session_state.get(UPLOADS, 0)}"


def _write(flash: str, success: str, write: Callable[[Session], object], clear: tuple[str, ...] = ()) -> None:
    """``writes.run_write``, and a new upload field once it has written (it reruns the page then)."""
    done = st.session_state.get(UPLOADS, 0)
    st.session_state[UPLOADS] = done + 1  # kept only if the write succeeds (it reruns the page)
    writes.run_write(flash, success, write, clear=clear)
    st.session_state[UPLOADS] = done  # refused: the same field keeps its file


def _downloads(mission: tuple[int, str]) -> None:
    stem = "indicators-" + "".join(ch if ch.isalnum() else "-" for ch in mission[1].lower()).strip("-")
    row = st.container(horizontal=True)
    with read_session(cache.engine()) as session:
        for suffix, label in ((".xlsx", "Download the sheets (Excel)"), (".csv", "Download them as CSV")):
            data, _ = indicator_sheets.export_sheets(session=session, mission_id=mission[0], filename=stem + suffix)
            row.download_button(
                label,
                data,
                file_name=stem + suffix,
                on_click="ignore",
                icon=":material/download:",
                key=f"admin_ind{suffix}",
            )


def _sheet_file(me: str | None, flash: str, mission: tuple[int, str]) -> None:
    st.subheader("Sheet file", anchor=False)
    st.caption(
        "One row per indicator: objective, code, name, definition, unit, direction, baseline, baseline_fy, "
        "frequency, agency, data_source, the optional calculation, collection_method, disaggregation, data_quality, "
        "established, reviewed and retired, then target_FY<year> per year and target_FY<year>_Q<n> for interim "
        "targets. A row changes the indicator with its code, or adds one; indicators not listed are left alone."
    )
    _downloads(mission)
    upload = st.file_uploader("Sheet file (.xlsx or .csv)", type=["xlsx", "csv"], key=upload_key())
    if upload is None:
        return
    try:
        rows = indicator_sheet.read_sheets(upload.getvalue(), upload.name, max_bytes=config.settings().max_import_bytes)
        with read_session(cache.engine()) as session:
            report = indicator_sheets.check_sheets(session=session, actor_email=me, mission_id=mission[0], rows=rows)
    except (ValueError, AccessDenied) as exc:
        st.error(plain(f"{upload.name}: {exc}"))
        return
    _preview(me, flash, mission, rows, report)


def _preview(
    me: str | None, flash: str, mission: tuple[int, str], rows: list, report: indicator_sheets.SheetsReport
) -> None:
    if not report.ok:
        count = len(report.problems)
        st.error(f"Nothing can be applied: {count} problem{'s' * (count != 1)}. Correct the file and upload it again.")
        st.table(view.problems_frame(report.problems).set_index("Row").map(plain))
        return
    if not report.changes:
        st.success(f"The file matches this post's {report.unchanged} indicators: there is nothing to change.")
        return
    count = len(report.changes)
    st.write(f"Applying this file makes {count} change{'s' * (count != 1)} ({report.unchanged} unchanged).")
    # A static table wraps, so each change is read in full; its cells are Markdown, so every value goes as plain text.
    st.table(view.changes_frame(report.changes).set_index("Row").map(plain))
    confirmed = st.checkbox("I have read these changes", key=CONFIRM_KEY)
    label = f"Apply {count} change{'s' * (count != 1)}"
    if st.button(label, type="primary", key="admin_ind_apply", disabled=not confirmed):
        _write(
            flash,
            f"Applied {count} change{'s' * (count != 1)} to {mission[1]}'s indicators.",
            lambda s: indicator_sheets.apply_sheets(session=s, actor_email=me, mission_id=mission[0], rows=rows),
            clear=(CONFIRM_KEY,),
        )


def _edit_form(
    me: str | None,
    flash: str,
    mission_id: int,
    rows: list[tuple[int, Sheet]],
    objectives: list[str],
    acronyms: list[str],
) -> None:
    """A new indicator, or one picked, as a form; saved through the same checks as a file's row."""
    st.subheader("Edit a reference sheet", anchor=False)
    labels = view.choice_label(rows)
    picked = st.selectbox("Indicator", list(labels), format_func=labels.get, key=PICK_KEY)
    start = view.form_start(dict(rows).get(picked))
    key = view.form_key(picked)
    options = {"objective": objectives, "direction": view.DIRECTIONS, "frequency": view.FREQUENCIES, "agency": acronyms}
    with st.form(f"admin_ind_form_{picked}"):
        values: dict[str, str | None] = {}
        for column, names in zip(st.columns(2), view.FORM_COLUMNS, strict=True):
            with column:
                values.update({name: _field(name, start, key(name), options.get(name)) for name in names})
        for column, names in zip(st.columns(2), (view.TEXT_FIELDS[::2], view.TEXT_FIELDS[1::2]), strict=True):
            with column:
                values.update({name: _field(name, start, key(name), None) for name in names})
        submitted = st.form_submit_button("Add indicator" if picked == view.NEW else "Save sheet", type="primary")
    if submitted:
        _save(me, flash, mission_id, picked, view.form_keys(picked), view.form_values(values, start.retired))


def _field(name: str, start: view.FormStart, key: str, options: list[str] | None) -> str | None:
    """One field of the edit form, starting from ``start``: a choice, a line, or a box of text."""
    label = view.LABELS[name]
    if options is not None:
        return st.selectbox(label, options, index=_index(options, start.choices[name]), key=key)
    if name == "targets":
        return st.text_area(label, value=start.targets, key=key, height=120)
    if name in view.TEXT_FIELDS:
        return st.text_area(label, value=start.texts[name], key=key, height=80)
    return st.text_input(label, value=start.texts[name], key=key, help=view.HELP.get(name))


def _save(me: str | None, flash: str, mission_id: int, picked: int, keys: tuple[str, ...], values: tuple) -> None:
    texts, choices, targets, retired = values
    try:
        row = view.form_row(texts, choices, targets, retired)
    except ValueError as exc:
        st.error(plain(str(exc)))
        return
    code = texts["code"].strip()
    _write(
        flash,
        f"Added indicator {code}." if picked == view.NEW else f"Saved the reference sheet of {code}.",
        lambda s: indicator_sheets.save_sheet(
            session=s, actor_email=me, mission_id=mission_id, row=row, indicator_id=picked or None
        ),
        clear=keys,
    )


def _index(options: list[str], value: str | None) -> int | None:
    return options.index(value) if value in options else None


def _retire_form(me: str | None, flash: str, mission_id: int, rows: list[tuple[int, Sheet]]) -> None:
    st.subheader("Retire or reinstate", anchor=False)
    if not rows:
        st.write("No indicator yet.")
        return
    labels = {i: label for i, label in view.choice_label(rows).items() if i != view.NEW}
    pick_col, date_col = st.columns([2, 1])
    picked = pick_col.selectbox("Indicator", list(labels), format_func=labels.get, key="admin_ind_retire_pick")
    sheet = dict(rows)[picked]
    name = sheet.code or sheet.name
    if sheet.retired is None:
        on = date_col.date_input("Retired from", value=date.today(), key=f"admin_ind_retire_on_{picked}")
        st.caption("A retired indicator is kept with all its values; it is no longer reported or rated.")
        if st.button(f"Retire {name}", key=f"admin_ind_retire_{picked}"):
            _write(
                flash,
                f"Retired indicator {name}.",
                lambda s: indicator_sheets.retire_indicator(
                    session=s, actor_email=me, mission_id=mission_id, indicator_id=picked, on=on
                ),
            )
    else:
        st.caption(f"Retired on {sheet.retired.isoformat()}; its values are kept.")
        if st.button(f"Reinstate {name}", key=f"admin_ind_reinstate_{picked}"):
            _write(
                flash,
                f"Reinstated indicator {name}.",
                lambda s: indicator_sheets.retire_indicator(
                    session=s, actor_email=me, mission_id=mission_id, indicator_id=picked, on=None
                ),
            )
