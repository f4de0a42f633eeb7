"""The Submit page opened from My to-do in headless Chromium: the address and the form always name the same update.

A contributor opens "Submit 3.2 for DEA", saves a draft, goes back to My to-do (which now says when the draft was
saved) and opens it again: the form is 3.2's again, with the draft. A pick on the page moves the address along.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import StartApp
from tests.browser.helpers import go, prepare_database, screenshot, sign_in, wait_for_app_idle

pytestmark = pytest.mark.browser

OFFICER = "officer@dea.gov"
WIDGETS_MS = 30_000  # a page's first widgets can take seconds to be drawn on a busy machine


def _open_from_to_do(page: Page, code: str, agency: str = "DEA") -> None:
    page.get_by_role("button", name=f"Submit {code} for {agency}", exact=True).click()
    wait_for_app_idle(page)
    expect(page.get_by_role("heading", name="Submit update")).to_be_visible()


def _shows(page: Page, code: str, agency: str) -> None:
    """The address, the pickers and the form's heading all name ``code`` and ``agency``."""
    expect(page).to_have_url(re.compile(rf"[?&]objective={re.escape(code)}(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]agency={agency}(&|$)"))
    objective = page.get_by_role("combobox", name="Objective")
    expect(objective).to_have_value(re.compile(rf"^{re.escape(code)} · "), timeout=WIDGETS_MS)
    expect(page.get_by_role("combobox", name="Agency")).to_have_value(agency, timeout=WIDGETS_MS)
    expect(page.get_by_role("heading", name=re.compile(rf"^{agency} on {re.escape(code)}, "))).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_a_to_do_link_opens_its_update_every_time(start_app: StartApp, page: Page, tmp_path: Path) -> None:
    url = prepare_database(tmp_path / "link.db", [(OFFICER, "contributor", ["DEA"], [])])
    base = start_app(env={"DATABASE_URL": url})
    sign_in(page, base, OFFICER)  # lands on My to-do
    _open_from_to_do(page, "3.2")
    _shows(page, "3.2", "DEA")
    page.get_by_label("Accomplishments").fill("Two interdiction courses held in Pucallpa.")
    page.get_by_role("button", name="Save draft").click()
    wait_for_app_idle(page)
    expect(page.get_by_text("Draft saved. It is not submitted yet.")).to_be_visible()

    go(page, "My to-do")
    expect(page.get_by_text(re.compile(r"3\.2 · DEA · FY\d{4} Q\d · Draft saved \d\d:\d\d"))).to_be_visible()
    _open_from_to_do(page, "3.2")  # the same link as before
    _shows(page, "3.2", "DEA")
    expect(page.get_by_label("Accomplishments")).to_have_value(
        "Two interdiction courses held in Pucallpa.", timeout=WIDGETS_MS
    )

    # A pick on the page moves the address along (a copied address opens what is shown: see the AppTest);
    # the to-do's link then still opens its own update.
    page.get_by_role("combobox", name="Objective").click()
    page.get_by_role("option", name=re.compile(r"^2\.2 · ")).click()
    wait_for_app_idle(page)
    _shows(page, "2.2", "DEA")
    screenshot(page, "/tmp/shots/submit_link.png")
    go(page, "My to-do")
    _open_from_to_do(page, "3.2")
    _shows(page, "3.2", "DEA")
