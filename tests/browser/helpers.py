"""Helpers for the real-browser tests (Playwright driving headless Chromium)."""

from pathlib import Path

from playwright.sync_api import Page

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
