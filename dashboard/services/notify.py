"""``notify``: decide what e-mail is due, queue it in the outbox, send it over one SMTP connection, mark it sent.

Never twice, never lost:

* **Queueing.** Each message's references (``domain.notices``) are unique per recipient in ``outbox_ref``; a
  message whose reference is already queued is dropped in its savepoint. Two runs that overlap decide the same
  reminders, and only one of them queues each.
* **Sending.** A run claims unsent messages a batch at a time with one UPDATE (``claim``, ``claimed_at``), so two
  runs never hold the same message, then sends the batch and marks each message sent or failed (the error
  kept; it is claimed again by the next run). A claim older than ``CLAIM_LEASE`` is taken as abandoned.
* **A run killed between the SMTP server accepting a message and the outbox recording it** leaves that message
  claimed; once the lease runs out the next run sends it again. That is the one duplicate possible: at most one
  per message, and only after a kill. Batches are small enough (``BATCH`` messages of at most four SMTP steps,
  each bounded by the time-out) that a live run always finishes a batch within its lease.
"""

import smtplib
import ssl
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

from dashboard.domain import notices
from dashboard.domain.actor import AccessDenied, is_operator
from dashboard.domain.notices import Decision, Notice, People, Rules, since
from dashboard.domain.summary_notice import utc_clock, weekly_notices
from dashboard.formats import mail
from dashboard.services.access import find_user, normalise_email, resolve
from dashboard.services.admin import audit
from dashboard.settings import MailSettings, Settings
from dashboard.store import notices as store
from dashboard.store import rollup
from dashboard.store.database import write_session
from models import AppUser, Outbox

CLAIM_LEASE = timedelta(minutes=15)
BATCH = 20


@dataclass
class RunReport:
    decided: list[Notice] = field(default_factory=list)
    queued: int = 0
    sent: int = 0
    failures: list[str] = field(default_factory=list)  # "to x@y: 550 no such user"
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.problems


def rules_of(settings: Settings, mail_settings: MailSettings) -> Rules:
    return Rules(
        remind_days_before=mail_settings.remind_days_before,
        remind_every_days=mail_settings.remind_every_days,
        remind_max=mail_settings.remind_max,
        escalate_after_days=mail_settings.escalate_after_days,
        due_days=settings.due_days,
    )


def _weekly_figures(
    engine: Engine, quarters: set[int], settings: Settings
) -> dict[int, tuple[pd.DataFrame, pd.DataFrame]]:
    """Per quarter: the missions with their owed count, and the objective rows of it and the quarter before."""
    return {
        q: (
            rollup.mission_expected_frame(engine, qindex=q),
            rollup.objective_quarters_frame(engine, first_qindex=q - 1, last_qindex=q, states=settings.counted_states),
        )
        for q in sorted(quarters)
    }


def decide(engine: Engine, settings: Settings, mail_settings: MailSettings, now: datetime) -> Decision:
    """Every message due at ``now`` and not queued before, and one sentence per mission or person skipped."""
    rules = rules_of(settings, mail_settings)
    missions = store.read_missions(engine)
    clock_of, problems = notices.clocks(missions, now, rules)
    data = {"missions": missions, **store.read_all(engine, notices.quarters_wanted(clock_of.values()), since(now))}
    people = People.of(data["users"], data["agency_bindings"], data["group_bindings"])
    found = notices.decide_missions(data, clock_of, people, rules, now)
    if bool(people.users["weekly_summary"].astype(bool).any()):
        quarters = {c.quarter.index for c in clock_of.values() if c.quarter is not None}
        figures = _weekly_figures(engine, quarters, settings)
        found += weekly_notices(data, clock_of, people, rules, figures, utc_clock(now))
    valid = []
    for notice in found:
        if "@" in parseaddr(notice.email)[1] and "\n" not in notice.email:
            valid.append(notice)
        else:
            problems.append(
                f"{notice.email[:80]!r} is not an e-mail address, so nothing was sent to it; fix the account."
            )
    return Decision(valid, sorted(set(problems)))


def mission_clocks(
    engine: Engine, settings: Settings, mail_settings: MailSettings, now: datetime
) -> tuple[dict[int, notices.Clock], Rules]:
    """Each mission's day at ``now`` (missions with an unknown time zone left out) and the rules in force."""
    rules = rules_of(settings, mail_settings)
    return notices.clocks(store.read_missions(engine), now, rules)[0], rules


def queue(engine: Engine, decided: list[Notice], mail_settings: MailSettings) -> int:
    """Write the decided messages to the outbox; returns how many were new (the rest another run queued)."""
    queued = 0
    with write_session(engine) as session:
        for notice in decided:
            message = Outbox(
                mission_id=notice.mission_id,
                user_id=notice.user_id,
                recipient=notice.email,
                kind=notice.kind,
                subject=mail.one_line(notice.subject),
                body_text=mail.text_body(notice, mail_settings.base_url),
                body_html=mail.html_body(notice, mail_settings.base_url),
            )
            queued += store.queue(session, message, list(notice.refs))
    return queued


@contextmanager
def smtp_connection(settings: MailSettings) -> Iterator[smtplib.SMTP]:
    """One connection to the configured server, logged in when a user is set; every step bounded by the time-out."""
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    try:
        if settings.smtp_security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            client.login(settings.smtp_user, settings.smtp_password)
        yield client
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


