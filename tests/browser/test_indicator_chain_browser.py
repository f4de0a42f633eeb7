"""An indicator from definition to evidence in headless Chromium, three people in three browser sessions: an admin
defines it in the form on Admin's Indicators tab, the responsible agency's contributor reports its value with the
quarter's update, the working group's chair sees the value in the review, and the Objective page draws it against its
target path with the quarter's achievement."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import go, prepare_database, screenshot, sign_in, wait_for_app_idle
from tests.browser.test_admin_indicators_browser import _open_tab

pytestmark = pytest.mark.browser

ADMIN = "admin@state.gov"
OFFICER = "officer@usaid.gov"
CHAIR = "chair@state.gov"


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={**VIEWPORT, "width": 1440})
    context.set_default_timeout(30_000)
    return context.new_page()


def _no_errors(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_an_indicator_defined_by_the_admin_is_reported_reviewed_and_drawn(
    start_app: StartApp, browser: Browser, tmp_path: Path
) -> None:
    users = [(ADMIN, "admin", [], []), (OFFICER, "contributor", ["USAID"], []), (CHAIR, "chair", [], ["Goal 1"])]
    base = start_app(env={"DATABASE_URL": prepare_database(tmp_path / "chain.db", users)})
    admin, officer, chair = _new_page(browser), _new_page(browser), _new_page(browser)

    sign_in(admin, base, ADMIN)
    _open_tab(admin)
    # the reference sheet, written into the page's form as an admin would: a new indicator on objective 1.1
    form = admin.locator('[data-testid="stForm"]').filter(has=admin.get_by_role("button", name="Add indicator"))
    for label, option in (("Objective", "1.1"), ("Direction", "increase"), ("Frequency", "quarterly"),
                          ("Responsible agency", "USAID")):  # fmt: skip
        form.get_by_role("combobox", name=label).click()
        admin.keyboard.type(option)  # the list narrows to the one option as a person types it
        admin.get_by_role("option", name=option, exact=True).click()
        expect(admin.get_by_role("option")).to_have_count(0)  # the list is closed before the next one opens
    for label, text in (("Code", "1.1.a"), ("Name", "Firms exporting"), ("Unit", "firms"), ("Baseline", "10"),
                        ("Baseline year", "FY2022")):  # fmt: skip
        form.get_by_label(label, exact=True).fill(text)
    form.get_by_label(re.compile(r"^Targets")).fill("FY2025: 30\nFY2026: 50")
    form.get_by_role("button", name="Add indicator").click()
    wait_for_app_idle(admin)
    _no_errors(admin)
    expect(admin.get_by_text("Added indicator 1.1.a.")).to_be_visible()
    expect(admin.locator('[data-testid="stTable"]').first).to_contain_text("Firms exporting")

    # USAID is responsible for 1.1.a (firms exporting, 10 in FY2022, 50 by FY2026): its form offers the value.
    sign_in(officer, base, OFFICER)
    go(officer, "Submit update")
    field = officer.get_by_label("Firms exporting (firms; target 50)")
    expect(field).to_be_visible()
    officer.get_by_label("Progress (%)").fill("60")
    officer.get_by_label("Accomplishments").fill("Twelve more firms shipped to the United States.")
    field.fill("46")
    officer.get_by_role("button", name="Submit", exact=True).click()
    wait_for_app_idle(officer)
    _no_errors(officer)
    expect(officer.get_by_text("Submitted as revision 1.")).to_be_visible()

    sign_in(chair, base, CHAIR)
    go(chair, "Review")
    cells = chair.locator("[data-testid=stDataFrame] [role=gridcell]")
    expect(cells.filter(has_text="Firms exporting").first).to_be_attached()
    expect(cells.filter(has_text=re.compile(r"^\s*46(\.0)?\s*$")).first).to_be_attached()
    screenshot(chair, "/tmp/shots/chain_review.png")
    _no_errors(chair)

    # The Objective page draws 46 against the FY2026 Q4 target of 50: (46 - 10) / (50 - 10) = 90%, on target.
    chair.goto(f"{base}/objective?objective=1.1")
    wait_for_app_idle(chair, timeout_ms=60_000)
    _no_errors(chair)
    chart = chair.locator("[class*='st-key-obj_ind_']").filter(has_text="Firms exporting")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chair.get_by_text("90%", exact=False).first).to_be_visible()
    screenshot(chair, "/tmp/shots/chain_objective.png")
