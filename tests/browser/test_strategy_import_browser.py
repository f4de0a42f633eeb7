"""An admin imports another post's ICS PDF in a real browser and reads the new mission's Strategy page."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import go, prepare_database, screenshot, sign_in, wait_for_app_idle
from tests.formats.ics_corpus import build_pdf, paginate, sample

pytestmark = pytest.mark.browser

ADMIN = "admin@state.gov"


def _no_errors(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_admin_imports_a_ghana_pdf_and_sees_its_strategy(start_app: StartApp, browser: Browser, tmp_path: Path) -> None:
    pdf = build_pdf(tmp_path / "ICS_Ghana.pdf", paginate(sample("ics_ghana.txt"), glue=True), mode="mixed")
    url = prepare_database(tmp_path / "import.db", [(ADMIN, "admin", [], [])])
    base = start_app(env={"DATABASE_URL": url})
    context = browser.new_context(viewport={**VIEWPORT, "width": 1440})
    context.set_default_timeout(30_000)
    page = context.new_page()

    sign_in(page, base, ADMIN)
    go(page, "Import strategy")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(pdf))
    wait_for_app_idle(page, timeout_ms=60_000)
    _no_errors(page)
    expect(page.get_by_text("Ghana · Embassy Accra · 2022-2026 · FOR PUBLIC RELEASE", exact=False)).to_be_visible()
    expect(page.get_by_text("the document states no strategy period", exact=False)).to_be_visible()
    expect(page.get_by_text("new mission: Ghana", exact=False)).to_be_visible()
    screenshot(page, "/tmp/shots/import_1_preview.png")

    page.get_by_role("tab", name="Parsed strategy").click()
    page.get_by_text("Objective 1.1: Ghana's justice sector", exact=False).first.click()
    expect(page.get_by_text("Surveys show that most Ghanaians", exact=False)).to_be_visible()
    screenshot(page, "/tmp/shots/import_2_tree.png")

    apply = page.get_by_role("button", name="Apply")
    expect(apply).to_be_disabled()
    page.get_by_text("I have reviewed the changes", exact=False).click()
    wait_for_app_idle(page)
    apply.click()
    wait_for_app_idle(page)
    _no_errors(page)
    expect(page.get_by_text("Created the mission Ghana.", exact=False)).to_be_visible()
    screenshot(page, "/tmp/shots/import_3_applied.png")

    go(page, "Strategy")
    page.get_by_role("combobox", name="Mission").click()
    page.get_by_role("option", name="Ghana (Embassy Accra)").click()
    wait_for_app_idle(page)
    _no_errors(page)
    expect(page.get_by_text("Embassy Accra, Ghana · strategy 2022–2026", exact=False)).to_be_visible()
    expect(
        page.get_by_text("Objective 2.2: Ghana's security services disrupt maritime crime", exact=False)
    ).to_be_visible()
    screenshot(page, "/tmp/shots/import_4_strategy.png")
    context.close()
