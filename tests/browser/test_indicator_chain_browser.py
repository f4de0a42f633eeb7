"""An indicator from definition to evidence in headless Chromium, three people in three browser sessions: an admin
defines it on Admin's Indicators tab, the responsible agency's contributor reports its value with the quarter's
update, the working group's chair sees the value in the review, and the Objective page draws it against its
target path with the quarter's achievement."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import go, prepare_database, screenshot, sign_in, wait_for_app_idle
from tests.browser.test_admin_indicators_browser import _filled, _open_tab

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
    with admin.expect_download() as download:
        admin.get_by_role("button", name="Download them as CSV").click()
    sheet = tmp_path / "indicators.csv"
    sheet.write_text(_filled(Path(download.value.path()).read_text(encoding="utf-8")), encoding="utf-8")
    admin.locator('.st-key-admin_ind_file_0 [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(sheet))
    wait_for_app_idle(admin)
    admin.get_by_text("I have read these changes").click()
    wait_for_app_idle(admin)
    admin.get_by_role("button", name="Apply 2 changes").click()
    wait_for_app_idle(admin)
    expect(admin.get_by_text("Applied 2 changes")).to_be_visible()

    # USAID is responsible for 1.1.a (firms exporting, 10 in FY2022, 50 by FY2026): its form offers the value.
    sign_in(officer, base, OFFICER)
    go(officer, "Submit update")
    field = officer.get_by_label("Firms exporting (firms; target 50)")
    expect(field).to_be_visible()
    expect(officer.get_by_label("Cases still open", exact=False)).to_have_count(0)  # State's, not USAID's
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
