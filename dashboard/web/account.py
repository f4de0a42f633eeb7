"""The account box at the foot of the sidebar: who is signed in, what they may do, and sign-out."""

import streamlit as st

from dashboard.domain.actor import Actor
from dashboard.settings import ROOT
from dashboard.web.cache import after_write
from dashboard.web.widgets import plain

SIGN_IN_PAGE = ROOT / "pages" / "sign_in.py"


ROLE_LABELS = {"viewer": "Viewer", "contributor": "Contributor", "chair": "Working-group chair", "admin": "Admin"}


def describe(actor: Actor) -> str:
    """ "Contributor for USAID" style one-liner for the signed-in user."""
    text = ROLE_LABELS.get(actor.role, actor.role)
    if actor.agencies:
        text += " for " + ", ".join(actor.agencies)
    if actor.user_id is None:
        text = "Viewer (no account here)"
    return text


# What a signed-in user can do, as the navigation decides it; a right lost mid-session is explained (lost_rights).
RIGHTS = {"can_submit": "submit updates", "can_review": "review updates", "is_admin": "administer the dashboard"}


_RIGHTS_KEY = "account_rights"
_LANDING_KEY = "account_just_signed_in"


def remember_sign_in() -> None:
    """Mark this session as just signed in, so the next run opens the user's landing page (``just_signed_in``)."""
    st.session_state[_LANDING_KEY] = True


def just_signed_in() -> bool:
    """True once, on the first run after ``remember_sign_in``."""
    return bool(st.session_state.pop(_LANDING_KEY, False))


def lost_rights(actor: Actor) -> list[str]:
    """The rights ``actor`` had on this session's previous run and no longer has (disabled or demoted meanwhile).

    Remembers this run's rights in the session (per user, never in a cache).
    """
    now = [name for name in RIGHTS if getattr(actor, name)]
    before = st.session_state.get(_RIGHTS_KEY)
    st.session_state[_RIGHTS_KEY] = (actor.email, now)
    if not before or before[0] != actor.email:
        return []
    return [RIGHTS[name] for name in before[1] if name not in now]


def account_box(actor: Actor) -> None:
    """Who is signed in, at the foot of the sidebar, with a sign-out button.

    When the account was disabled or demoted since the last run, the page the user was on (a form they just sent)
    is no longer in the navigation: say so plainly instead of silently showing another page.
    """
    from dashboard.web import identity  # late: identity imports this module

    lost = lost_rights(actor)
    if not actor.signed_in:
        return
    if lost:
        why = f"The account {plain(actor.email or '')} was disabled" if actor.disabled else "Your access changed"
        st.error(
            f"{why} while you were signed in, so you can no longer {' or '.join(lost)}. "
            "Anything you had not saved yet was not stored."
        )
    box = st.sidebar.container(border=True)
    box.markdown("**Signed in**")  # body text, not a faint caption: it must stay readable (contrast)
    box.text(f"{actor.email}\n{describe(actor)}")
    if actor.disabled:
        box.warning("This account is disabled: you can view but not change anything.")
    if box.button("Sign out", key="account_sign_out", icon=":material/logout:"):
        identity.sign_out()
        after_write()
        # The sign-in page is in every navigation (same URL as "Account"); the page the user was on may not be.
        st.switch_page(SIGN_IN_PAGE)
