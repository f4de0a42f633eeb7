"""``notify`` against a real SMTP server (aiosmtpd), on SQLite and PostgreSQL: who gets what on given dates, one
message per person, never twice, a failed send kept and retried, opt-outs, time zones, escalation, visibility and
header safety. FY2026 Q4 updates fall due on 30 Oct 2026 (the quarter ends 30 Sep; 30 days)."""

import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied
from dashboard.services import notify
from dashboard.settings import MailSettings, Settings
from dashboard.store.database import read_session, write_session
from models import Mission, Outbox, OutboxRef
from tests.mailserver import Inbox, free_port, smtp_server
from tests.people import ADMIN, CHAIR1, CHAIR2, DEA, DISABLED, STATE, STATE2, USAID, USAID2, VIEWER, World, build

BASE = "https://ics.example.gov"
LIMA = "America/Lima"  # UTC-5 all year


def at(text_time: str) -> datetime:
    return (
        datetime.fromisoformat(text_time).replace(tzinfo=UTC)
        if "+" not in text_time
        else datetime.fromisoformat(text_time)
    )


@pytest.fixture
def world(database_url: str) -> World:
    world = build(database_url)
    with write_session(world.engine) as session:
        mission = session.get_one(Mission, world.mission_id)
        mission.time_zone = LIMA
        session.add(mission)
    return world


def subject(mail: object) -> str:
    """The subject as a mail client shows it (a folded header unfolds with its leading space dropped)."""
    return str(mail["Subject"]).strip()  # type: ignore[index]


def mail_settings(port: int, **changes: object) -> MailSettings:
    return replace(MailSettings(smtp_host="127.0.0.1", smtp_port=port, mail_from="ICS Progress <ics@example.gov>",
                                base_url=BASE, smtp_timeout_seconds=5), **changes)  # fmt: skip


def run(world: World, port: int, when: str, **changes: object) -> notify.RunReport:
    return notify.run(world.engine, Settings(database_url=world.url), mail_settings(port, **changes), at(when))


def test_due_soon_goes_to_each_reporter_once_with_every_update_they_owe(world: World) -> None:
    with smtp_server() as (inbox, port):
        report = run(world, port, "2026-10-23T15:00:00")  # 10:00 in Lima, 7 days before the due date
        again = run(world, port, "2026-10-23T22:00:00")
    assert report.ok and report.sent == len(report.decided) > 0
    assert again.decided == [] and again.sent == 0  # the same day's reminder is never sent twice
    for person in (USAID, USAID2, STATE, STATE2, DEA):
        (mail,) = inbox.to(person)
        assert subject(mail).startswith("Peru (Embassy Lima): ")
        assert "for FY2026 Q4 are due on 30 Oct 2026, in 7 days" in subject(mail)
    for silent in (ADMIN, CHAIR1, CHAIR2, VIEWER, DISABLED):
        assert inbox.to(silent) == []  # chairs, viewers and the disabled owe nothing
    body = Inbox.text(inbox.to(DEA)[0])
    owed = [line for line in body.splitlines() if line.startswith("- ")]
    assert owed and all(" · DEA · FY2026 Q4: " in line for line in owed)  # only DEA's own, all in one message
    mission = world.mission_id
    assert f"{BASE}/submit?mission={mission}&objective=2.1&agency=DEA&quarter=2026Q4" in body
    state = Inbox.text(inbox.to(STATE)[0])
    assert len([x for x in state.splitlines() if x.startswith("- ")]) > len(owed)  # State is on every objective


def test_nothing_before_the_missions_sending_hour_in_its_time_zone(world: World) -> None:
    with smtp_server() as (inbox, port):
        early = run(world, port, "2026-10-23T12:59:00")  # 07:59 in Lima
        assert early.decided == [] and inbox.received == []
        on_time = run(world, port, "2026-10-23T13:00:00")  # 08:00 in Lima
    assert on_time.sent > 0


def test_the_day_and_hour_are_the_missions_own(world: World) -> None:
    with write_session(world.engine) as session:
        mission = session.get_one(Mission, world.mission_id)
        mission.time_zone, mission.send_hour = "Asia/Tokyo", 6  # UTC+9
        session.add(mission)
    settings, mail = Settings(database_url=world.url), mail_settings(free_port())
    early = notify.run(world.engine, settings, mail, at("2026-10-23T20:59:00"), dry_run=True)  # 05:59 on 24 Oct
    tokyo = notify.run(world.engine, settings, mail, at("2026-10-23T21:00:00"), dry_run=True)  # 06:00 on 24 Oct
    assert early.decided == []
    assert tokyo.decided and all("due on 30 Oct 2026, in 6 days" in n.subject for n in tokyo.decided)


