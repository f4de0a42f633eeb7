"""The Missions page in headless Chromium on a generated multi-mission database: the roll-up draws, a bureau
filter narrows it, and a click on a mission's row opens that mission's overview."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dashboard.bench import DRAWN_JS, MISSIONS, build_database
from tests.browser.conftest import StartApp
from tests.browser.helpers import screenshot, wait_for_app_idle

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots"
LOAD_TIMEOUT_MS = 90_000


@pytest.fixture
def world_server(start_app: StartApp, tmp_path: Path) -> str:
    path = tmp_path / "world.db"
    build_database(path, 20_000)  # 270 missions over the six bureaus; every pair reported for FY2023 Q1
    return start_app(env={"DATABASE_URL": f"sqlite:///{path}", "ICS_DEMO_ON_NEW_DATABASE": "false"})


def _drawn(page: Page) -> None:
    page.wait_for_function(DRAWN_JS, arg=1, polling="raf", timeout=LOAD_TIMEOUT_MS)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def _missions_grid(page: Page):  # noqa: ANN202
    return page.locator(".st-key-mi_table").locator('table[role="grid"]')


def test_missions_roll_up_filter_and_drill_down(world_server: str, page: Page) -> None:
    page.set_viewport_size({"width": 1440, "height": 1100})
    page.goto(f"{world_server}/missions?to=2023Q1")
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    _drawn(page)
    expect(page.get_by_role("heading", name="Missions", exact=True)).to_be_visible()
    grid = _missions_grid(page)
    expect(grid).to_have_attribute("aria-rowcount", str(MISSIONS + 1))
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics[0] == f"{MISSIONS:,}"
    expect(page.locator('[data-testid="stCaptionContainer"]').filter(has_text="every bureau at 100%")).to_have_count(1)
    screenshot(page, f"{SHOTS}/missions_1_all_1440.png")
    page.set_viewport_size({"width": 1024, "height": 1100})
    screenshot(page, f"{SHOTS}/missions_1_all_1024.png")
    page.set_viewport_size({"width": 1440, "height": 1100})

    # A bureau: only its 45 missions, and the link says so.
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Regional bureau").click()
    page.get_by_role("option", name=re.compile(r"^WHA: ")).click()
    expect(page).to_have_url(re.compile(r"[?&]bureau=WHA(&|$)"))
    expect(grid).to_have_attribute("aria-rowcount", str(MISSIONS // 6 + 1), timeout=LOAD_TIMEOUT_MS)
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    first_mission = grid.locator("tbody tr").first.locator("td").nth(0).inner_text().strip()
    assert first_mission == "Country 006 (Embassy 006)", first_mission
    # The overall status, right after the bureau: its symbol and name, drawn as a coloured label.
    overall = grid.locator("tbody tr").first.locator("td").nth(2).inner_text().strip()
    assert re.match(r"^[●▲✖✔○–] [A-Z][a-z]", overall), overall

    # A click on the first row's selection box opens that mission's overview.
    box = page.locator(".st-key-mi_table").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    expect(page).to_have_url(re.compile(r"127.0.0.1:\d+/\?(.*&)?mission=6(&|$)"), timeout=LOAD_TIMEOUT_MS)
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Strategy progress", exact=True)).to_be_visible()
    expect(page.locator(".st-key-ov_mission input")).to_have_value("Country 006 (Embassy 006)")
    _drawn(page)
    screenshot(page, f"{SHOTS}/missions_2_drilled_overview.png")