def _problem(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {reply.decode(errors='replace')}" for code, reply in exc.recipients.values()]
        return f"the server refused the recipient ({'; '.join(codes)[:200]})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server answered {exc.smtp_code} {exc.smtp_error.decode(errors='replace')[:200]}"
    if isinstance(exc, TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, OSError | smtplib.SMTPException):
        return f"the server could not be reached or dropped the connection ({type(exc).__name__}: {str(exc)[:120]})"
    return f"{type(exc).__name__}"


def send(engine: Engine, mail_settings: MailSettings, report: RunReport) -> None:
    """Send every unsent message (those of earlier runs too) over one connection, a claimed batch at a time."""
    claim = uuid.uuid4().hex

    def next_batch(after: int) -> list[Outbox]:
        moment = datetime.now(UTC)
        return store.claim(engine, claim, moment, moment - CLAIM_LEASE, after=after, batch=BATCH)

    claimed = next_batch(0)
    if not claimed:
        return
    try:
        with smtp_connection(mail_settings) as client:
            while claimed:
                for message in claimed:
                    _send_one(engine, client, message, claim, mail_settings, report)
                claimed = next_batch(max(int(m.id or 0) for m in claimed))
    except (smtplib.SMTPException, OSError) as exc:  # no connection, or it dropped: the rest wait for the next run
        reason = _problem(exc)
        for message in store.held(engine, claim):
            store.mark(engine, message.id, claim, sent_at=None, error=reason)  # type: ignore[arg-type]
            report.failures.append(f"to {message.recipient}: {reason}")


def _send_one(
    engine: Engine, client: smtplib.SMTP, message: Outbox, claim: str, mail_settings: MailSettings, report: RunReport
) -> None:
    email = mail.stored(
        recipient=message.recipient,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        mail_from=mail_settings.mail_from,
    )
    try:
        client.send_message(email)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        reason = _problem(exc)
        store.mark(engine, message.id, claim, sent_at=None, error=reason)  # type: ignore[arg-type]
        report.failures.append(f"to {message.recipient}: {reason}")
        return
    store.mark(engine, message.id, claim, sent_at=datetime.now(UTC), error="")  # type: ignore[arg-type]
    report.sent += 1


def run(
    engine: Engine, settings: Settings, mail_settings: MailSettings, now: datetime, *, dry_run: bool = False
) -> RunReport:
    """One ``notify`` run at ``now``: decide, then (unless ``dry_run``) queue and send."""
    if not dry_run:
        mail_settings.check_sending()
    decision = decide(engine, settings, mail_settings, now)
    report = RunReport(decided=decision.notices, problems=decision.problems)
    if dry_run:
        return report
    report.queued = queue(engine, decision.notices, mail_settings)
    send(engine, mail_settings, report)
    return report


def test_message(mail_settings: MailSettings, to: str) -> None:
    """Send one message to ``to`` with the configured settings (``notify --test-to``)."""
    mail_settings.check_sending()
    if "@" not in parseaddr(to)[1]:
        raise ValueError(f"{to[:80]!r} is not an e-mail address")
    body = f"This message checks the dashboard's mail settings. Links start with {mail_settings.base_url}."
    email = mail.stored(
        recipient=to,
        subject="ICS Progress: test message",
        body_text=body,
        body_html=f"<p>{mail.html.escape(body)}</p>",
        mail_from=mail_settings.mail_from,
    )
    try:
        with smtp_connection(mail_settings) as client:
            client.send_message(email)
    except (smtplib.SMTPException, OSError) as exc:
        raise ValueError(f"The test message was not sent: {_problem(exc)}.") from None


def set_preferences(
    *,
    session: Session,
    actor_email: str | None,
    email: str,
    review_digest: bool | None = None,
    weekly_summary: bool | None = None,
    reminders_off: bool | None = None,
) -> AppUser:
    """Change what e-mail ``email`` gets. Anyone signed in with an account (viewers too) sets their own digest and
    summary; only an admin sets them for someone else, and only an admin turns someone's reminders off."""
    actor = resolve(session, actor_email)
    user = find_user(session, email)
    if user is None:
        raise ValueError(f"email: no account for {normalise_email(email)}")
    own = actor.signed_in and actor.user_id == user.id and not actor.disabled
    if not actor.is_admin and not is_operator(actor_email):
        if not own:
            raise AccessDenied("Only an admin can change another person's e-mail settings.")
        if reminders_off is not None:
            raise AccessDenied("Reminders of your own owed or returned updates cannot be turned off; ask an admin.")
    before = {
        "review_digest": user.review_digest,
        "weekly_summary": user.weekly_summary,
        "reminders_off": user.reminders_off,
    }
    for name, value in (
        ("review_digest", review_digest),
        ("weekly_summary", weekly_summary),
        ("reminders_off", reminders_off),
    ):
        if value is not None:
            setattr(user, name, bool(value))
    after = {
        "review_digest": user.review_digest,
        "weekly_summary": user.weekly_summary,
        "reminders_off": user.reminders_off,
    }
    if after != before:
        session.add(user)
        audit(session, actor=actor.label if actor.signed_in else str(actor_email), action="e-mail settings",
              entity="user", key=user.email, before=before, after=after)  # fmt: skip
        session.flush()
    return user
