"""Helpers for the real-browser tests (Playwright driving headless Chromium)."""

import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

# Streamlit 1.67 marks the app root with the script run state ("initial", "running", "notRunning",
# "rerunRequested", "stopRequested", "compilationError") and the websocket state ("CONNECTED", ...).
# While a script runs, the header's status widget shows a "Running..." icon.
_IDLE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const state = app.getAttribute('data-test-script-state');
  if (state !== 'notRunning' && state !== 'compilationError') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const running = document.querySelector('[data-testid="stStatusWidgetRunningIcon"]');
  if (running && running.offsetParent !== null) return false;
  return true;
}
"""


def wait_for_app_idle(page: Page, timeout_ms: int = 30000, settle_ms: int = 300) -> None:
    """Wait until the Streamlit app is connected and no script run is in progress.

    The idle condition must hold twice, ``settle_ms`` apart, so a rerun that starts right after
    a run ends (e.g. ``st.navigation`` switching pages, ``st.rerun``) is not mistaken for idle.
    """
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout_ms)
    page.wait_for_function(_IDLE_JS, timeout=timeout_ms)
    page.wait_for_timeout(settle_ms)
    page.wait_for_function(_IDLE_JS, timeout=timeout_ms)


def screenshot(page: Page, path: str | Path, full_page: bool = True) -> Path:
    """Save a screenshot for humans to look at (creates the parent folder)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path


PASSWORD = "correct horse battery staple"


def prepare_database(path: Path, users: list[tuple[str, str, list[str], list[str]]], *, demo: bool = False) -> str:
    """A SQLite database with the bundled strategy and these ``(email, role, agencies, groups)`` users.

    Every user gets ``PASSWORD``. Returns the URL to pass to the app as ``DATABASE_URL``.
    """
    from dashboard.domain import actor
    from dashboard.services import admin
    from dashboard.services.bootstrap import init_database
    from dashboard.settings import Settings
    from dashboard.store.database import dispose_engine, get_engine, write_session

    url = f"sqlite:///{path}"
    init_database(Settings(database_url=url), demo=demo)
    with write_session(get_engine(url)) as session:
        for email, role, agencies, groups in users:
            admin.add_user(
                session=session,
                actor_email=actor.SYSTEM_ACTOR,
                email=email,
                role=role,
                agencies=agencies,
                groups=groups,
                password=PASSWORD,
            )
    dispose_engine(url)
    return url


def go(page: Page, name: str) -> None:
    """Follow a sidebar navigation link (keeps the browser session, and so the sign-in)."""
    deadline = time.monotonic() + 30
    while name not in (titles := nav_titles(page)) and time.monotonic() < deadline:
        page.wait_for_timeout(200)  # the navigation changes after a sign-in's rerun
    assert name in titles, f"{name!r} is not in the navigation: {titles}"
    page.locator('[data-testid="stSidebarNav"] a').nth(titles.index(name)).click()
    wait_for_app_idle(page)


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD, *, succeeds: bool = True) -> None:
    """Open the sign-in page and sign in with a local account; when ``succeeds``, waits for the sidebar's account box
    (the user then lands on My to-do, or on the Overview when they have no to-do)."""
    page.goto(f"{base_url}/account")
    wait_for_app_idle(page, timeout_ms=60_000)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if succeeds:
        expect(page.locator('[data-testid="stSidebar"]').get_by_text(email)).to_be_visible()
    wait_for_app_idle(page)


def nav_titles(page: Page) -> list[str]:
    """The page titles in the sidebar navigation (without the icon names)."""
    return [t.strip().split("\n")[-1].strip() for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def as_shown(text: str) -> re.Pattern[str]:
    """A pattern for ``text`` exactly as a Markdown element shows it (``widgets.plain`` shows e-mails and web
    addresses as code, character for character)."""
    return re.compile(re.escape(text))
