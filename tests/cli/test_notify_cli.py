"""``python -m dashboard notify``: bad settings are one sentence and a non-zero exit with nothing sent; ``--dry-run``,
``--json``, ``--now`` and ``--test-to`` against a real SMTP server (aiosmtpd); ``mission set --send-hour``."""

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dashboard.cli import main
from dashboard.settings import MAIL_SETTINGS_DOC
from dashboard.store.database import dispose_engine, get_engine
from tests.mailserver import Inbox, free_port, smtp_server
from tests.people import DEA, build


@pytest.fixture
def cast_url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    build(database_url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in MAIL_SETTINGS_DOC:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ICS_BASE_URL", "https://ics.example.gov/")
    yield database_url
    dispose_engine(database_url)


def _outbox(url: str) -> int:
    with get_engine(url).connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM outbox")).scalar_one())


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "error: No SMTP server is set, so nothing was sent: set ICS_SMTP_HOST and ICS_MAIL_FROM."),
        ({"ICS_SMTP_HOST": "127.0.0.1"}, "error: No sender is set, so nothing was sent: set ICS_MAIL_FROM."),
        ({"ICS_SMTP_SECURITY": "tls"}, "error: ICS_SMTP_SECURITY must be one of none, starttls, ssl, got 'tls'"),
        ({"ICS_SMTP_PORT": "70000"}, "error: ICS_SMTP_PORT must be a port number from 1 to 65535, got 70000"),
        ({"ICS_SMTP_PORT": "smtp"}, "error: ICS_SMTP_PORT must be a whole number, got 'smtp'"),
        ({"ICS_MAIL_FROM": "nobody"}, "error: ICS_MAIL_FROM must be an e-mail address"),
        ({"ICS_BASE_URL": "javascript:alert(1)"}, "error: ICS_BASE_URL must be the dashboard's address"),
    ],
)
def test_bad_or_missing_settings_are_one_sentence_and_nothing_is_queued(
    cast_url: str,
    env: dict[str, str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["notify", "--now", "2026-10-23T15:00:00Z"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert _outbox(cast_url) == 0


def test_an_unreachable_server_keeps_the_messages_and_says_so(
    cast_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ICS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ICS_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("ICS_MAIL_FROM", "ics@example.gov")
    assert main(["notify", "--now", "2026-10-23T15:00:00Z"]) == 1
    out = capsys.readouterr().out
    assert "could not be sent and wait for the next run" in out and "could not be reached" in out
    with get_engine(cast_url).connect() as connection:
        rows = connection.execute(text("SELECT sent_at, last_error FROM outbox")).all()
    assert rows and all(sent is None and error for sent, error in rows)


def test_dry_run_json_lists_who_gets_what_and_why_and_sends_nothing(
    cast_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notify", "--dry-run", "--json", "--now", "2026-10-31T14:00:00Z"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["dry_run"] is True and document["sent"] == 0 and document["queued"] == 0
    dea = next(m for m in document["messages"] if m["to"] == DEA)
    assert dea["kind"] == "overdue" and dea["refs"] == ["owed:1:8107:overdue-1"]
    assert "1 day late" in dea["subject"] and dea["why"]
    assert _outbox(cast_url) == 0


def test_a_run_sends_and_a_second_sends_nothing(
    cast_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("ICS_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ICS_SMTP_PORT", str(port))
        monkeypatch.setenv("ICS_MAIL_FROM", "ICS Progress <ics@example.gov>")
        assert main(["notify", "--now", "2026-10-31T14:00:00"]) == 0  # no zone: UTC
        first = capsys.readouterr().out
        assert main(["notify", "--now", "2026-10-31T20:00:00Z"]) == 0
        second = capsys.readouterr().out
    sent = len(inbox.received)
    assert sent > 0 and f"{sent} sent" in first.splitlines()[-1]
    assert second.strip() == "0 message(s) due, 0 new in the outbox, 0 sent"
    body = Inbox.text(inbox.to(DEA)[0])
    assert "https://ics.example.gov/submit?mission=1&objective=2.1&agency=DEA&quarter=2026Q4" in body


def test_test_to_sends_one_message_and_refuses_a_bad_address(
    cast_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("ICS_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ICS_SMTP_PORT", str(port))
        monkeypatch.setenv("ICS_MAIL_FROM", "ics@example.gov")
        assert main(["notify", "--test-to", "ops@example.gov"]) == 0
        assert main(["notify", "--test-to", "ops at example"]) == 1
    (mail,) = inbox.to("ops@example.gov")
    assert str(mail["Subject"]).strip() == "ICS Progress: test message"
    assert "https://ics.example.gov" in Inbox.text(mail)
    assert "'ops at example' is not an e-mail address" in capsys.readouterr().err
    assert _outbox(cast_url) == 0


def test_bad_now_is_refused_by_the_parser(cast_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["notify", "--now", "next tuesday"])
    assert exit_info.value.code == 2
    assert "'next tuesday' is not a time such as 2026-11-05T20:00:00Z" in capsys.readouterr().err


def test_mission_send_hour_is_set_and_checked(cast_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mission", "set", "Peru", "--send-hour", "6"]) == 0
    assert "send_hour: 8 → 6" in capsys.readouterr().out
    assert main(["mission", "set", "Peru", "--send-hour", "24"]) == 1
    assert "Sending hour: 24 is not an hour of the day from 0 to 23." in capsys.readouterr().err