def test_due_today_then_overdue_every_seven_days_at_most_four_times(world: World) -> None:
    seen = []
    with smtp_server() as (inbox, port):
        for day in ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-07", "2026-11-08", "2026-11-15",
                    "2026-11-22", "2026-11-29", "2026-12-06"]:  # fmt: skip
            report = run(world, port, f"{day}T14:00:00", escalate_after_days=365)
            seen.append(sorted({n.kind for n in report.decided}))
    # late 1, 8, 16 and 23 days: the overdue reminder the day after and every 7 days, four times
    assert seen == [["due-today"], ["overdue"], [], ["overdue"], [], ["overdue"], ["overdue"], [], []]
    subjects = [subject(m) for m in inbox.to(DEA)]
    assert len(subjects) == 5 and "due today, 30 Oct 2026" in subjects[0]
    assert "1 day late" in subjects[1] and "23 days late" in subjects[4]


def test_a_reporter_who_sent_their_updates_hears_nothing_more(world: World) -> None:
    with read_session(world.engine) as session:
        owed_by_dea = session.execute(
            text(
                "SELECT o.code FROM objective_agency oa JOIN objective o ON o.id = oa.objective_id "
                "JOIN agency a ON a.id = oa.agency_id WHERE a.acronym = 'DEA'"
            )  # fmt: skip
        ).scalars()
        codes = sorted(set(owed_by_dea))
    for code in codes:
        world.submit(DEA, world.form(code, "DEA"))
    with smtp_server() as (inbox, port):
        run(world, port, "2026-10-31T14:00:00")
    assert inbox.to(DEA) == [] and inbox.to(USAID)


def test_a_returned_update_reaches_its_agency_with_the_comment_once(world: World) -> None:
    sent = world.submit(USAID, world.form("1.1", "USAID"))
    world.review(CHAIR1, sent.id, "returned", "Give the number of officers <b>trained</b>\nand the dates.")  # type: ignore[arg-type]
    with smtp_server() as (inbox, port):
        run(world, port, "2026-11-02T14:00:00")  # no reminder is due that day: the return alone
        run(world, port, "2026-11-03T14:00:00")
    for person in (USAID, USAID2):
        (mail,) = [m for m in inbox.to(person) if "returned" in subject(m)]
        assert subject(mail) == "Peru (Embassy Lima): 1 update returned for fixing"
        assert f"Returned by {CHAIR1}: Give the number of officers <b>trained</b>" in Inbox.text(mail)
        assert "officers &lt;b&gt;trained&lt;/b&gt;" in Inbox.html(mail)  # escaped in the HTML
    assert all("Give the number" not in Inbox.text(m) for m in inbox.to(STATE))  # only to the agency returned to
    assert inbox.to(VIEWER) == []


def test_chairs_get_one_digest_a_day_of_what_waits_for_their_review_and_can_turn_it_off(world: World) -> None:
    world.submit(STATE, world.form("1.2", "State"))
    world.submit(DEA, world.form("2.1", "DEA"))
    with smtp_server() as (inbox, port):
        run(world, port, "2026-11-02T14:00:00")
        run(world, port, "2026-11-02T20:00:00")  # the same day: no second digest
        (digest,) = inbox.to(CHAIR1)
        assert subject(digest) == "Peru (Embassy Lima): 1 update waiting for your review"
        body = Inbox.text(digest)
        assert "1.2 · State · FY2026 Q4" in body and "2.1" not in body  # Goal 2 is not CHAIR1's
        assert f"{BASE}/review?mission={world.mission_id}&objective=1.2&agency=State&quarter=2026Q4" in body
        assert "2.1 · DEA" in Inbox.text(inbox.to(CHAIR2)[0])
        with write_session(world.engine) as session:
            notify.set_preferences(session=session, actor_email=CHAIR1, email=CHAIR1, review_digest=False)
        run(world, port, "2026-11-03T14:00:00")
    assert len(inbox.to(CHAIR1)) == 1 and len(inbox.to(CHAIR2)) == 2


def test_reminders_cannot_be_turned_off_by_their_recipient_only_by_an_admin(world: World) -> None:
    with write_session(world.engine) as session, pytest.raises(AccessDenied, match="cannot be turned off"):
        notify.set_preferences(session=session, actor_email=DEA, email=DEA, reminders_off=True)
    with write_session(world.engine) as session, pytest.raises(AccessDenied, match="Only an admin"):
        notify.set_preferences(session=session, actor_email=DEA, email=USAID, review_digest=False)
    with write_session(world.engine) as session:
        notify.set_preferences(session=session, actor_email=ADMIN, email=DEA, reminders_off=True)
    with smtp_server() as (inbox, port):
        run(world, port, "2026-10-31T14:00:00")
    assert inbox.to(DEA) == [] and inbox.to(USAID)


