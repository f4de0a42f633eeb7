"""Local sign-in in headless Chromium: a wrong password is refused, the right one opens the contributor's pages."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import StartApp
from tests.browser.helpers import go, nav_titles, prepare_database, screenshot, sign_in, wait_for_app_idle

pytestmark = pytest.mark.browser

EMAIL = "officer@usaid.gov"


def _nav(page: Page) -> list[str]:
    return nav_titles(page)


def test_local_sign_in_and_out(start_app: StartApp, page: Page, tmp_path: Path) -> None:
    url = prepare_database(tmp_path / "signin.db", [(EMAIL, "contributor", ["USAID"], [])])
    base = start_app(env={"DATABASE_URL": url})

    page.goto(f"{base}/")
    wait_for_app_idle(page, timeout_ms=60_000)
    assert "Submit update" not in _nav(page) and "Sign in" in _nav(page)

    sign_in(page, base, EMAIL, "not the password at all", succeeds=False)
    expect(page.get_by_text("E-mail or password is incorrect.")).to_be_visible()
    assert "Submit update" not in _nav(page)

    page.wait_for_timeout(1100)  # one attempt per second per account
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_for_app_idle(page)
    # A contributor lands on My to-do, at its address, not on Account.
    expect(page.get_by_role("heading", name="My to-do")).to_be_visible()
    assert page.url.endswith("/todo"), page.url
    expect(page.locator('[data-testid="stSidebar"]').get_by_text(EMAIL)).to_be_visible()
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Contributor for USAID")).to_be_visible()
    assert {"Submit update", "My to-do", "Account"} <= set(_nav(page)), _nav(page)
    assert "Review" not in _nav(page) and "Admin" not in _nav(page)
    screenshot(page, "/tmp/shots/sign_in_done.png")

    go(page, "Submit update")
    expect(page.get_by_role("heading", name="Submit update")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    wait_for_app_idle(page)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert "Submit update" not in _nav(page) and "Sign in" in _nav(page), _nav(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)


def test_a_viewer_lands_on_the_overview(start_app: StartApp, page: Page, tmp_path: Path) -> None:
    url = prepare_database(tmp_path / "viewer.db", [("reader@state.gov", "viewer", [], [])])
    base = start_app(env={"DATABASE_URL": url})
    sign_in(page, base, "reader@state.gov")
    expect(page.get_by_role("heading", name="Strategy progress")).to_be_visible()
    assert not page.url.endswith("/account"), page.url
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
