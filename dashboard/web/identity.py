"""Who is looking at the page: OIDC through ``st.user`` when ``[auth]`` is configured, else a local sign-in.

Streamlit glue, kept apart from the services: it turns the browser session into an
e-mail address and an ``Actor`` read fresh from the database on every rerun (never
cached, so a role change or a disabled account takes effect at once).
"""

import json
import weakref

import streamlit as st
from sqlmodel import select
from streamlit.errors import StreamlitSecretNotFoundError

from dashboard.domain import actor, client
from dashboard.domain.actor import looks_like_email
from dashboard.services import access
from dashboard.store.database import read_session
from dashboard.web import config, session_cookie
from dashboard.web.cache import engine
from models import AppUser

LOCAL_KEY = "auth_email"
BOUND_KEY = "auth_connection"  # a weak reference to the connection that signed in
TOKEN_KEY = "auth_token"  # the signed token behind this sign-in's cookie
TICKET_KEY = "auth_ticket"  # for the browser to trade for the cookie, once
END_KEY = "auth_end_cookie"  # the browser should drop its cookie
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
    return local_email()


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


def _connection() -> object | None:
    """The live connection (WebSocket client) this run came over; None when no browser is behind it (a test)."""
    try:
        from streamlit import runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.session_manager import SessionClient

        ctx = get_script_run_ctx()
        if ctx is None or not runtime.exists():
            return None
        connection = runtime.get_instance().get_client(ctx.session_id)
        real = SessionClient in type(connection).__mro__  # a server's client; AppTest's stand-in is none
        return connection if real else None
    except Exception:  # noqa: BLE001  (no runtime: no browser)
        return None


def _cookie_token() -> session_cookie.Token | None:
    try:
        return session_cookie.token_in(st.context.cookies)
    except Exception:  # noqa: BLE001  (no browser behind this run)
        return None


def _bind(connection: object) -> None:
    st.session_state[BOUND_KEY] = weakref.ref(connection)


def local_email() -> str | None:
    """The local sign-in, if it still belongs to the browser on this run's connection.

    It counts when this run comes over the connection that signed in, or over one whose ``ics_session`` cookie
    names the same e-mail (a reload, or a WebSocket that reconnected). A client that reconnects to the session
    with a captured session id has neither, and the sign-in is dropped before any page runs. A browser whose
    cookie is valid but whose session is new (a reload) is signed in from the cookie.
    """
    email = st.session_state.get(LOCAL_KEY)
    connection = _connection()
    if connection is None:  # no browser: a headless test drives the session directly
        return email
    bound = st.session_state.get(BOUND_KEY)
    if email is not None and isinstance(bound, weakref.ref) and bound() is connection:
        return email
    token = _cookie_token()
    if token is not None and (email is None or token.email == email):
        st.session_state[LOCAL_KEY] = token.email
        st.session_state[TOKEN_KEY] = token
        _bind(connection)
        return token.email
    for key in (LOCAL_KEY, BOUND_KEY, TOKEN_KEY, TICKET_KEY):
        st.session_state.pop(key, None)
    return None


def remember_local(email: str) -> None:
    """Sign ``email`` in on this session and connection, and hand the browser a ticket for its cookie."""
    email = access.normalise_email(email)
    st.session_state[LOCAL_KEY] = email
    connection = _connection()
    if connection is not None:
        _bind(connection)
        ticket, token = session_cookie.hand_out_ticket(email)
        st.session_state[TICKET_KEY], st.session_state[TOKEN_KEY] = ticket, token
        st.session_state.pop(END_KEY, None)


def sign_out() -> None:
    """Forget the local sign-in and its cookie; with OIDC, also end the Streamlit identity cookie."""
    session_cookie.sign_out(st.session_state.get(TOKEN_KEY))
    session_cookie.sign_out(_cookie_token())
    for key in (LOCAL_KEY, BOUND_KEY, TOKEN_KEY, TICKET_KEY):
        st.session_state.pop(key, None)
    if _connection() is not None:
        st.session_state[END_KEY] = True
    if oidc_configured():
        st.logout()


_POST = """<script>
fetch({path}, {{method: "POST", credentials: "same-origin",
  headers: {{"Content-Type": "application/json", "X-ICS-Session": "1"}}, body: {body}}});
</script>"""


def sync_browser() -> None:
    """Send the browser what it must do with its sign-in cookie: take one after a sign-in, drop it after a
    sign-out. Called once per run, from the router."""
    ticket = st.session_state.pop(TICKET_KEY, None)
    if isinstance(ticket, str):
        body = json.dumps(json.dumps({"ticket": ticket}))
        st.html(_POST.format(path=json.dumps(session_cookie.PATH), body=body), unsafe_allow_javascript=True)
    elif st.session_state.pop(END_KEY, None):
        st.html(_POST.format(path=json.dumps(session_cookie.END_PATH), body='"{}"'), unsafe_allow_javascript=True)


def has_any_user() -> bool:
    with read_session(engine()) as session:
        return session.exec(select(AppUser.id)).first() is not None


def reviewable(actor: actor.Actor) -> set[int] | None:
    """Objective ids the actor may review (None: all)."""
    with read_session(engine()) as session:
        return access.reviewable_objectives(session, actor)