def escalations(inbox: Inbox) -> list[object]:
    return [m for m in inbox.to(CHAIR1) if "have not reported" in subject(m)]


def test_escalation_tells_the_chair_which_agencies_have_not_reported(world: World) -> None:
    world.submit(USAID, world.form("1.1", "USAID"))
    with smtp_server() as (inbox, port):
        run(world, port, "2026-11-12T14:00:00", escalate_after_days=14)  # 13 days late: not yet
        assert escalations(inbox) == []
        run(world, port, "2026-11-13T14:00:00", escalate_after_days=14)
        run(world, port, "2026-11-20T14:00:00", escalate_after_days=14)  # once a quarter
    (mail,) = escalations(inbox)
    assert "have not reported for FY2026 Q4, 14 days late" in subject(mail)
    body = Inbox.text(mail)
    assert "1.1 · State · FY2026 Q4" in body and "1.1 · USAID" not in body  # USAID sent its 1.1
    assert "2.1" not in body  # Goal 2 is CHAIR2's


def test_the_weekly_summary_goes_only_to_those_who_ask_and_only_of_what_they_may_see(world: World) -> None:
    world.submit(
        USAID,
        world.form(
            "1.1",
            "USAID",
            status="Off track",
            risk_level="High",
            challenges="Customs backlog.",
            risk_note="Mitigated by a second shift.",
        ),
    )
    with write_session(world.engine) as session:
        notify.set_preferences(session=session, actor_email=VIEWER, email=VIEWER, weekly_summary=True)
        session.execute(text("UPDATE mission SET bureau = 'WHA'"))
        session.execute(text("UPDATE app_user SET bureau = 'AF', weekly_summary = :t, home_mission_id = NULL "
                             "WHERE email = :e"), {"e": ADMIN, "t": True})  # fmt: skip
    with smtp_server() as (inbox, port):
        run(world, port, "2026-11-02T14:00:00")  # a Monday
        run(world, port, "2026-11-04T14:00:00")  # the same week: nothing
    (summary,) = inbox.to(VIEWER)
    assert subject(summary).startswith("Weekly summary: Peru (Embassy Lima), FY2026 Q4: 1 of ")
    body = Inbox.text(summary)
    assert "1 off track" in body and "1.1: " in body
    assert f"{BASE}/overview?mission={world.mission_id}" in body
    assert [subject(m) for m in inbox.to(ADMIN)] == []  # scoped to AF: hears nothing of a WHA mission
    assert inbox.to(STATE) and all("Weekly" not in subject(m) for m in inbox.to(STATE))  # not asked for


def test_a_failed_send_is_kept_with_its_error_and_sent_once_when_the_server_is_back(world: World) -> None:
    port = free_port()  # nothing listens there
    down = run(world, port, "2026-10-23T15:00:00")
    assert not down.ok and down.sent == 0 and "could not be reached" in down.failures[0]
    with read_session(world.engine) as session:
        waiting = session.exec(select(Outbox)).all()
    assert waiting and all(m.sent_at is None and m.attempts == 1 and m.last_error for m in waiting)
    with smtp_server(port) as (inbox, _):
        back = run(world, port, "2026-10-23T16:00:00")
        run(world, port, "2026-10-23T17:00:00")
    assert back.ok and back.sent == len(waiting) and back.decided == []
    assert len(inbox.received) == len(waiting)  # each once
    assert len({tuple(r) for r, _ in inbox.received}) == len(waiting)


def test_a_refused_recipient_fails_alone_and_is_retried(world: World) -> None:
    with smtp_server() as (inbox, port):
        inbox.refuse.add(DEA)
        first = run(world, port, "2026-10-23T15:00:00")
        assert not first.ok and len(first.failures) == 1 and "refused the recipient" in first.failures[0]
        assert inbox.to(USAID) and inbox.to(DEA) == []
        inbox.refuse.clear()
        second = run(world, port, "2026-10-24T15:00:00")
    assert second.ok and second.sent == 1 and len(inbox.to(DEA)) == 1


