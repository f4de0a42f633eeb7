"""An admin uploads a PDF bomb to the running server: one sentence back, and the server goes on serving."""

import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from dashboard.formats.ics_document import PDF_REFUSALS
from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import go, prepare_database, sign_in, wait_for_app_idle
from tests.hostile.pdf_bombs import double_flate_bomb

pytestmark = pytest.mark.browser

ADMIN = "admin@state.gov"


def test_pdf_bomb_is_refused_and_the_server_keeps_serving(
    start_app: StartApp, browser: Browser, tmp_path: Path
) -> None:
    bomb = tmp_path / "ICS_Bomb.pdf"
    bomb.write_bytes(double_flate_bomb())  # 5 KB; 3 GB once decoded
    url = prepare_database(tmp_path / "bomb.db", [(ADMIN, "admin", [], [])])
    base = start_app(env={"DATABASE_URL": url})
    context = browser.new_context(viewport={**VIEWPORT, "width": 1440})
    context.set_default_timeout(30_000)
    page = context.new_page()

    sign_in(page, base, ADMIN)
    go(page, "Import strategy")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bomb))
    wait_for_app_idle(page, timeout_ms=60_000)
    expect(page.get_by_text(f"cannot read ICS_Bomb.pdf: {PDF_REFUSALS['memory']}", exact=True)).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=10) as response:
        assert response.read() == b"ok"
    go(page, "Strategy")
    wait_for_app_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_role("heading", name="Mission Goal 1")).to_be_visible()
    context.close()
