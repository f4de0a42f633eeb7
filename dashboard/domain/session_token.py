"""Signed sign-in tokens for the browser's ``ics_session`` cookie, and the one-time tickets that turn into one.

A token is ``payload.signature``: the payload names the e-mail, the expiry (Unix seconds) and a random nonce,
in URL-safe base64 JSON; the signature is HMAC-SHA256 over the payload with the server's secret. Nothing in
it is secret, and nothing in it can be changed without the secret.

A ticket is a random string the server hands to the page that just signed in; the page trades it, once and
within ``TICKET_SECONDS``, for the cookie. Tickets and signed-out nonces live in one server process's memory,
bounded in number.
"""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass

TOKEN_SECONDS = 12 * 60 * 60  # a sign-in lasts a working day at most
TICKET_SECONDS = 30
MAX_TICKETS = 10_000
MAX_SIGNED_OUT = 100_000
MAX_TOKEN_CHARS = 1024


@dataclass(frozen=True)
class Token:
    email: str
    expires: int
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def issue(secret: bytes, email: str, now: float | None = None, seconds: int = TOKEN_SECONDS) -> tuple[str, Token]:
    """A new signed token for ``email``, valid ``seconds`` from ``now``."""
    now = time.time() if now is None else now
    token = Token(email=email, expires=int(now) + seconds, nonce=secrets.token_urlsafe(12))
    payload = _b64(json.dumps({"e": token.email, "x": token.expires, "n": token.nonce}).encode("utf-8"))
    return f"{payload}.{_sign(secret, payload)}", token


def verify(secret: bytes, text: object, now: float | None = None) -> Token | None:
    """The token ``text`` carries, or None when it is not one this secret signed or it has expired."""
    if not isinstance(text, str) or not text or len(text) > MAX_TOKEN_CHARS or text.count(".") != 1:
        return None
    payload, signature = text.split(".")
    try:
        if not hmac.compare_digest(_sign(secret, payload), signature):
            return None
        data = json.loads(_unb64(payload))
    except (ValueError, UnicodeError, binascii.Error):
        return None
    if not isinstance(data, dict):
        return None
    email, expires, nonce = data.get("e"), data.get("x"), data.get("n")
    if not (isinstance(email, str) and isinstance(expires, int) and isinstance(nonce, str)):
        return None
    now = time.time() if now is None else now
    return Token(email, expires, nonce) if expires > now else None


class Tickets:
    """One-time tickets: each names the token it stands for, is taken once, and lapses after ``seconds``."""

    def __init__(self, seconds: int = TICKET_SECONDS, limit: int = MAX_TICKETS) -> None:
        self.seconds, self.limit = seconds, limit
        self._held: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def hand_out(self, token: str, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        ticket = secrets.token_urlsafe(24)
        with self._lock:
            self._prune(now)
            if len(self._held) >= self.limit:  # a flood of sign-ins: the oldest tickets go first
                for stale in list(self._held)[: len(self._held) - self.limit + 1]:
                    del self._held[stale]
            self._held[ticket] = (now + self.seconds, token)
        return ticket

    def take(self, ticket: object, now: float | None = None) -> str | None:
        """The token behind ``ticket``, once; None for an unknown, used or lapsed ticket."""
        if not isinstance(ticket, str):
            return None
        now = time.monotonic() if now is None else now
        with self._lock:
            held = self._held.pop(ticket, None)
        return held[1] if held is not None and held[0] > now else None

    def _prune(self, now: float) -> None:
        for ticket in [t for t, (until, _) in self._held.items() if until <= now]:
            del self._held[ticket]


class SignedOut:
    """Nonces of tokens whose holder signed out, kept until the token would have expired anyway."""

    def __init__(self, limit: int = MAX_SIGNED_OUT) -> None:
        self.limit = limit
        self._until: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, token: Token, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            for nonce in [n for n, until in self._until.items() if until <= now]:
                del self._until[nonce]
            if len(self._until) >= self.limit:
                del self._until[next(iter(self._until))]
            self._until[token.nonce] = token.expires

    def __contains__(self, token: object) -> bool:
        return isinstance(token, Token) and token.nonce in self._until
