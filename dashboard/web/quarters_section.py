"""Admin's Quarters tab: close a quarter after reading what will be recorded, list the closed ones, reopen one
with a reason. The rules are ``services.quarters``; the record and the preview ``views.quarter_record``."""

from datetime import date

import streamlit as st

from dashboard.services import quarters
from dashboard.store.database import read_session
from dashboard.views import quarter_record
from dashboard.web import cache, config, writes
from dashboard.web.widgets import plain


def quarters_tab(me: str | None, flash: str, mission_id: int, strategy: tuple[int, int]) -> None:
    engine = cache.engine()
    settings = config.settings()
    with read_session(engine) as session:
        states = quarters.states(session, mission_id)
    closed = {s.quarter.index for s in states if s.closed}
    st.subheader("Close a quarter", anchor=False)
    st.caption(
        "A closed quarter's figures, texts, roles and indicator targets are kept as a record that every page, the "
        "Missions roll-up and the brief read from then on; nothing can be written for it until it is reopened."
    )
    choices = quarter_record.closable(strategy, date.today(), closed)
    if not choices:
        st.write("No quarter to close: every quarter that has ended is closed already.")
    else:
        quarter = st.selectbox("Quarter", choices, format_func=lambda q: q.label, key="admin_q_pick")
        preview = quarter_record.preview(engine, mission_id, quarter, settings.counted_states)
        st.write(plain(preview.sentence))
        if not preview.missing.empty:
            st.dataframe(preview.missing, hide_index=True, key="admin_q_missing", width="stretch")
        confirmed = st.checkbox("I have read what will be recorded", key=f"admin_q_confirm_{quarter.index}")
        if st.button(f"Close {quarter.label}", type="primary", disabled=not confirmed, key="admin_q_close"):
            writes.run_write(
                flash,
                f"Closed {quarter.label}: its record is kept and nothing more can be written for it.",
                lambda s: quarters.close(
                    session=s,
                    actor_email=me,
                    mission_id=mission_id,
                    quarter=quarter,
                    today=date.today(),
                    record=quarter_record.reader(mission_id, quarter, settings),
                ),
            )
    st.subheader("Closed quarters", anchor=False)
    if not states:
        st.write("No quarter has been closed yet.")
        return
    st.dataframe(quarter_record.states_frame(states), hide_index=True, key="admin_q_states", width="stretch")
    reopenable = [s.quarter for s in states if s.closed]
    if not reopenable:
        return
    with st.form("admin_q_reopen"):
        st.markdown("**Reopen a quarter**")
        again = st.selectbox("Closed quarter", reopenable, format_func=lambda q: q.label, key="admin_q_reopen_pick")
        reason = st.text_area(
            "Reason (kept with the record)", key="admin_q_reason", max_chars=quarters.REASON_MAX_CHARS, height=80
        )
        if st.form_submit_button("Reopen"):
            writes.run_write(
                flash,
                f"Reopened {again.label}; its earlier record stays.",
                lambda s: quarters.reopen(
                    session=s, actor_email=me, mission_id=mission_id, quarter=again, reason=reason
                ),
                clear=("admin_q_reason",),
            )