def test_overlapping_runs_send_each_message_once(world: World) -> None:
    reports: list[notify.RunReport] = []
    with smtp_server() as (inbox, port):
        threads = [
            threading.Thread(target=lambda: reports.append(run(world, port, "2026-10-23T15:00:00"))) for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    recipients = [r[0] for r, _ in inbox.received]
    assert recipients and len(recipients) == len(set(recipients))  # each person once
    assert sum(r.sent for r in reports) == len(recipients)
    with read_session(world.engine) as session:
        assert len(session.exec(select(OutboxRef)).all()) == len(recipients)


def test_a_run_killed_after_claiming_leaves_messages_for_the_next_run_once_the_lease_ends(world: World) -> None:
    settings = Settings(database_url=world.url)
    with smtp_server() as (inbox, port):
        decision = notify.decide(world.engine, settings, mail_settings(port), at("2026-10-23T15:00:00"))
        notify.queue(world.engine, decision.notices, mail_settings(port))
        with write_session(world.engine) as session:  # a run that claimed them and died
            session.execute(text("UPDATE outbox SET claim = 'dead', claimed_at = :t"), {"t": datetime.now(UTC)})
        live = run(world, port, "2026-10-23T16:00:00")
        assert live.sent == 0 and inbox.received == []  # a live claim is left alone
        with write_session(world.engine) as session:
            session.execute(text("UPDATE outbox SET claimed_at = :t"), {"t": datetime(2026, 1, 1, tzinfo=UTC)})
        later = run(world, port, "2026-10-23T17:00:00")
    assert later.sent == len(decision.notices) == len(inbox.received)


def test_hostile_titles_and_names_cannot_add_headers_or_markup(world: World) -> None:
    hostile = "Peru\r\nBcc: attacker@evil.example\r\nX-Injected: yes"
    with write_session(world.engine) as session:
        session.execute(text("UPDATE mission SET country = :c"), {"c": hostile})
        session.execute(
            text("UPDATE objective SET title = :t WHERE code = '2.1'"),
            {"t": "<script>alert(1)</script>\r\nSubject: owned"},
        )
    with smtp_server() as (inbox, port):
        run(world, port, "2026-10-23T15:00:00")
    assert inbox.received and all(rcpt != ["attacker@evil.example"] for rcpt, _ in inbox.received)
    for rcpt, mail in inbox.received:
        assert "attacker@evil.example" not in rcpt and mail["X-Injected"] is None and mail["Bcc"] is None
        assert "\n" not in subject(mail) and subject(mail).startswith("Peru Bcc: attacker@evil.example")
    html = Inbox.html(inbox.to(DEA)[0])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unknown_time_zone_or_a_bad_address_is_one_sentence_and_nothing_is_marked_sent(world: World) -> None:
    with write_session(world.engine) as session:
        session.execute(text("UPDATE mission SET time_zone = 'Mars/Olympus_Mons'"))
    with smtp_server() as (inbox, port):
        report = run(world, port, "2026-10-23T15:00:00")
    assert not report.ok and report.decided == [] and inbox.received == []
    assert report.problems == [
        "Peru (Embassy Lima): nothing was sent because its time zone 'Mars/Olympus_Mons' is not a known IANA "
        "time zone; set it on Admin's Mission settings tab."
    ]
    with write_session(world.engine) as session:
        session.execute(text("UPDATE mission SET time_zone = :z"), {"z": LIMA})
        session.execute(text("UPDATE app_user SET email = 'dea at example' WHERE email = :e"), {"e": DEA})
    with smtp_server() as (inbox, port):
        report = run(world, port, "2026-10-23T15:00:00")
    assert any("'dea at example' is not an e-mail address" in p for p in report.problems) and not report.ok
    assert inbox.received and all("dea" not in r[0] for r, _ in inbox.received)


def test_a_dry_run_sends_and_writes_nothing(world: World) -> None:
    with smtp_server() as (inbox, port):
        report = notify.run(
            world.engine, Settings(database_url=world.url), mail_settings(port), at("2026-10-23T15:00:00"), dry_run=True
        )
    assert report.decided and inbox.received == []
    assert {n.email for n in report.decided} == {USAID, USAID2, STATE, STATE2, DEA}
    with read_session(world.engine) as session:
        assert session.exec(select(Outbox)).all() == []


def test_a_closed_quarter_asks_for_nothing(world: World) -> None:
    with write_session(world.engine) as session:
        session.execute(
            text(
                "INSERT INTO quarter_close (mission_id, fiscal_year, quarter, action, at, actor, reason, snapshot, "
                "sha256, figures) VALUES (:m, 2026, 4, 'close', :at, :a, '', '{}', '', '')"
            ),  # fmt: skip
            {"m": world.mission_id, "at": datetime.now(UTC), "a": SYSTEM_ACTOR},
        )
    with smtp_server() as (inbox, port):
        report = run(world, port, "2026-10-31T14:00:00")
    assert report.decided == [] and inbox.received == []
