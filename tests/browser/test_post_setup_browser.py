"""Admin's Post setup tab in headless Chromium: download the post's setup, upload a changed copy, read the
listed changes, apply them, and the new contributor and working group exist."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import StartApp
from tests.browser.helpers import go, prepare_database, screenshot, sign_in, wait_for_app_idle

pytestmark = pytest.mark.browser

ADMIN = "admin@state.gov"


def test_a_post_is_set_up_from_a_changed_copy_of_its_own_setup(start_app: StartApp, page: Page, tmp_path: Path) -> None:
    base = start_app(env={"DATABASE_URL": prepare_database(tmp_path / "setup.db", [(ADMIN, "admin", [], [])])})
    sign_in(page, base, ADMIN)
    go(page, "Admin")
    page.get_by_role("tab", name="Post setup").click()
    wait_for_app_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download it as JSON").click()
    document = json.loads(Path(download.value.path()).read_text())
    assert len(document["objectives"]) == 11 and len(document["working_groups"]) == 5

    document["users"].append({"email": "new.usaid@example.gov", "role": "contributor", "agencies": ["USAID"]})
    document["working_groups"][0]["chairs"] = ["new.chair@example.gov"]
    document["users"].append({"email": "new.chair@example.gov", "role": "chair"})
    changed = tmp_path / "setup.json"
    changed.write_text(json.dumps(document))
    page.locator('.st-key-admin_setup_file [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(changed))
    wait_for_app_idle(page)
    expect(page.get_by_text("Applying this file makes 2 changes")).to_be_visible()
    screenshot(page, "/tmp/shots/admin_post_setup_preview.png")
    page.get_by_role("button", name="Apply 2 changes").click()
    wait_for_app_idle(page)
    expect(page.get_by_text("Applied 2 changes")).to_be_visible()
    page.get_by_role("tab", name="Users").click()
    table = page.locator('[data-testid="stDataFrame"]').first
    expect(table).to_contain_text("new.usaid@example.gov")
    expect(table).to_contain_text("new.chair@example.gov")

    document["users"].append({"email": "bad@example.gov", "role": "contributor"})
    changed.write_text(json.dumps(document))
    page.get_by_role("tab", name="Post setup").click()
    page.locator('.st-key-admin_setup_file [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(changed))
    wait_for_app_idle(page)
    expect(page.get_by_text("a contributor needs at least one agency to report for")).to_be_visible()
    expect(page.get_by_role("button", name="Apply", exact=False)).to_have_count(0)
