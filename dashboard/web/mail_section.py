"""E-mail settings: the Account page's own choices and Admin's E-mail tab (outbox, what is due, reminders off).
The rules are ``services.notify``; the tables ``views.outbox``."""

from datetime import UTC, datetime

import streamlit as st
from sqlmodel import select

from dashboard.domain.actor import Actor
from dashboard.services import notify
from dashboard.settings import MailSettings
from dashboard.store import notices as store
from dashboard.store.database import read_session
from dashboard.views import outbox
from dashboard.web import cache, config, writes
from dashboard.web.widgets import plain
from models import AppUser

ACCOUNT_FLASH = "account_mail_flash"


def account_mail(actor: Actor) -> None:
    """The signed-in person's digest and weekly summary, with what cannot be turned off said plainly."""
    if actor.user_id is None or actor.email is None:
        return
    with read_session(cache.engine()) as session:
        user = session.get(AppUser, actor.user_id)
    if user is None:
        return
    st.subheader("E-mail", anchor=False)
    if message := st.session_state.pop(ACCOUNT_FLASH, None):
        st.success(message)
    st.caption(
        "Reminders of updates your agencies owe, and of updates returned to them, always reach you; "
        "an admin can turn them off for you."
    )
    with st.form("account_mail_form"):
        digest = st.checkbox(
            "Daily digest of the updates waiting for my review (chairs)", value=user.review_digest, key="acct_digest"
        )
        weekly = st.checkbox("Weekly summary of the quarter", value=user.weekly_summary, key="acct_weekly")
        saved = st.form_submit_button("Save e-mail settings")
    if saved:
        writes.run_write(
            ACCOUNT_FLASH,
            "Your e-mail settings are saved.",
            lambda s: notify.set_preferences(
                session=s, actor_email=actor.email, email=actor.email or "", review_digest=digest, weekly_summary=weekly
            ),
        )


def outbox_tab(me: str | None, flash: str) -> None:
    """What was sent and what failed, what the next run would send, and an admin's reminders-off switch."""
    engine = cache.engine()
    try:
        mail_settings = MailSettings.from_env()
    except ValueError as exc:
        st.error(plain(f"The e-mail settings are wrong, so `notify` sends nothing: {exc}"))
        mail_settings = None
    if mail_settings is not None and not mail_settings.smtp_host:
        st.info(
            "No SMTP server is set (ICS_SMTP_HOST), so `notify` sends nothing yet. See the README's E-mail settings."
        )
    frame = store.outbox_frame(engine)
    st.subheader("Outbox", anchor=False)
    st.write(outbox.counts_sentence(frame))
    if not frame.empty:
        st.dataframe(outbox.outbox_table(frame), hide_index=True, key="admin_outbox_table", width="stretch")
    st.subheader("Due on the next run", anchor=False)
    if mail_settings is not None:
        decision = notify.decide(engine, config.settings(), mail_settings, datetime.now(UTC))
        for problem in decision.problems:
            st.warning(plain(problem))
        if decision.notices:
            st.dataframe(outbox.due_table(decision.notices), hide_index=True, key="admin_due_table", width="stretch")
        else:
            st.write("Nothing is due now: every reminder due has been sent, or it is before the posts' sending hour.")
        st.subheader("Coming next", anchor=False)
        clocks = notify.mission_clocks(engine, config.settings(), mail_settings, datetime.now(UTC))
        st.dataframe(outbox.upcoming_table(*clocks), hide_index=True, key="admin_next_table", width="stretch")
    _reminders_off(me, flash)


def _reminders_off(me: str | None, flash: str) -> None:
    st.subheader("Reminders for one person", anchor=False)
    with read_session(cache.engine()) as session:
        users = list(session.exec(select(AppUser).order_by(AppUser.email)))
    if not users:
        return
    off = [u.email for u in users if u.reminders_off]
    st.caption(
        "Reminders of a person's own owed or returned updates cannot be turned off by them. "
        + (f"Turned off now for: {', '.join(off)}." if off else "They are on for everyone.")
    )
    with st.form("admin_reminders_form"):
        email = st.selectbox("Account", [u.email for u in users], key="admin_rem_user")
        turn_off = st.checkbox("No reminders for this account", key="admin_rem_off")
        saved = st.form_submit_button("Save")
    if saved and email:
        writes.run_write(
            flash,
            f"Reminders are {'off' if turn_off else 'on'} for {email}.",
            lambda s: notify.set_preferences(session=s, actor_email=me, email=email, reminders_off=turn_off),
        )
