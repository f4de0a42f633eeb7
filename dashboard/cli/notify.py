"""``notify``: the reminders, digests and summaries due now, by e-mail (run by the operator's scheduler)."""

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from dashboard.services import notify
from dashboard.settings import MailSettings, Settings
from dashboard.store.database import get_engine, migrate


def moment(text: str) -> datetime:
    """An argparse type: an ISO time ("2026-11-05T20:00:00Z"); without a zone it is UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time such as 2026-11-05T20:00:00Z") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _document(report: notify.RunReport, dry_run: bool) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "messages": [
            {"to": n.email, "kind": n.kind, "subject": n.subject, "why": n.why, "refs": list(n.refs)}
            for n in report.decided
        ],
        "queued": report.queued,
        "sent": report.sent,
        "failures": report.failures,
        "problems": report.problems,
    }


def _cmd_notify(args: argparse.Namespace, settings: Settings) -> int:
    mail_settings = MailSettings.from_env()
    if args.test_to:
        notify.test_message(mail_settings, args.test_to)
        print(f"sent a test message to {args.test_to} through {mail_settings.smtp_host}:{mail_settings.smtp_port}")
        return 0
    migrate(settings.database_url)
    engine = get_engine(settings.database_url)
    now = args.now or datetime.now(UTC)
    report = notify.run(engine, settings, mail_settings, now, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(_document(report, args.dry_run), indent=2, ensure_ascii=False))
    else:
        _print(report, args.dry_run, now)
    return 0 if report.ok else 1


def _print(report: notify.RunReport, dry_run: bool, now: datetime) -> None:
    for notice in report.decided:
        print(
            f"{'would send' if dry_run else 'due'}: to {notice.email} [{notice.kind}] {notice.subject} ({notice.why})"
        )
    for problem in report.problems:
        print(f"skipped: {problem}")
    if dry_run:
        print(f"{len(report.decided)} message(s) due at {now.isoformat()}; nothing was sent (--dry-run)")
        return
    print(f"{len(report.decided)} message(s) due, {report.queued} new in the outbox, {report.sent} sent")
    if report.failures:
        print(
            f"error: {len(report.failures)} message(s) could not be sent and wait for the next run: "
            + "; ".join(report.failures[:5])
            + ("; …" if len(report.failures) > 5 else "")
        )


def register(sub: Any) -> None:
    p = sub.add_parser("notify", help="send the reminders, digests and summaries due now (run it from cron)")
    p.add_argument("--now", type=moment, metavar="ISO-TIME", help="decide as at this time (default: now)")
    p.add_argument("--dry-run", action="store_true", help="print what would go out, to whom and why; send nothing")
    p.add_argument("--json", action="store_true", help="the run's outcome as JSON")
    p.add_argument("--test-to", metavar="ADDRESS", help="send one test message with the mail settings, nothing else")
    p.set_defaults(func=_cmd_notify)
