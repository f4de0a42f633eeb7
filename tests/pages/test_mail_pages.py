"""E-mail in the pages (AppTest): the Account page's digest and summary switches, saved for oneself only; Admin's
E-mail tab with the outbox (what was sent, what failed and why), what the next run would send, and an admin turning
one person's reminders off."""

from datetime import UTC, datetime

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from dashboard.services import notify
from dashboard.settings import MailSettings, Settings
from dashboard.store.database import read_session
from models import AppUser
from tests.appcast import Cast, ok, open_page, start, texts
from tests.mailserver import free_port
from tests.people import ADMIN, CHAIR1, DEA, VIEWER


def _user(cast: Cast, email: str) -> AppUser:
    with read_session(cast.engine) as session:
        return session.exec(select(AppUser).where(AppUser.email == email)).one()


def test_a_chair_turns_the_digest_off_and_the_summary_on_from_the_account_page(cast: Cast) -> None:
    at = open_page(start(CHAIR1), "sign_in")
    assert "E-mail" in texts(at.subheader)
    assert any("always reach you" in t for t in texts(at.caption))
    at.checkbox(key="acct_digest").uncheck()
    at.checkbox(key="acct_weekly").check()
    at.button[[b.label for b in at.button].index("Save e-mail settings")].click()
    at = ok(at.run())
    user = _user(cast, CHAIR1)
    assert (user.review_digest, user.weekly_summary, user.reminders_off) == (False, True, False)
    assert "Your e-mail settings are saved." in texts(at.success)
    assert at.checkbox(key="acct_digest").value is False


def test_a_viewer_can_ask_for_the_weekly_summary(cast: Cast) -> None:
    at = open_page(start(VIEWER), "sign_in")
    at.checkbox(key="acct_weekly").check()
    at.button[[b.label for b in at.button].index("Save e-mail settings")].click()
    ok(at.run())
    assert _user(cast, VIEWER).weekly_summary is True


def _email_tab() -> AppTest:
    at = start(ADMIN)
    open_page(at, "admin")
    at.session_state["admin_tab"] = "E-mail"
    return ok(at.run())


def test_admins_e_mail_tab_shows_failures_what_is_due_and_turns_reminders_off(cast: Cast) -> None:
    mail = MailSettings(smtp_host="127.0.0.1", smtp_port=free_port(), mail_from="ics@example.gov")
    report = notify.run(cast.engine, Settings(database_url=cast.url), mail, datetime(2026, 10, 31, 23, tzinfo=UTC))
    assert report.failures  # nothing listens: every message failed and waits
    at = _email_tab()
    assert any("No SMTP server is set" in t for t in texts(at.info))
    sentence = next(t for t in texts(at.markdown) if " sent, " in t)
    assert sentence.startswith("0 sent, ") and "failed (tried again on the next run)" in sentence
    table = next(d.value for d in at.dataframe if "Last error" in d.value.columns)
    coming = next(d.value for d in at.dataframe if "Next" in d.value.columns)
    assert list(coming.columns) == ["Mission", "Quarter", "Due", "Next", "On"]  # rows depend on today's date
    assert set(table["State"]) == {"Failed: will be tried again"} and table["Last error"].str.contains("reached").all()
    at.selectbox(key="admin_rem_user").set_value(DEA)
    at.checkbox(key="admin_rem_off").check()
    at.button[[b.label for b in at.button].index("Save")].click()
    ok(at.run())
    assert _user(cast, DEA).reminders_off is True
