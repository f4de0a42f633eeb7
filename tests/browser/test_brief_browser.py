"""The brief buttons on the Overview in headless Chromium: a click downloads the deck or the PDF for the filters."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pypdf import PdfReader

from tests.browser.helpers import screenshot, wait_for_app_idle

pytestmark = pytest.mark.browser

LOAD_TIMEOUT_MS = 60_000


def test_brief_buttons_download_the_deck_and_the_pdf_for_the_current_filters(
    app_server: str, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{app_server}/?goal=2&to=2026Q4")
    wait_for_app_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Quarterly review brief", exact=True)).to_be_visible()
    button = page.get_by_role("button", name="Brief (PowerPoint)")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=LOAD_TIMEOUT_MS) as download:
        button.click()
    assert download.value.suggested_filename == "ics-brief-peru-FY2026Q4.pptx"
    deck_path = tmp_path / "brief.pptx"
    download.value.save_as(deck_path)
    deck = Presentation(str(deck_path))
    texts = [s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame]
    assert any(t.startswith("Goal 2:") for t in texts)
    assert not any(t.startswith(("Goal 1:", "Goal 3:", "Goal 4:", "Management objectives")) for t in texts)
    assert "Prepared" in " ".join(texts) and "a visitor who was not signed in" in " ".join(texts)
    charts = [s.chart.chart_type for slide in deck.slides for s in slide.shapes if s.has_chart]
    # progress, status and risk, the trend, and goal 2's indicators against target
    assert len(charts) == 5 and XL_CHART_TYPE.LINE_MARKERS in charts

    with page.expect_download(timeout=LOAD_TIMEOUT_MS) as download:
        page.get_by_role("button", name="Brief (PDF)").click()
    pdf_path = tmp_path / "brief.pdf"
    download.value.save_as(pdf_path)
    pages = PdfReader(pdf_path).pages
    assert len(pages) >= 5
    assert all("FOR PUBLIC RELEASE" in p.extract_text() for p in pages)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.locator('[data-testid="stDownloadButtonError"]')).to_have_count(0)
    screenshot(page, "/tmp/shots/overview-brief.png")
