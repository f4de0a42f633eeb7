"""Who is looking at the page: OIDC through ``st.user`` when ``[auth]`` is configured, else a local sign-in.

Streamlit glue, kept apart from the services: it turns the browser session into an
e-mail address and an ``Actor`` read fresh from the database on every rerun (never
cached, so a role change or a disabled account takes effect at once).
"""

import streamlit as st
from sqlmodel import select
from streamlit.errors import StreamlitSecretNotFoundError

from dashboard.domain import actor, client
from dashboard.domain.actor import looks_like_email
from dashboard.services import access
from dashboard.store.database import read_session
from dashboard.web import config
from dashboard.web.cache import engine
from models import AppUser

LOCAL_KEY = "auth_email"
LOOPBACK = "127.0.0.1"


def oidc_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` (or ``secrets.files``) has an ``[auth]`` section."""
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False


def current_email() -> str | None:
    if oidc_configured():
        if not st.user.get("is_logged_in", False):
            return None
        email = access.normalise_email(str(st.user.get("email") or ""))
        # Only a real e-mail address identifies anyone: other text from a provider is nobody (it views only).
        return email if looks_like_email(email) else None
    return st.session_state.get(LOCAL_KEY)


def current_actor() -> actor.Actor:
    with read_session(engine()) as session:
        return access.resolve(session, current_email(), config.settings().oidc_default_role)


def client_address() -> str:
    """Where the sign-in comes from, for counting failures per client: the address Streamlit sees, or, when
    that is a trusted proxy (ICS_TRUSTED_PROXIES), the right-most untrusted address of its X-Forwarded-For."""
    try:
        headers = st.context.headers
        values = headers.get_all("X-Forwarded-For") if headers is not None else None
        forwarded = ",".join(v for v in values if isinstance(v, str)) if isinstance(values, list) else None
        # Streamlit hides a loopback peer (127.0.0.1 or ::1) as None: a proxy on the same host is 127.0.0.1.
        ip = st.context.ip_address
        peer = ip if isinstance(ip, str) and ip else LOOPBACK
    except Exception:  # noqa: BLE001  (no browser behind this run, e.g. a headless test: one shared client)
        forwarded = peer = None
    return client.client_address(peer, forwarded, config.settings().trusted_proxies)


def remember_local(email: str) -> None:
    st.session_state[LOCAL_KEY] = access.normalise_email(email)


def sign_out() -> None:
    """Forget the local sign-in; with OIDC, also end the Streamlit identity cookie."""
    st.session_state.pop(LOCAL_KEY, None)
    if oidc_configured():
        st.logout()


def has_any_user() -> bool:
    with read_session(engine()) as session:
        return session.exec(select(AppUser.id)).first() is not None


def reviewable(actor: actor.Actor) -> set[int] | None:
    """Objective ids the actor may review (None: all)."""
    with read_session(engine()) as session:
        return access.reviewable_objectives(session, actor)
