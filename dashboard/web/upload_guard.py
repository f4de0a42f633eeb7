"""What one browser session may hold in uploads: ASGI middleware in front of Streamlit's upload endpoint.

Streamlit stores every ``PUT /_stcore/upload_file/{session_id}/{file_id}`` of a live session in memory, under
any file id the client names, until the session ends (and a closed tab's session lives on for
``server.disconnectedSessionTTL``). ``server.maxUploadSize`` caps one file, not a session: an anonymous visitor
could park gigabytes. This guard refuses, before a byte of the body is read:

- a file id the server never issued to that session (the uploader asks for one over the session's socket
  first), with 404;
- a body without a Content-Length (the browser's uploader always sends one; nginx adds it), with 411;
- a file that would take the session past ``session_bytes`` (two largest files: a replacement and the file it
  replaces) with 413, or every session together past ``total_bytes`` with 503.
"""

import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.middleware import Middleware
from streamlit import config
from streamlit.runtime import Runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

PREFIX = "/_stcore/upload_file/"
MB = 1024 * 1024
TOTAL_BYTES = 256 * MB  # every session of one server together

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def session_limit() -> int:
    """Bytes one session may hold: two of the largest file Streamlit accepts (``server.maxUploadSize``)."""
    return 2 * int(config.get_option("server.maxUploadSize")) * MB


class Ledger:
    """File ids issued per session, read from the manager the runtime uses (one per server process)."""

    def __init__(self, manager: MemoryUploadedFileManager) -> None:
        self.manager = manager
        self.issued: dict[str, set[str]] = {}
        self._lock = threading.Lock()
        issue, forget = manager.get_upload_urls, manager.remove_session_files

        def get_upload_urls(session_id: str, file_names: Any) -> Any:
            infos = issue(session_id, file_names)
            with self._lock:
                self.issued.setdefault(session_id, set()).update(info.file_id for info in infos)
            return infos

        def remove_session_files(session_id: str) -> None:
            forget(session_id)
            with self._lock:
                self.issued.pop(session_id, None)

        manager.get_upload_urls = get_upload_urls  # type: ignore[method-assign]
        manager.remove_session_files = remove_session_files  # type: ignore[method-assign]

    def was_issued(self, session_id: str, file_id: str) -> bool:
        with self._lock:
            return file_id in self.issued.get(session_id, ())

    def held(self, session_id: str | None = None, *, besides: str = "") -> int:
        """Bytes held for one session (all sessions when None), not counting file ``besides`` (being replaced)."""
        storage = self.manager.file_storage
        sessions = [storage.get(session_id, {})] if session_id is not None else list(storage.values())
        return sum(len(rec.data) for files in sessions for file_id, rec in list(files.items()) if file_id != besides)


def refusal(
    *, issued: bool, incoming: int | None, session_held: int, all_held: int, session_bytes: int, total_bytes: int
) -> tuple[int, str] | None:
    """Why an upload is refused (status, reason), or None to let it through."""
    if not issued:
        return 404, "No such upload for this session."
    if incoming is None:
        return 411, "An upload needs a Content-Length."
    if session_held + incoming > session_bytes:
        return 413, "This session holds as many uploaded bytes as it may."
    if all_held + incoming > total_bytes:
        return 503, "The server holds as many uploaded bytes as it may. Try again shortly."
    return None


class UploadGuard:
    """ASGI middleware (``st.App(..., middleware=[Middleware(UploadGuard)])``); see the module docstring."""

    def __init__(self, app: ASGIApp, *, total_bytes: int = TOTAL_BYTES, ledger: Ledger | None = None) -> None:
        self.app = app
        self.total_bytes = total_bytes
        self._ledger = ledger
        self.in_flight: dict[str, int] = {}  # bytes of uploads under way, per session (one event loop)

    def ledger(self) -> Ledger:
        if self._ledger is None:
            manager = Runtime.instance().uploaded_file_mgr
            assert isinstance(manager, MemoryUploadedFileManager)
            self._ledger = Ledger(manager)
        return self._ledger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._ledger is None and scope["type"] in ("http", "websocket") and Runtime.exists():
            self.ledger()  # before any session can ask for an upload URL (over its WebSocket)
        path = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") != "PUT" or not path.startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        session_id, _, file_id = path[len(PREFIX) :].partition("/")
        ledger = self.ledger()
        incoming = _content_length(scope)
        why = refusal(
            issued=ledger.was_issued(session_id, file_id),
            incoming=incoming,
            session_held=ledger.held(session_id, besides=file_id) + self.in_flight.get(session_id, 0),
            all_held=ledger.held() + sum(self.in_flight.values()),
            session_bytes=session_limit(),
            total_bytes=self.total_bytes,
        )
        if why is not None:
            await _refuse(send, *why)
            return
        size = incoming or 0
        self.in_flight[session_id] = self.in_flight.get(session_id, 0) + size
        try:
            await self.app(scope, receive, send)
        finally:
            left = self.in_flight.pop(session_id, 0) - size
            if left > 0:
                self.in_flight[session_id] = left


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return max(0, int(value))
            except ValueError:
                return None
    return None


async def _refuse(send: Send, status: int, reason: str) -> None:
    body = reason.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# For the entrypoint: ``st.App(..., middleware=upload_guard.MIDDLEWARE)``.
MIDDLEWARE = [Middleware(UploadGuard)]
