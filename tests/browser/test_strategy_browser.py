"""The Strategy page, served by ``streamlit run`` and seen through headless Chromium."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import screenshot, wait_for_app_idle

pytestmark = pytest.mark.browser

OBJECTIVE_1_1 = (
    "Objective 1.1: Peru achieved more inclusive and sustainable economic growth, "
    "improving the business climate for U.S. trade and investment."
)


def test_strategy_first_screen_shows_objective_1_1(app_server: str, page: Page) -> None:
    page.goto(f"{app_server}/strategy")
    wait_for_app_idle(page, timeout_ms=60_000)

    objective = page.get_by_text(OBJECTIVE_1_1, exact=False).first
    expect(objective).to_be_visible()
    expect(objective).to_be_in_viewport()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    screenshot(page, "/tmp/shots/strategy.png")
