"""Keyboard only: sign in, submit an update and review it with Tab, Enter, Space and typing; no mouse at all.

Focus moves only by Tab (``tab_to``); buttons are pressed with Enter or Space; fields are filled by typing.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import PASSWORD, as_shown, prepare_database, wait_for_app_idle

pytestmark = pytest.mark.browser

OFFICER = "officer@usaid.gov"
CHAIR = "chair@state.gov"

# The focused element's accessible name: its aria-label, its <label>, or its text (last line: icons come first).
FOCUSED_NAME = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '';
  const label = el.getAttribute('aria-label') || (el.labels && el.labels.length ? el.labels[0].innerText : '')
    || el.innerText || '';
  const lines = label.trim().split('\\n');
  return lines[lines.length - 1].trim();
}
"""


def tab_to(page: Page, name: str, limit: int = 200) -> None:
    """Press Tab until the element named ``name`` has the focus (fails after ``limit`` presses)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = page.evaluate(FOCUSED_NAME)
        if current == name:
            return
        seen.append(current)
    raise AssertionError(f"Tab never reached {name!r}; it went through {list(dict.fromkeys(seen))}")


def _context_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    return context.new_page()


def keyboard_sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/account")
    wait_for_app_idle(page, timeout_ms=60_000)
    tab_to(page, "E-mail")
    page.keyboard.type(email)
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    wait_for_app_idle(page)
    expect(page.locator('[data-testid="stSidebar"]').get_by_text(email)).to_be_visible()


def test_sign_in_submit_and_review_with_the_keyboard_only(
    start_app: StartApp, browser: Browser, tmp_path: Path
) -> None:
    url = prepare_database(
        tmp_path / "keys.db", [(OFFICER, "contributor", ["USAID"], []), (CHAIR, "chair", [], ["Goal 1"])]
    )
    base = start_app(env={"DATABASE_URL": url})

    officer = _context_page(browser)
    keyboard_sign_in(officer, base, OFFICER)
    expect(officer.get_by_role("heading", name="My to-do")).to_be_visible()  # where signing in lands
    wait_for_app_idle(officer)  # a key pressed while the page still reruns can be lost
    tab_to(officer, "Submit 1.1 for USAID")  # the first owed update's button
    officer.keyboard.press("Enter")
    expect(officer.get_by_role("heading", name="Submit update")).to_be_visible(timeout=30_000)
    wait_for_app_idle(officer)
    tab_to(officer, "Progress (%)")
    officer.keyboard.press("Control+A")
    officer.keyboard.type("45")
    tab_to(officer, "Accomplishments (required)")
    officer.keyboard.type("Trade mission held with twelve firms.")
    tab_to(officer, "Submit")
    officer.keyboard.press("Space")
    wait_for_app_idle(officer)
    expect(officer.get_by_text("Submitted as revision 1.")).to_be_visible()

    chair = _context_page(browser)
    keyboard_sign_in(chair, base, CHAIR)
    wait_for_app_idle(chair)
    tab_to(chair, "Review")  # the sidebar's link
    chair.keyboard.press("Enter")
    expect(chair.get_by_role("heading", name="Review")).to_be_visible(timeout=30_000)
    wait_for_app_idle(chair)
    expect(chair.get_by_text("Trade mission held with twelve firms.").first).to_be_visible()
    tab_to(chair, "Approve")
    chair.keyboard.press("Enter")
    wait_for_app_idle(chair)
    expect(chair.get_by_text(as_shown(f"revision 1 by {OFFICER}: approved."))).to_be_visible()
    expect(chair.get_by_text("Nothing is waiting for your review.")).to_be_visible()
