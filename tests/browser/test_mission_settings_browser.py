"""Admin's Mission settings tab in headless Chromium, with a second post loaded: the new post gets its regional
bureau through the real form (no serious axe violation on the tab), and then shows under that bureau on
Missions; visitors still open on the post loaded first."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import StartApp
from tests.browser.helpers import go, prepare_database, screenshot, sign_in, wait_for_app_idle
from tests.browser.test_accessibility_browser import blocking_violations

pytestmark = pytest.mark.browser

ADMIN = "admin@state.gov"
GHANA_SAMPLE = Path(__file__).resolve().parents[1] / "formats" / "samples" / "ics_ghana.txt"


def _two_posts(path: Path) -> str:
    from dashboard.formats.ics_document import parse_ics_file
    from dashboard.services.strategy_import import import_strategy
    from dashboard.store.database import dispose_engine, get_engine, write_session

    url = prepare_database(path, [(ADMIN, "admin", [], [])], demo=True)
    with write_session(get_engine(url)) as session:
        import_strategy(session=session, strategy=parse_ics_file(GHANA_SAMPLE))
    dispose_engine(url)
    return url


def test_a_new_post_gets_its_bureau_on_the_settings_tab(start_app: StartApp, page: Page, tmp_path: Path) -> None:
    base = start_app(env={"DATABASE_URL": _two_posts(tmp_path / "posts.db")})
    page.goto(f"{base}/overview")
    wait_for_app_idle(page, timeout_ms=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_role("combobox", name="Mission")).to_have_value("Peru (Embassy Lima)")  # not Ghana
    expect(page.get_by_text("Demo data: 604 of the status updates shown")).to_be_visible()

    sign_in(page, base, ADMIN)
    page.goto(f"{base}/admin?mission=2")  # the sign-in cookie keeps the admin signed in
    wait_for_app_idle(page, timeout_ms=60_000)
    expect(page.get_by_text("Demo data")).to_have_count(0)  # Ghana has no demo updates
    page.get_by_role("tab", name="Mission settings").click()
    wait_for_app_idle(page)
    expect(page.get_by_role("heading", name="Settings of Ghana (Embassy Accra)")).to_be_visible()
    assert blocking_violations(page) == []
    page.get_by_role("combobox", name="Regional bureau").click()
    page.get_by_role("option", name="AF (Africa)").click()
    page.get_by_role("button", name="Save mission settings").click()
    wait_for_app_idle(page)
    expect(page.get_by_text("Saved the settings of Ghana.")).to_be_visible()
    screenshot(page, "/tmp/shots/admin_mission_settings.png", full_page=False)

    go(page, "Missions")
    sidebar.get_by_role("combobox", name="Regional bureau").click()
    page.get_by_role("option", name="AF: Africa").click()
    wait_for_app_idle(page)
    expect(page.locator('[data-testid="stDataFrame"]').first).to_contain_text("Ghana (Embassy Accra)")
