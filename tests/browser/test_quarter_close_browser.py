"""Closing a quarter in headless Chromium: an admin reads the preview on Admin's Quarters tab and closes the
newest ended quarter; the Overview then says its figures are the closed record's, and a contributor's Submit
page refuses the quarter in one sentence instead of offering a form."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import go, prepare_database, screenshot, sign_in, wait_for_app_idle
from tests.browser.test_accessibility_browser import blocking_violations

pytestmark = pytest.mark.browser

ADMIN = "admin@state.gov"
OFFICER = "officer@usaid.gov"


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    return context.new_page()


def test_an_admin_closes_a_quarter_and_the_pages_read_its_record(
    start_app: StartApp, browser: Browser, tmp_path: Path
) -> None:
    users = [(ADMIN, "admin", [], []), (OFFICER, "contributor", ["USAID"], [])]
    base = start_app(env={"DATABASE_URL": prepare_database(tmp_path / "close.db", users, demo=True)})
    admin, officer = _new_page(browser), _new_page(browser)

    sign_in(admin, base, ADMIN)
    go(admin, "Admin")
    admin.get_by_role("tab", name="Quarters").click()
    wait_for_app_idle(admin)
    expect(admin.get_by_text("No quarter has been closed yet.")).to_be_visible()
    preview = admin.get_by_text("Closing FY2026 Q4 records")
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("owed updates")
    close = admin.get_by_role("button", name="Close FY2026 Q4")
    expect(close).to_be_disabled()  # not before the preview is acknowledged
    admin.get_by_text("I have read what will be recorded").click()
    wait_for_app_idle(admin)
    close.click()
    wait_for_app_idle(admin)
    expect(admin.get_by_text("Closed FY2026 Q4: its record is kept")).to_be_visible()
    expect(admin.locator('[data-testid="stException"]')).to_have_count(0)
    assert blocking_violations(admin) == []
    screenshot(admin, "/tmp/shots/admin_quarters.png")

    go(admin, "Overview")
    wait_for_app_idle(admin, timeout_ms=60_000)
    expect(admin.get_by_text("Closed figures, recorded", exact=False).first).to_be_visible()
    expect(admin.get_by_text("Page not found")).to_have_count(0)
    screenshot(admin, "/tmp/shots/overview_closed.png")

    sign_in(officer, base, OFFICER)
    go(officer, "Submit update")
    refusal = officer.get_by_text("FY2026 Q4 was closed on", exact=False)
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("an admin can reopen it")
    expect(officer.get_by_role("button", name="Submit", exact=True)).to_have_count(0)
    expect(officer.locator('[data-testid="stException"]')).to_have_count(0)
    screenshot(officer, "/tmp/shots/submit_closed.png")
