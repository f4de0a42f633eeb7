"""Every link in an e-mail opens what it says, in headless Chromium: ``notify`` sends a reminder and a chair's
digest through a real SMTP server (aiosmtpd); each link, opened in a browser that is not signed in, asks for a
sign-in and then lands on exactly the update it names (the Submit form, the Review queue's update)."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text
from sqlmodel import select

from dashboard.services import notify, submissions
from dashboard.settings import MailSettings, Settings
from dashboard.store.database import dispose_engine, get_engine, write_session
from models import Mission, UpdateInput
from tests.browser.conftest import VIEWPORT, StartApp
from tests.browser.helpers import PASSWORD, prepare_database, wait_for_app_idle
from tests.mailserver import Inbox, free_port, smtp_server

pytestmark = pytest.mark.browser

OFFICER = "officer@dea.gov"
CHAIR = "chair@state.gov"
LINK = re.compile(r"^  (http://\S+)", re.MULTILINE)


def _send(url: str, base: str) -> Inbox:
    engine = get_engine(url)
    with write_session(engine) as session:
        mission = session.exec(select(Mission)).one()
        mission.time_zone = "America/Lima"
        session.add(mission)
        ids = dict(session.execute(text("SELECT code, id FROM objective")).all())
        agency = session.execute(text("SELECT id FROM agency WHERE acronym='State'")).scalar()
        form = UpdateInput(objective_id=ids["1.2"], agency_id=agency, fiscal_year=2026, quarter=4, status="On track",
                           progress=50, risk_level="Low", accomplishments="Two trade missions held.")  # fmt: skip
        submissions.submit(session=session, actor_email="state@state.gov", form=form, base_revision=0,
                           today=datetime(2026, 11, 3).date())  # fmt: skip
    mail = MailSettings(smtp_host="127.0.0.1", smtp_port=free_port(), mail_from="ICS <ics@example.gov>", base_url=base)
    with smtp_server(mail.smtp_port) as (inbox, _):
        report = notify.run(engine, Settings(database_url=url), mail, datetime(2026, 11, 3, 15, tzinfo=UTC))
    dispose_engine(url)
    assert report.ok, report
    return inbox


def _open_signed_out(browser: Browser, link: str, email: str) -> Page:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(30_000)
    page.goto(link)
    wait_for_app_idle(page, timeout_ms=60_000)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()  # not "Page not found"
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_for_app_idle(page)
    return page


def test_each_link_in_a_reminder_and_a_digest_opens_its_update_after_signing_in(
    start_app: StartApp, browser: Browser, tmp_path: Path
) -> None:
    users = [(OFFICER, "contributor", ["DEA"], []), (CHAIR, "chair", [], ["Goal 1"]),
             ("state@state.gov", "contributor", ["State"], [])]  # fmt: skip
    url = prepare_database(tmp_path / "mail.db", users)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    inbox = _send(url, base)
    (reminder,) = inbox.to(OFFICER)
    links = LINK.findall(Inbox.text(reminder))
    assert links and all(link.startswith(f"{base}/submit?mission=") for link in links)
    start_app(env={"DATABASE_URL": url}, port=port)

    first = next(link for link in links if "objective=2.1" in link)
    page = _open_signed_out(browser, first, OFFICER)
    expect(page.get_by_role("heading", name="DEA on 2.1, FY2026 Q4")).to_be_visible()
    expect(page).to_have_url(re.compile(r"objective=2\.1&agency=DEA&quarter=2026Q4"))
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    digest = next(m for m in inbox.to(CHAIR) if "waiting for your review" in str(m["Subject"]))
    (review_link,) = LINK.findall(Inbox.text(digest))
    assert review_link.startswith(f"{base}/review?mission=")
    page = _open_signed_out(browser, review_link, CHAIR)
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    expect(page.get_by_role("combobox", name="Update to review")).to_have_value(
        re.compile(r"^1\.2 · State · FY2026 Q4")
    )
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
