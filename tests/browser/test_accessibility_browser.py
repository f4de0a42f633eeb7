"""axe-core on every page the navigation offers, for every role: no critical or serious violations.

axe-core comes from the PyPI package ``axe-playwright-python`` (it bundles ``axe.min.js``; pinned in
requirements-dev.txt), injected into the page by Playwright: nothing is fetched at run time.
Charts drawn on canvas and the data grids' canvas cells are out of axe's reach.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import StartApp
from tests.browser.helpers import go, nav_titles, prepare_database, sign_in, wait_for_app_idle

pytestmark = pytest.mark.browser

BLOCKING = {"critical", "serious"}
ROLES = {
    "anonymous": None,
    "viewer": ("viewer@example.gov", "viewer", [], []),
    "contributor": ("officer@usaid.gov", "contributor", ["USAID"], []),
    "chair": ("chair@state.gov", "chair", [], ["Goal 1"]),
    "admin": ("admin@state.gov", "admin", [], []),
}


def blocking_violations(page: Page) -> list[str]:
    """One line per critical or serious axe violation on the page as it stands: rule, impact and first target."""
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            where = violation["nodes"][0]["html"][:120]
            found.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}x), e.g. {where}")
    return found


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    users = [spec for spec in ROLES.values() if spec is not None]
    return prepare_database(tmp_path_factory.mktemp("axe") / "axe.db", users, demo=True)


@pytest.mark.parametrize("role", list(ROLES))
def test_no_serious_axe_violations_on_any_page(role: str, demo_database: str, start_app: StartApp, browser: Browser):
    base = start_app(env={"DATABASE_URL": demo_database})
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    spec = ROLES[role]
    if spec is None:
        page.goto(base)
        wait_for_app_idle(page, timeout_ms=60_000)
    else:
        sign_in(page, base, spec[0])
    problems: dict[str, list[str]] = {}
    titles = nav_titles(page)
    assert len(titles) >= 6, titles
    for title in titles:
        go(page, title)
        found = blocking_violations(page)
        if found:
            problems[title] = found
    context.close()
    assert problems == {}, f"{role}: {problems}"


def test_search_results_and_a_drill_down_have_no_serious_axe_violations(
    demo_database: str, start_app: StartApp, browser: Browser
) -> None:
    """Beyond each page's first view: highlighted search results, and a table row opening its objective."""
    base = start_app(env={"DATABASE_URL": demo_database})
    context = browser.new_context(viewport={"width": 1440, "height": 1200})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(base)
    wait_for_app_idle(page, timeout_ms=60_000)

    go(page, "Strategy")
    page.get_by_label("Search the strategy").fill("corruption")
    page.keyboard.press("Enter")
    wait_for_app_idle(page)
    expect(page.get_by_role("heading", name="Search results")).to_be_visible()
    expect(page.locator("strong", has_text="corruption").first).to_be_visible()
    assert blocking_violations(page) == []

    # A click on the first row of the Agency page's objectives table opens that objective as of the same quarter.
    go(page, "Agency")
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 15, box["y"] + 38 + 42)  # the row's selection box, below the header
    expect(page.get_by_role("heading", name="Objective", exact=True)).to_be_visible(timeout=30_000)
    wait_for_app_idle(page)
    assert "objective=" in page.url and "to=" in page.url, page.url
    page.get_by_text("older narratives").click()
    wait_for_app_idle(page)
    assert blocking_violations(page) == []
    context.close()
