"""A write made outside the running server (the command line, another replica) shows on the next page view
within a few seconds, and the page says how recent its data is."""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dashboard.domain import aggregation
from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import admin, submissions
from dashboard.store import queries
from dashboard.store.database import dispose_engine, get_engine, write_session
from models import UpdateInput
from tests.browser.helpers import prepare_database, wait_for_app_idle

pytestmark = pytest.mark.browser

QUARTER = FiscalQuarter(2026, 4)
WRITER = "writer@example.gov"
UPDATES_RE = re.compile(r"Updates received: (\d+) of (\d+) expected")


def _received(page: Page) -> int:
    box = page.locator('[data-testid="stProgress"]').filter(has_text="Updates received:")
    expect(box).to_be_visible(timeout=60_000)
    match = UPDATES_RE.search(box.inner_text())
    assert match, box.inner_text()
    return int(match[1])


def _a_missing_update(url: str) -> tuple[int, int, str]:
    """(objective id, agency id, agency acronym) of an update the demo leaves missing for QUARTER."""
    engine = get_engine(url)
    expected, updates = queries.expected_frame(engine, 1), queries.updates_frame(engine, 1)
    missing = aggregation.missing_reports(expected, updates, QUARTER)
    assert not missing.empty, "the demo has no missing update to write"
    row = expected.merge(missing[["code", "agency"]], on=["code", "agency"]).iloc[0]
    return int(row["objective_id"]), int(row["agency_id"]), str(row["agency"])


def test_a_write_from_another_process_shows_on_the_next_page_view(start_app, page: Page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = prepare_database(tmp_path / "fresh.db", [], demo=True)
    objective_id, agency_id, acronym = _a_missing_update(url)
    with write_session(get_engine(url)) as session:
        admin.add_user(session=session, actor_email=SYSTEM_ACTOR, email=WRITER, role="contributor", agencies=[acronym])
    base = start_app(env={"DATABASE_URL": url})
    page.goto(f"{base}/?to={QUARTER.fiscal_year}Q{QUARTER.quarter}")
    wait_for_app_idle(page)
    before = _received(page)
    expect(page.get_by_text(re.compile(r"^Data as of \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC$"))).to_be_visible()

    # The command line (or another replica) stores an update: a separate process with its own engine.
    form = UpdateInput(
        objective_id=objective_id,
        agency_id=agency_id,
        fiscal_year=QUARTER.fiscal_year,
        quarter=QUARTER.quarter,
        status="On track",
        progress=50,
        risk_level="Low",
        accomplishments="Reported from the command line.",
    )
    with write_session(get_engine(url)) as session:
        submissions.submit(session=session, actor_email=WRITER, form=form, base_revision=0)
    written = time.monotonic()
    dispose_engine(url)

    # The server checks the data version at most once a second: a view begun a second later reads the write.
    time.sleep(max(0.0, 1.2 - (time.monotonic() - written)))
    started = time.monotonic() - written
    page.reload()
    wait_for_app_idle(page)
    assert _received(page) == before + 1
    assert started < 3.0
