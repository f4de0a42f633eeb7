"""A Streamlit session at the protocol level, as the browser opens one: a WebSocket to ``/_stcore/stream``, the
session's id from ``new_session``, and upload URLs asked for with a ``file_urls_request``.

The XSRF token is a double submit (the same random token in a cookie and in a header or subprotocol), so a
client makes its own, as any script can.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

XSRF_COOKIE = "_streamlit_xsrf"


@dataclass
class Session:
    ws: websockets.ClientConnection
    session_id: str
    cookies: dict[str, str] = field(default_factory=dict)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def upload_url(self, name: str = "strategy.pdf") -> str:
        """An upload URL the server issued to this session (as the file uploader asks for one)."""
        back = BackMsg()
        back.file_urls_request.request_id = uuid.uuid4().hex
        back.file_urls_request.file_names.append(name)
        back.file_urls_request.session_id = self.session_id
        await self.ws.send(back.SerializeToString())
        async with asyncio.timeout(30):
            async for raw in self.ws:
                msg = ForwardMsg.FromString(raw if isinstance(raw, bytes) else raw.encode())
                if msg.WhichOneof("type") == "file_urls_response":
                    return msg.file_urls_response.file_urls[0].upload_url
        raise RuntimeError("no file_urls_response")


@asynccontextmanager
async def open_session(
    base_url: str, route: str | None = None, resume: str | None = None, page: str = ""
) -> AsyncIterator[Session]:
    """A live session on the app at ``base_url`` (``http://host:port``); ``route`` is the proxy's sticky cookie,
    so a later upload goes to the replica that holds this session. ``resume`` asks to reconnect to the session
    with that id, as the browser does after its socket dropped."""
    token = generate_xsrf_token_string(None, None)
    cookies = {XSRF_COOKIE: token, **({"ics_route": route} if route else {})}
    host = base_url.removeprefix("http://")
    async with websockets.connect(
        f"ws://{host}/_stcore/stream",
        subprotocols=["streamlit", token, *([resume] if resume else [])],  # type: ignore[list-item]
        origin=base_url,  # type: ignore[arg-type]
        additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
        max_size=64 * 1024 * 1024,
        ping_interval=None,
    ) as ws:
        back = BackMsg()
        back.rerun_script.query_string = ""
        back.rerun_script.page_name = page
        await ws.send(back.SerializeToString())
        async with asyncio.timeout(60):
            async for raw in ws:
                msg = ForwardMsg.FromString(raw if isinstance(raw, bytes) else raw.encode())
                if msg.WhichOneof("type") == "new_session":
                    yield Session(ws, msg.new_session.initialize.session_id, cookies)
                    return
        raise RuntimeError("no new_session message")


def put_file(
    client: httpx.Client, base_url: str, upload_url: str, session: Session, size: int, headers: dict | None = None
) -> int:
    """PUT ``size`` bytes to ``upload_url`` as the browser's uploader does; the response status."""
    url = upload_url if upload_url.startswith("http") else f"{base_url}{upload_url}"
    response = client.put(
        url,
        files={"file": ("strategy.pdf", b"%PDF-1.4\n" + b"0" * max(0, size - 9), "application/pdf")},
        headers={"X-Xsrftoken": session.cookies[XSRF_COOKIE], "Cookie": session.cookie_header(), **(headers or {})},
    )
    return response.status_code


async def until_finished(session: Session, seconds: float = 60) -> bytes:
    """Every message of the session's script run, raw, until the run finishes."""
    seen = []
    async with asyncio.timeout(seconds):
        async for raw in session.ws:
            data = raw if isinstance(raw, bytes) else raw.encode()
            seen.append(data)
            if ForwardMsg.FromString(data).WhichOneof("type") == "script_finished":
                return b"".join(seen)
    raise RuntimeError("the script run did not finish")
