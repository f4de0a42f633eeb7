"""The ``ics_session`` cookie that ties a local sign-in to the browser that made it.

Streamlit keeps a session alive for a while after its tab closes, and a client that knows the session id (it
appears in upload URLs, so in proxy logs) can reconnect to it. A local sign-in held only in the session would
come back with it. So a local sign-in counts on a run only when that run comes over the very connection that
signed in, or over one that carries this cookie for the same e-mail (``identity.local_email``).

The script run cannot set an HttpOnly cookie (it talks over the WebSocket), so after a sign-in the page hands
its browser a one-time ticket, and the browser trades it here (``POST /_ics/session``) for the cookie:
HttpOnly, ``SameSite=Strict``, ``Secure`` when the request came over HTTPS, kept until the browser closes, and
signed to expire after 12 hours.
Signing out posts to ``/_ics/session/end``, which expires it. Both routes refuse requests from another site:
they need the ``X-ICS-Session`` header (which a cross-site form cannot send and a cross-site script cannot send
without a preflight this server never answers) and an ``Origin``, when there is one, of the same host.
"""

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dashboard.domain import client, session_token
from dashboard.domain.session_token import SignedOut, Tickets, Token
from dashboard.web import config

COOKIE = "ics_session"
PATH = "/_ics/session"
END_PATH = "/_ics/session/end"
HEADER = "X-ICS-Session"
MAX_BODY = 4096

TICKETS = Tickets()
SIGNED_OUT = SignedOut()
_PROCESS_KEY = secrets.token_bytes(32)  # when no secret is configured: cookies hold only on this process


def _oidc_cookie_secret() -> str:
    try:
        import streamlit as st

        auth = st.secrets.get("auth") if "auth" in st.secrets else None
        value = auth.get("cookie_secret") if auth is not None else None
    except Exception:  # noqa: BLE001  (no secrets file, or an unreadable one: not configured)
        return ""
    return value if isinstance(value, str) else ""


def secret() -> bytes:
    """The signing key: ``ICS_SESSION_SECRET``, else ``[auth] cookie_secret``, else a key for this process."""
    configured = config.settings().session_secret or _oidc_cookie_secret()
    if not configured:
        return _PROCESS_KEY
    return hmac.new(configured.encode("utf-8"), b"ics_session cookie", hashlib.sha256).digest()


def token_in(cookies: Mapping[str, str] | None) -> Token | None:
    """The valid, not signed-out sign-in a request's cookies carry, or None."""
    if not cookies:
        return None
    token = session_token.verify(secret(), cookies.get(COOKIE))
    return None if token is None or token in SIGNED_OUT else token


def hand_out_ticket(email: str) -> tuple[str, Token]:
    """After a sign-in: a one-time ticket for the browser to trade for the cookie, and the token it stands for."""
    text, token = session_token.issue(secret(), email)
    return TICKETS.hand_out(text), token


def sign_out(token: Token | None) -> None:
    """This token no longer signs anyone in on this server, even if the browser keeps the cookie."""
    if token is not None:
        SIGNED_OUT.add(token)


def _same_site(request: Request) -> bool:
    if request.headers.get(HEADER) != "1":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


def came_over_https(request: Request) -> bool:
    """HTTPS to this server, or to a trusted proxy that says so (``X-Forwarded-Proto``)."""
    if request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else None
    trusted = config.settings().trusted_proxies
    return client.is_trusted(peer, trusted) and request.headers.get("x-forwarded-proto", "").lower() == "https"


def _cookie(response: Response, request: Request, value: str, max_age: int | None) -> None:
    response.set_cookie(
        COOKIE, value, max_age=max_age, path="/", secure=came_over_https(request), httponly=True, samesite="strict"
    )


async def _body(request: Request) -> dict | None:
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > MAX_BODY:
        return None
    raw = await request.body()
    try:
        data = json.loads(raw[:MAX_BODY])
    except (ValueError, UnicodeError):
        return None
    return data if isinstance(data, dict) else None


async def start(request: Request) -> Response:
    if not _same_site(request):
        return Response("Forbidden", status_code=403)
    data = await _body(request)
    token_text = TICKETS.take(data.get("ticket")) if data else None
    token = session_token.verify(secret(), token_text) if token_text else None
    if token is None:
        return Response("Unknown or expired ticket", status_code=400)
    response = Response(status_code=204)
    _cookie(response, request, token_text, None)  # the browser drops it when it closes; the token within 12 h
    response.headers["Cache-Control"] = "no-store"
    return response


async def end(request: Request) -> Response:
    if not _same_site(request):
        return Response("Forbidden", status_code=403)
    sign_out(token_in(request.cookies))
    response = Response(status_code=204)
    _cookie(response, request, "", 0)
    response.headers["Cache-Control"] = "no-store"
    return response


ROUTES = [Route(PATH, start, methods=["POST"]), Route(END_PATH, end, methods=["POST"])]
