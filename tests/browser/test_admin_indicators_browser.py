"""Admin's Indicators tab in headless Chromium: download the (empty) sheet file, fill it in, upload it, read the
changes, confirm and apply; edit one sheet in the form; no serious axe violation on the tab."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import StartApp
from tests.browser.helpers import go, prepare_database, screenshot, sign_in, wait_for_app_idle
from tests.browser.test_accessibility_browser import blocking_violations

pytestmark = pytest.mark.browser

ADMIN = "admin@state.gov"


def _filled(template: str) -> str:
    """The downloaded file with two indicators written into it, as an admin would in a spreadsheet."""
    header = next(csv.reader(io.StringIO(template.lstrip("\ufeff"))))
    assert header[:11] == ["objective", "code", "name", "definition", "unit", "direction", "baseline", "baseline_fy",
                           "frequency", "agency", "data_source"]  # fmt: skip
    rows = [
        {"objective": "1.1", "code": "1.1.a", "name": "Firms exporting", "unit": "firms", "direction": "increase",
         "baseline": "10", "baseline_fy": "FY2022", "frequency": "quarterly", "agency": "USAID",
         "target_FY2025": "30", "target_FY2026": "50"},
        {"objective": "2.1", "code": "2.1.a", "name": "Cases still open", "unit": "percent", "direction": "decrease",
         "baseline": "60", "baseline_fy": "2022", "frequency": "semiannual", "agency": "State", "target_FY2026": "30"},
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _open_tab(page: Page) -> None:
    go(page, "Admin")
    page.get_by_role("tab", name="Indicators").click()
    wait_for_app_idle(page)


def test_an_admin_imports_sheets_from_the_downloaded_file_and_edits_one(
    start_app: StartApp, page: Page, tmp_path: Path
) -> None:
    base = start_app(env={"DATABASE_URL": prepare_database(tmp_path / "ind.db", [(ADMIN, "admin", [], [])])})
    sign_in(page, base, ADMIN)
    _open_tab(page)
    expect(page.get_by_text("No indicator yet: upload a sheet file")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download them as CSV").click()
    changed = tmp_path / "indicators.csv"
    changed.write_text(_filled(Path(download.value.path()).read_text(encoding="utf-8")), encoding="utf-8")
    page.locator('.st-key-admin_ind_file_0 [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(changed))
    wait_for_app_idle(page)
    expect(page.get_by_text("Applying this file makes 2 changes (0 unchanged).")).to_be_visible()
    apply = page.get_by_role("button", name="Apply 2 changes")
    expect(apply).to_be_disabled()
    assert blocking_violations(page) == []
    for width in (1440, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"/tmp/shots/admin_indicators_preview_{width}.png")
    page.get_by_text("I have read these changes").click()
    wait_for_app_idle(page)
    apply.click()
    wait_for_app_idle(page)
    expect(page.get_by_text("Applied 2 changes")).to_be_visible()
    expect(page.get_by_text("indicators.csv")).to_have_count(0)  # a new, empty upload field: nothing to apply twice
    table = page.locator('[data-testid="stTable"]').first
    expect(table).to_contain_text("Firms exporting")
    expect(table).to_contain_text("semiannual by State")

    pick = page.locator(".st-key-admin_ind_pick").get_by_role("combobox")
    pick.scroll_into_view_if_needed()  # a click that has to scroll first may not open the list
    pick.click()
    page.get_by_role("option", name="1.1.a: Firms exporting").click()
    wait_for_app_idle(page)
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name="Save sheet"))
    form.get_by_label("Name", exact=True).fill("Firms exporting goods")
    form.get_by_label("Baseline", exact=True).fill("twelve")
    page.get_by_role("button", name="Save sheet").click()
    wait_for_app_idle(page)
    expect(page.get_by_text("baseline: 'twelve' is not a number")).to_be_visible()
    form.get_by_label("Baseline", exact=True).fill("12")
    page.get_by_role("button", name="Save sheet").click()
    wait_for_app_idle(page)
    expect(page.get_by_text("Saved the reference sheet of 1.1.a.")).to_be_visible()
    expect(page.locator('[data-testid="stTable"]').first).to_contain_text("Firms exporting goods")
    assert blocking_violations(page) == []
    for width in (1440, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"/tmp/shots/admin_indicators_{width}.png")
