"""The Overview page in headless Chromium: sidebar filters change the view, reach the URL, and the link reproduces it.

``st.dataframe`` draws on a canvas; its cells are read from the accessible ``table[role=grid]`` that the grid
keeps in the DOM (``aria-rowcount`` counts the header row), and are cross-checked against text outside the grid:
the "Updates received" progress text, the metric cards, the chart summaries and the goal chart's axis labels.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import screenshot, wait_for_app_idle

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots"
LOAD_TIMEOUT_MS = 60_000
UPDATES_RE = re.compile(r"^Updates received: (\d+) of (\d+) expected for (FY\d{4} Q[1-4])$")
METRIC_LABELS = ["On track", "At risk", "Off track", "Completed", "Progress", "High risk"]


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _updates(page: Page) -> Locator:
    return page.locator('[data-testid="stProgress"]').filter(has_text="Updates received:")


def _read_updates(page: Page) -> tuple[str, int, int, str]:
    text = _updates(page).inner_text().strip()
    match = UPDATES_RE.match(text)
    assert match, f"unexpected progress text: {text!r}"
    return text, int(match[1]), int(match[2]), match[3]


def _metrics(page: Page) -> dict[str, str]:
    cards = page.locator('[data-testid="stMetric"]')
    # Streamlit loads the metric component lazily: it can appear a moment after the script run ends.
    expect(cards).to_have_count(len(METRIC_LABELS))
    out = {}
    for card in cards.all():
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
    assert list(out) == METRIC_LABELS
    return out


def _grid_after_heading(page: Page, heading: str) -> Locator:
    """The accessible table of the ``st.dataframe`` drawn right after the heading ``heading``."""
    box = page.locator('[data-testid="stElementContainer"]').filter(
        has=page.get_by_role("heading", name=heading, exact=True)
    )
    expect(box).to_have_count(1)
    frame = box.locator('xpath=following-sibling::div[@data-testid="stElementContainer"][1]').locator(
        '[data-testid="stDataFrame"]'
    )
    return frame.locator('table[role="grid"]')


def _first_column(grid: Locator) -> list[str]:
    return [c.strip() for c in grid.locator('tbody td[aria-colindex="1"]').all_inner_texts()]


def _caption(page: Page, pattern: str) -> Locator:
    return page.locator('[data-testid="stCaptionContainer"]').filter(has_text=re.compile(pattern))


def _goal_chart_labels(page: Page) -> list[str]:
    ticks = page.locator(".st-key-ov_goals_chart .ytick text")
    return sorted(t.strip() for t in ticks.all_text_contents())


def _pick(page: Page, label: str, option: re.Pattern[str]) -> None:
    """Open a sidebar multiselect by its label and choose one option."""
    box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True)
    box.click()
    choice = page.get_by_role("option", name=option)
    expect(choice).to_have_count(1)
    choice.click()
    # Close the list and leave the widget: a focused multiselect is taller than a blurred one, so
    # blurring it later (on the next click) would shift the sidebar under the mouse mid-click.
    page.keyboard.press("Escape")
    box.blur()
    expect(page.get_by_role("listbox")).to_have_count(0)


def _shot_from(page: Page, heading: str, path: str) -> None:
    """A viewport screenshot scrolled to ``heading`` (the app scrolls inside its main block, not the page)."""
    page.get_by_role("heading", name=heading, exact=True).evaluate("h => h.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    screenshot(page, path, full_page=False)


def _section(page: Page, name: str) -> None:
    """Show one section of the overview (Progress, By agency, Trend) and wait for its run to end."""
    page.locator('[data-testid="stButtonGroup"]').get_by_text(name, exact=True).click()
    if name != "Progress":
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)


def _settle(page: Page, before: str) -> None:
    """After a widget change: the progress text differs from ``before`` and the app is idle again."""
    expect(_updates(page)).not_to_have_text(before, timeout=LOAD_TIMEOUT_MS)
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_overview_goal_and_agency_filters_change_the_view_and_the_link_reproduces_it(
    app_server: str, page: Page
) -> None:
    # 1. Unfiltered overview (bundled Peru strategy with demo history).
    page.goto(f"{app_server}/")
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Strategy progress", exact=True)).to_be_visible()
    expect(_updates(page)).to_have_text(UPDATES_RE)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    all_text, all_received, all_expected, quarter = _read_updates(page)
    all_metrics = _metrics(page)
    expect(_caption(page, r"^Goal \d leads at \d+% mean progress; .+ trails at \d+%\.$")).to_have_count(1)
    _section(page, "Objectives")
    objectives = _grid_after_heading(page, "Objectives")
    expect(objectives).to_have_count(1)
    all_codes = _first_column(objectives)
    assert {"1.1", "2.1", "2.2"} <= set(all_codes), all_codes
    assert objectives.get_attribute("aria-rowcount") == str(len(all_codes) + 1)
    assert "goal" not in _query(page) and "agency" not in _query(page), page.url
    screenshot(page, f"{SHOTS}/overview_1_all.png")
    _section(page, "By agency")
    _shot_from(page, "By agency", f"{SHOTS}/overview_1b_all_agency.png")
    _section(page, "Objectives")
    page.get_by_role("heading", name="Strategy progress", exact=True).evaluate("h => h.scrollIntoView()")

    # 2. Goal filter: only Goal 2 and its objectives 2.1 and 2.2.
    _pick(page, "Goal", re.compile(r"^Goal 2: "))
    expect(page).to_have_url(re.compile(r"[?&]goal=2(&|$)"))
    _settle(page, all_text)
    goal_text, goal_received, goal_expected, goal_quarter = _read_updates(page)
    assert goal_quarter == quarter
    assert 0 < goal_expected < all_expected, (goal_text, all_text)
    assert goal_received <= all_received
    goal_metrics = _metrics(page)
    assert goal_metrics != all_metrics
    expect(objectives).to_have_attribute("aria-rowcount", "3")
    assert _first_column(objectives) == ["2.1", "2.2"]
    _section(page, "Progress")
    expect(_caption(page, r"^Goal 2 is at \d+% mean progress\.$")).to_have_count(1)
    expect(_caption(page, r"^2 objectives: ")).to_have_count(1)
    expect(page.locator(".st-key-ov_goals_chart .ytick text")).to_have_count(3)
    assert _goal_chart_labels(page) == ["2.1", "2.2", "Goal 2"]
    assert _query(page)["goal"] == ["2"] and "agency" not in _query(page), page.url
    expect(page.locator(".st-key-ov_goal")).to_contain_text("Goal 2: ")
    screenshot(page, f"{SHOTS}/overview_2_goal2.png")
    _section(page, "Objectives")

    # 3. Agency filter on top: DEA has not reported the latest quarter in the demo data.
    _pick(page, "Agency", re.compile(r"^DEA$"))
    expect(page).to_have_url(re.compile(r"[?&]agency=DEA(&|$)"))
    _settle(page, goal_text)
    dea_text, dea_received, dea_expected, dea_quarter = _read_updates(page)
    assert dea_quarter == quarter
    assert 0 < dea_expected < goal_expected, (dea_text, goal_text)
    assert dea_received < dea_expected, dea_text
    dea_metrics = _metrics(page)
    assert dea_metrics != goal_metrics
    expect(objectives).to_have_attribute("aria-rowcount", "3")
    assert _first_column(objectives) == ["2.1", "2.2"]
    _section(page, "By agency")
    missing = _grid_after_heading(page, "Not yet reported")
    expect(missing).to_have_count(1)
    missing_agencies = _first_column(missing)
    assert missing_agencies and set(missing_agencies) == {"DEA"}, missing_agencies
    expect(
        _caption(page, rf"^Not yet reported in full: DEA \({dea_expected - dea_received} missing\)\.$")
    ).to_have_count(1)
    query = _query(page)
    assert query["goal"] == ["2"] and query["agency"] == ["DEA"], page.url
    expect(page.locator(".st-key-ov_agency")).to_contain_text("DEA")
    screenshot(page, f"{SHOTS}/overview_3_goal2_dea.png")
    _shot_from(page, "By agency", f"{SHOTS}/overview_3c_goal2_dea_agency.png")
    _section(page, "Objectives")
    _shot_from(page, "Objectives", f"{SHOTS}/overview_3b_goal2_dea_tables.png")

    # 4. The copied link, opened in a new tab, reproduces the filtered view.
    link = page.url
    again = page.context.new_page()
    again.goto(link)
    wait_for_app_idle(again, timeout_ms=LOAD_TIMEOUT_MS)
    expect(_updates(again)).to_have_text(dea_text)
    expect(again.locator('[data-testid="stException"]')).to_have_count(0)
    assert _metrics(again) == dea_metrics
    _section(again, "Objectives")
    again_objectives = _grid_after_heading(again, "Objectives")
    expect(again_objectives).to_have_attribute("aria-rowcount", "3")
    assert _first_column(again_objectives) == ["2.1", "2.2"]
    _section(again, "By agency")
    assert set(_first_column(_grid_after_heading(again, "Not yet reported"))) == {"DEA"}
    expect(again.locator(".st-key-ov_goal")).to_contain_text("Goal 2: ")
    expect(again.locator(".st-key-ov_agency")).to_contain_text("DEA")
    again_query = _query(again)
    assert again_query["goal"] == ["2"] and again_query["agency"] == ["DEA"], again.url
    screenshot(again, f"{SHOTS}/overview_4_reopened.png")


def test_a_row_of_the_objectives_table_opens_that_objective(app_server: str, page: Page) -> None:
    page.goto(f"{app_server}/?to=2026Q4")
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    _section(page, "Objectives")
    objectives = _grid_after_heading(page, "Objectives")
    expect(objectives).to_have_count(1)
    second = _first_column(objectives)[1]
    box = page.locator(".st-key-ov_objectives").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 35 + 17)  # the second row's selection box
    _opened_objective(page, second)


def _opened_objective(page: Page, code: str) -> None:
    """The click switched to the Objective page on ``code`` as of the overview's quarter, and it ran cleanly."""
    expect(page).to_have_url(
        re.compile(rf"/objective\?(.*&)?objective={re.escape(code)}(&|$)"), timeout=LOAD_TIMEOUT_MS
    )
    assert _query(page)["to"] == ["2026Q4"], page.url
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def _click_in_chart(page: Page, key: str, locate_js: str) -> str:
    """Click the point of chart ``key`` that ``locate_js`` finds (its page position and objective code); the code."""
    chart = page.locator(f".st-key-{key}")
    expect(chart.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    chart.scroll_into_view_if_needed()
    point = chart.evaluate(locate_js)
    assert point is not None, f"{key} has no point that stands for an objective"
    page.mouse.click(point["x"], point["y"])
    return str(point["code"])


# The page position of the centre of the first heatmap cell that holds a status (z 0 is "not expected", 1 is a
# missing update), from the figure plotly drew. Cells are placed by index: objective codes such as "1.1" would
# read as numbers.
HEATMAP_CELL_JS = """
(root) => {
  const gd = root.querySelector('.js-plotly-plot');
  const trace = gd._fullData[0], xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.getBoundingClientRect();
  for (let j = 0; j < trace.y.length; j++) {
    for (let i = 0; i < trace.x.length; i++) {
      if (trace.z[j][i] >= 2) {
        return {code: String(trace.x[i]), agency: String(trace.y[j]),
                x: box.left + xa._offset + xa.l2p(i), y: box.top + ya._offset + ya.l2p(j)};
      }
    }
  }
  return null;
}
"""


def test_a_cell_of_the_agency_heatmap_opens_that_objective(app_server: str, page: Page) -> None:
    page.goto(f"{app_server}/?to=2026Q4")
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    _section(page, "By agency")
    _opened_objective(page, _click_in_chart(page, "ov_heatmap_chart", HEATMAP_CELL_JS))


# The page position of the centre of the first bar that stands for an objective (its customdata carries the
# objective's code; a goal's own bar carries none), and that code.
OBJECTIVE_BAR_JS = """
(root) => {
  const gd = root.querySelector('.js-plotly-plot');
  const points = gd.querySelectorAll('.barlayer .trace .point');
  const custom = gd._fullData[0].customdata;
  for (let i = 0; i < custom.length; i++) {
    if (custom[i][1]) {
      const r = points[i].getBoundingClientRect();
      return {code: String(custom[i][1]), x: r.left + r.width / 2, y: r.top + r.height / 2};
    }
  }
  return null;
}
"""


def test_a_bar_of_the_goal_chart_opens_that_objective(app_server: str, page: Page) -> None:
    page.goto(f"{app_server}/?to=2026Q4")
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    _opened_objective(page, _click_in_chart(page, "ov_goals_chart", OBJECTIVE_BAR_JS))
