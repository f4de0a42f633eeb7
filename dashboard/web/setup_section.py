"""Admin's "Post setup" tab: download this post's setup, upload a changed one, see every change, then apply it.

The file is read and checked whole (``services.post_setup``); the preview runs the changes in a transaction that
is rolled back, so what it lists is what applying writes.
"""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.domain.actor import AccessDenied
from dashboard.formats import setup_file
from dashboard.services import post_setup
from dashboard.store.database import read_session
from dashboard.views.admin_lists import change_text
from dashboard.web import cache, config, writes
from dashboard.web.widgets import plain

UPLOAD_KEY = "admin_setup_file"


def changes_frame(changes: list[post_setup.Change]) -> pd.DataFrame:
    return pd.DataFrame(
        [(c.action, c.key, change_text(c.before, c.after)) for c in changes], columns=["Change", "Of", "What changes"]
    )


def _downloads(mission_id: int, post: str) -> None:
    with read_session(cache.engine()) as session:
        current = post_setup.current_setup(session, mission_id)
    stem = "setup-" + "".join(ch if ch.isalnum() else "-" for ch in post.lower()).strip("-")
    row = st.container(horizontal=True)
    row.download_button(
        "Download this post's setup (Excel)",
        setup_file.setup_workbook(current),
        file_name=f"{stem}.xlsx",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        "Download it as JSON", setup_file.setup_json(current), file_name=f"{stem}.json", on_click="ignore"
    )


def post_setup_tab(me: str | None, flash: str, mission_id: int, post: str) -> None:
    st.subheader(f"Set up {plain(post)} from one file", anchor=False)
    st.caption(
        "One Excel workbook (sheets Agencies, Objectives, Working groups, Users) or JSON file holds the agencies, "
        "each objective's lead and contributing agencies, the working groups with their chairs, and the users. "
        "Download the current setup, change it, and upload it: every change is listed before anything is written."
    )
    _downloads(mission_id, post)
    upload = st.file_uploader("Setup file (.xlsx or .json)", type=["xlsx", "json"], key=UPLOAD_KEY)
    if upload is None:
        return
    engine = cache.engine()
    try:
        setup = setup_file.read_setup(upload.getvalue(), upload.name, max_bytes=config.settings().max_import_bytes)
        with read_session(engine) as session:
            effective = post_setup.default_effective(session, mission_id, date.today())
        common = {"actor_email": me, "mission_id": mission_id, "setup": setup, "effective": effective}
        changes = post_setup.preview_setup(engine, **common)
    except (ValueError, AccessDenied) as exc:
        st.error(plain(f"{upload.name}: {exc}"))
        return
    if not changes:
        st.success("The file matches this post's setup: there is nothing to change.")
        return
    held = f"from {effective.label} on (earlier quarters keep theirs)" if effective else "for every quarter"
    st.write(f"Applying this file makes {len(changes)} changes; objective and group roles hold {held}.")
    # A static table wraps, so each change is read in full; its cells are Markdown, so every value goes as plain text.
    st.table(changes_frame(changes).map(plain).set_index("Change"))
    if st.button(f"Apply {len(changes)} changes", type="primary", key="admin_setup_apply"):
        writes.run_write(
            flash,
            f"Applied {len(changes)} changes to {post}'s setup.",
            lambda s: post_setup.apply_setup(session=s, **common),
            clear=(UPLOAD_KEY,),
        )
