"""The quarterly cycle in headless Chromium, with two people in two browser sessions.

A contributor signs in, submits an update and sees it on the overview; the working-group chair
returns it with a comment; the contributor sees the comment, fixes the update and resubmits; the
chair approves; the contributor sees the approval.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import as_shown, go, prepare_database, screenshot, sign_in, wait_for_app_idle

pytestmark = pytest.mark.browser

OFFICER = "officer@usaid.gov"
CHAIR = "chair@state.gov"
QUARTER = "FY2026 Q4"  # the quarter being reported on 2026-11-23, and the strategy's last


def _no_errors(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    return context.new_page()


def _submit_form(page: Page) -> None:
    page.get_by_role("button", name="Submit", exact=True).click()
    wait_for_app_idle(page)
    _no_errors(page)


def test_submit_return_fix_resubmit_approve(start_app: StartApp, browser: Browser, tmp_path: Path) -> None:
    url = prepare_database(
        tmp_path / "flow.db",
        [(OFFICER, "contributor", ["USAID"], []), (CHAIR, "chair", [], ["Goal 1"])],
    )
    base = start_app(env={"DATABASE_URL": url})
    officer = _new_page(browser)
    chair = _new_page(browser)

    # The contributor submits USAID's update on objective 1.1 for the quarter being reported.
    sign_in(officer, base, OFFICER)
    go(officer, "Submit update")
    expect(officer.get_by_text("Not submitted yet.")).to_be_visible()
    expect(officer.get_by_role("combobox", name="Quarter")).to_have_value(QUARTER)
    officer.get_by_label("Progress (%)").fill("40")
    officer.get_by_label("Accomplishments").fill("Trade mission held with twelve firms.")
    officer.get_by_label("Risk and mitigation").fill("=Low risk; counterpart turnover watched.")
    _submit_form(officer)
    expect(officer.get_by_text("Submitted as revision 1.")).to_be_visible()
    expect(officer.get_by_text("Revision 1: Submitted, waiting for review")).to_be_visible()
    screenshot(officer, "/tmp/shots/flow_1_submitted.png")

    # ...and sees it counted on the overview (no demo data: it is the only update).
    go(officer, "Overview")
    expect(officer.locator('[data-testid="stProgress"]').filter(has_text="Updates received:")).to_have_text(
        f"Updates received: 1 of 33 expected for {QUARTER}"
    )
    _no_errors(officer)

    # The chair returns it with a comment.
    sign_in(chair, base, CHAIR)
    go(chair, "Review")
    expect(chair.get_by_role("combobox", name="Update to review")).to_have_value(
        f"1.1 · USAID · {QUARTER} · revision 1 by {OFFICER}"
    )
    chair.get_by_role("button", name="Return with comment").click()
    wait_for_app_idle(chair)
    expect(chair.get_by_text("say what needs fixing")).to_be_visible()
    chair.get_by_label("Comment (required to return; the submitter sees it)").fill("Name the firms' sectors, please.")
    chair.get_by_role("button", name="Return with comment").click()
    wait_for_app_idle(chair)
    _no_errors(chair)
    returned = chair.get_by_text(as_shown("revision 1 by officer@usaid.gov: returned.")).last
    expect(returned).to_be_visible()
    # the address is neither a link nor padded with invisible characters: it copies exactly as typed
    assert returned.locator("a").count() == 0
    assert "\u2060" not in returned.inner_text() and "officer@usaid.gov" in returned.inner_text()
    expect(chair.get_by_text("Nothing is waiting for your review.")).to_be_visible()

    # The contributor sees the comment, fixes the update and resubmits.
    go(officer, "Submit update")
    expect(officer.get_by_text("This update was returned. Fix it and submit again.")).to_be_visible()
    expect(officer.get_by_text(f"Returned by {CHAIR}: Name the firms' sectors, please.").first).to_be_visible()
    officer.get_by_label("Accomplishments").fill("Trade mission held with twelve firms in mining and agriculture.")
    _submit_form(officer)
    expect(officer.get_by_text("Submitted as revision 2.")).to_be_visible()
    screenshot(officer, "/tmp/shots/flow_2_resubmitted.png")

    # The chair approves the new revision, seeing what changed.
    go(chair, "Review")
    expect(chair.get_by_role("combobox", name="Update to review")).to_have_value(
        f"1.1 · USAID · {QUARTER} · revision 2 by {OFFICER}"
    )
    expect(chair.get_by_text("Changed since revision 1, the previous one")).to_be_visible()
    screenshot(chair, "/tmp/shots/flow_3_review.png")
    chair.get_by_role("button", name="Approve").click()
    wait_for_app_idle(chair)
    _no_errors(chair)
    expect(chair.get_by_text(as_shown("revision 2 by officer@usaid.gov: approved."))).to_be_visible()

    # The contributor sees the approval and the history keeps both revisions.
    go(officer, "Submit update")
    expect(officer.get_by_text("Revision 2: Approved")).to_be_visible()
    wait_for_app_idle(officer)
    # .first: while a rerun replaces the page, the old copy of an element can linger for a moment.
    expect(
        officer.get_by_text(as_shown(f"Revision 1 · Returned, then superseded by revision 2 · {OFFICER}")).first
    ).to_be_visible()
    expect(officer.get_by_text(as_shown(f"Revision 2 · Approved · {OFFICER}")).first).to_be_visible()
    screenshot(officer, "/tmp/shots/flow_4_approved.png", full_page=True)
