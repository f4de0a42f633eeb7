"""A new post onboarded in headless Chromium, through the real pages only: the admin imports the post's ICS PDF,
gives the new mission its bureau, sets up agencies, objective roles, a working group and a contributor from one
file, sets the contributor's password; the contributor signs in and submits the post's first update.

The test counts the admin's and contributor's clicks, uploads and typed fields, and times the whole run; both
are printed (``pytest -s``) for the README's figure."""

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import go, prepare_database, screenshot, sign_in, wait_for_app_idle
from tests.formats.ics_corpus import build_pdf, paginate, sample

pytestmark = pytest.mark.browser

ADMIN = "admin@state.gov"
OFFICER = "officer@usaid.gov"
NEW_PASSWORD = "accra harbour lantern 2026"
GROUP = "Democracy and security"


class Steps:
    """What a person does, counted: each click, upload and filled field is one step."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()
        wait_for_app_idle(target.page)

    def fill(self, target: Locator, text: str) -> None:
        self.count += 1
        target.fill(text)

    def upload(self, target: Locator, path: Path) -> None:
        self.count += 1
        target.set_input_files(str(path))
        wait_for_app_idle(target.page, timeout_ms=60_000)


def _no_errors(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={**VIEWPORT, "width": 1440})
    context.set_default_timeout(30_000)
    return context.new_page()


def _choose(steps: Steps, page: Page, label: str, option: str) -> None:
    steps.click(page.get_by_role("combobox", name=label, exact=True))
    steps.click(page.get_by_role("option", name=option).first)


def _filled_setup(downloaded: Path, out: Path) -> Path:
    """The downloaded setup as the admin fills it in offline: a lead for every objective, one working group with
    a chair agency and every objective, and the USAID officer who reports for objective 1.1."""
    document = json.loads(downloaded.read_text())
    codes = [o["code"] for o in document["objectives"]]
    assert codes and all(not o["lead"] for o in document["objectives"]), "a new mission has no roles yet"
    for objective in document["objectives"]:
        objective["lead"] = "USAID" if objective["code"] == "1.1" else "State"
    document["working_groups"] = [
        {"name": GROUP, "chair_agency": "State", "members": ["State", "USAID"], "objectives": codes, "chairs": []}
    ]
    document["users"] = [{"email": OFFICER, "role": "contributor", "agencies": ["USAID"]}]
    out.write_text(json.dumps(document))
    return out


def _admin_sets_up_the_post(steps: Steps, admin: Page, pdf: Path, tmp_path: Path) -> None:
    go(admin, "Import strategy")
    steps.upload(admin.locator('[data-testid="stFileUploaderDropzoneInput"]'), pdf)
    _no_errors(admin)
    expect(admin.get_by_text("new mission: Ghana", exact=False)).to_be_visible()
    steps.click(admin.get_by_text("I have reviewed the changes", exact=False))
    steps.click(admin.get_by_role("button", name="Apply"))
    expect(admin.get_by_text("Created the mission Ghana.", exact=False)).to_be_visible()

    go(admin, "Admin")
    _choose(steps, admin, "Mission", "Ghana (Embassy Accra)")
    steps.click(admin.get_by_role("tab", name="Mission settings"))
    _choose(steps, admin, "Regional bureau", "AF")
    steps.click(admin.get_by_role("button", name="Save mission settings"))
    _no_errors(admin)

    steps.click(admin.get_by_role("tab", name="Post setup"))
    with admin.expect_download() as download:
        steps.click(admin.get_by_role("button", name="Download it as JSON"))
    filled = _filled_setup(Path(download.value.path()), tmp_path / "ghana_setup.json")
    steps.upload(admin.locator('.st-key-admin_setup_file [data-testid="stFileUploaderDropzoneInput"]'), filled)
    _no_errors(admin)
    apply = admin.get_by_role("button", name="Apply", exact=False)
    expect(apply).to_be_visible()
    screenshot(admin, "/tmp/shots/onboard_1_setup_preview.png")
    steps.click(apply)
    expect(admin.get_by_text("Applied", exact=False).first).to_be_visible()

    steps.click(admin.get_by_role("tab", name="Users"))
    _choose(steps, admin, "User", OFFICER)
    steps.fill(admin.get_by_role("textbox", name="New password for this user", exact=False), NEW_PASSWORD)
    steps.click(admin.get_by_role("button", name="Set password"))
    expect(admin.get_by_text(f"Password set for {OFFICER}.", exact=False)).to_be_visible()
    _no_errors(admin)


def _officer_submits(steps: Steps, officer: Page, base: str) -> None:
    sign_in(officer, base, OFFICER, NEW_PASSWORD)
    steps.count += 3  # e-mail, password, Sign in
    go(officer, "Submit update")
    _no_errors(officer)
    # The officer's pages open on the mission their agency is bound at, without choosing it.
    expect(officer.get_by_role("combobox", name="Mission", exact=True)).to_have_value("Ghana (Embassy Accra)")
    expect(officer.get_by_text("Not submitted yet.")).to_be_visible()
    steps.fill(officer.get_by_label("Progress (%)"), "15")
    steps.fill(officer.get_by_label("Accomplishments"), "Court case-tracking pilot opened in two regions.")
    steps.fill(officer.get_by_label("Risk and mitigation"), "Staff turnover at the courts; training planned.")
    steps.click(officer.get_by_role("button", name="Submit", exact=True))
    _no_errors(officer)
    expect(officer.get_by_text("Submitted as revision 1.")).to_be_visible()
    screenshot(officer, "/tmp/shots/onboard_2_first_update.png")


def test_a_new_post_goes_from_its_pdf_to_a_first_submitted_update(
    start_app: StartApp, browser: Browser, tmp_path: Path
) -> None:
    pdf = build_pdf(tmp_path / "ICS_Ghana.pdf", paginate(sample("ics_ghana.txt"), glue=True), mode="mixed")
    base = start_app(env={"DATABASE_URL": prepare_database(tmp_path / "onboard.db", [(ADMIN, "admin", [], [])])})
    admin, officer = _new_page(browser), _new_page(browser)
    steps = Steps()

    started = time.monotonic()
    sign_in(admin, base, ADMIN)
    steps.count += 3
    _admin_sets_up_the_post(steps, admin, pdf, tmp_path)
    _officer_submits(steps, officer, base)
    elapsed = time.monotonic() - started

    # The post's own pages now count the update: Ghana's Overview has it, and Missions lists Ghana under AF.
    go(admin, "Overview")
    # (the mission chosen on Admin stays chosen on every page of the session)
    expect(admin.get_by_role("combobox", name="Mission", exact=True)).to_have_value("Ghana (Embassy Accra)")
    expect(admin.get_by_text("Updates received: 1 of", exact=False)).to_be_visible()
    go(admin, "Missions")
    expect(admin.locator('[data-testid="stDataFrame"]').first).to_contain_text("Ghana")
    _no_errors(admin)
    print(f"\nonboarding: {steps.count} steps, {elapsed:.1f} s in the browser")
    assert elapsed < 600, "a new post is ready and reporting within ten minutes"
