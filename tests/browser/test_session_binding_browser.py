"""A local sign-in belongs to the browser that made it: a client that reconnects to the session with a captured
session id is not signed in, with the tab open or closed; the browser itself stays signed in across a reload,
and signing out ends the cookie too."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import prepare_database, sign_in, wait_for_app_idle
from tests.proxy import stream

pytestmark = pytest.mark.browser

ADMIN = "admin@state.gov"


def _watch_session_id(page: Page) -> list[str]:
    """Session ids the server hands this page, newest last (read off the WebSocket, as a proxy log shows them)."""
    ids: list[str] = []

    def on_socket(ws) -> None:  # noqa: ANN001
        def on_frame(payload: bytes | str) -> None:
            if isinstance(payload, bytes):
                msg = ForwardMsg.FromString(payload)
                if msg.WhichOneof("type") == "new_session":
                    ids.append(msg.new_session.initialize.session_id)

        ws.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    return ids


def _resumed_page(base: str, session_id: str) -> bytes:
    async def run() -> bytes:
        async with stream.open_session(base, resume=session_id) as session:
            assert session.session_id == session_id  # the server did resume that session
            return await stream.until_finished(session)

    with ThreadPoolExecutor(1) as pool:  # Playwright's own event loop runs on this thread
        return pool.submit(asyncio.run, run()).result()


def _sidebar(page: Page):  # noqa: ANN202
    return page.locator('[data-testid="stSidebar"]')


def test_captured_session_id_does_not_resume_a_sign_in(start_app: StartApp, browser: Browser, tmp_path: Path) -> None:
    base = start_app(env={"DATABASE_URL": prepare_database(tmp_path / "s.db", [(ADMIN, "admin", [], [])])})
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    ids = _watch_session_id(page)
    page.goto(f"{base}/")
    wait_for_app_idle(page, timeout_ms=60_000)
    sign_in(page, base, ADMIN)
    expect(_sidebar(page).get_by_text(ADMIN)).to_be_visible()
    page.wait_for_timeout(500)  # the page trades its ticket for the cookie

    cookie = next(c for c in context.cookies() if c["name"] == "ics_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"

    # Tab open: another client reconnects with the session id and sees a signed-out page.
    shown = _resumed_page(base, ids[-1])
    assert ADMIN.encode() not in shown and b"Sign in" in shown

    # The browser's own reload is still signed in (its cookie), on a new session.
    page.reload()
    wait_for_app_idle(page, timeout_ms=60_000)
    expect(_sidebar(page).get_by_text(ADMIN)).to_be_visible()
    assert page.get_by_role("link", name="Admin").count() == 1

    # Tab closed: the session lives on for a while on the server, and still does not come back signed in.
    session_id = ids[-1]
    page.close()
    shown = _resumed_page(base, session_id)
    assert ADMIN.encode() not in shown and b"Sign in" in shown

    # Signing out ends the cookie: a new tab in the same browser is signed out.
    page = context.new_page()
    page.goto(f"{base}/")
    wait_for_app_idle(page, timeout_ms=60_000)
    expect(_sidebar(page).get_by_text(ADMIN)).to_be_visible()
    _sidebar(page).get_by_role("button", name="Sign out").click()
    wait_for_app_idle(page)
    page.wait_for_timeout(500)
    assert not [c for c in context.cookies() if c["name"] == "ics_session" and c["value"]]
    page.reload()
    wait_for_app_idle(page, timeout_ms=60_000)
    expect(_sidebar(page).get_by_text(ADMIN)).to_have_count(0)
    context.close()
