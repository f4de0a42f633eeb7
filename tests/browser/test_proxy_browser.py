"""The app in Chromium through the shipped nginx configuration: pages render over the proxied WebSocket, a PDF
upload goes through the page's own uploader, and a forged X-Forwarded-For does not move the sign-in throttle."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.bench import _free_port
from dashboard.services import sign_in as sign_in_service
from dashboard.store.database import dispose_engine, get_engine, read_session
from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import go, prepare_database, sign_in, wait_for_app_idle
from tests.formats.ics_corpus import build_pdf, paginate, sample
from tests.proxy import nginx

pytestmark = pytest.mark.browser

ADMIN = "admin@state.gov"
FORGED = "203.0.113.9"
Proxy = Callable[[str], str]


@pytest.fixture
def behind_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """Factory: the nginx base URL in front of an app base URL (the rendered shipped config)."""
    found = nginx.require_nginx()
    stack: list = []

    def front(app_url: str) -> str:
        port = _free_port()
        running = nginx.running(
            found, tmp_path_factory.mktemp("nginx"), port=port, upstream_ports=[int(app_url.rsplit(":", 1)[1])]
        )
        running.__enter__()
        stack.append(running)
        return f"http://127.0.0.1:{port}"

    yield front
    for running in reversed(stack):
        running.__exit__(None, None, None)


def _context_page(browser: Browser, headers: dict[str, str] | None = None) -> Page:
    context = browser.new_context(viewport={**VIEWPORT, "width": 1440}, extra_http_headers=headers or {})
    context.set_default_timeout(30_000)
    return context.new_page()


def test_an_admin_imports_a_pdf_through_the_proxy(
    start_app: StartApp, behind_proxy: Proxy, browser: Browser, tmp_path: Path
) -> None:
    pdf = build_pdf(tmp_path / "ICS_Ghana.pdf", paginate(sample("ics_ghana.txt"), glue=True), mode="mixed")
    url = prepare_database(tmp_path / "import.db", [(ADMIN, "admin", [], [])], demo=True)
    base = behind_proxy(start_app(env={"DATABASE_URL": url, "ICS_TRUSTED_PROXIES": "127.0.0.1"}))
    page = _context_page(browser)

    page.goto(base)
    wait_for_app_idle(page, timeout_ms=60_000)
    # Everything below the page's frame comes over the proxied WebSocket: the navigation and the overview.
    expect(page.get_by_role("link", name="Missions")).to_be_visible()
    expect(page.get_by_role("heading", name="Strategy progress", exact=True)).to_be_visible()
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["ics_route"]["httpOnly"] and cookies["ics_route"]["secure"]
    assert cookies["_streamlit_xsrf"]["secure"], "the proxy adds Secure to the app's cookies"

    sign_in(page, base, ADMIN)
    go(page, "Import strategy")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(pdf))
    wait_for_app_idle(page, timeout_ms=60_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_text("new mission: Ghana", exact=False)).to_be_visible()


def _failures(url: str, client: str) -> int:
    with read_session(get_engine(url)) as session:
        row = sign_in_service.lock_state(session, ADMIN, client)
        return row.failures if row else 0


def test_a_forged_forwarded_for_through_the_proxy_does_not_change_whose_failures_count(
    start_app: StartApp, behind_proxy: Proxy, browser: Browser, tmp_path: Path
) -> None:
    url = prepare_database(tmp_path / "throttle.db", [(ADMIN, "admin", [], [])])
    app = start_app(env={"DATABASE_URL": url, "ICS_TRUSTED_PROXIES": "127.0.0.1"})
    proxied = behind_proxy(app)

    page = _context_page(browser, {"X-Forwarded-For": FORGED})
    sign_in(page, proxied, ADMIN, "a wrong password", succeeds=False)
    assert _failures(url, "127.0.0.1") == 1, "counted against the address nginx saw"
    assert _failures(url, FORGED) == 0, "the client-written header was dropped by the proxy"

    # Chromium sends context headers on the page's requests but, in current versions, not on the WebSocket upgrade
    # the sign-in runs over; what the app makes of a header a trusted proxy forwards is in
    # tests/web/test_client_address.py, and what nginx forwards is in tests/proxy/test_render.py.
    dispose_engine(url)
