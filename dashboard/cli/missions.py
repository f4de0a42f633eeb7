"""Commands on missions: ``mission list``, ``mission set`` and (from ``cli.post_setup``) ``mission setup``."""

import argparse
import json
from typing import Any

from sqlmodel import select

from dashboard.cli import post_setup
from dashboard.cli.common import one_mission
from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.domain.reporting import mission_due_days
from dashboard.services import missions
from dashboard.settings import Settings
from dashboard.store.database import get_engine, migrate, read_session, write_session
from models import Mission
from models.scales import BUREAUS


def _row(snapshot: dict[str, Any], mission: Mission, deployment_due_days: int) -> dict[str, Any]:
    """One mission as ``mission list --json`` prints it."""
    return {
        "id": mission.id,
        "country": mission.country,
        "post": mission.post,
        "bureau": mission.bureau,
        "strategy_start": mission.strategy_start,
        "strategy_end": mission.strategy_end,
        "first_reporting_quarter": snapshot["first_reporting_quarter"],
        "release_marking": mission.release_marking,
        "time_zone": mission.time_zone,
        "due_days": mission_due_days(mission.due_days, deployment_due_days),
        "own_due_days": mission.due_days is not None,
        "default": snapshot["default"],
    }


def _line(row: dict[str, Any]) -> str:
    parts = [str(row["id"]), row["country"], row["post"], row["bureau"] or "no bureau"]
    parts.append(f"FY{row['strategy_start']}–FY{row['strategy_end']} from {row['first_reporting_quarter']}")
    parts.append(f"due {row['due_days']} days after each quarter" + ("" if row["own_due_days"] else " (ICS_DUE_DAYS)"))
    if row["time_zone"]:
        parts.append(row["time_zone"])
    if row["default"]:
        parts.append("visitors open here")
    return " | ".join(parts)


def _cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    with read_session(get_engine(settings.database_url)) as session:
        rows = [
            _row(missions.mission_snapshot(session, m), m, settings.due_days)
            for m in session.exec(select(Mission).order_by(Mission.id))
        ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print("no mission yet: run `python -m dashboard init` or `import-ics PATH`")
    for row in [] if args.json else rows:
        print(_line(row))
    return 0


def _due_days(text: str) -> int | str:
    cleaned = text.strip().lower()
    return missions.DEPLOYMENT if cleaned == missions.DEPLOYMENT else int(cleaned) if cleaned.isdigit() else text


def _changes(args: argparse.Namespace) -> missions.MissionChanges:
    return missions.MissionChanges(
        country=args.country,
        post=args.post,
        bureau=args.bureau,
        strategy_start=args.start,
        strategy_end=args.end,
        first_quarter=args.first_quarter,
        release_marking=args.release_marking,
        time_zone=args.time_zone,
        due_days=None if args.due_days is None else _due_days(args.due_days),  # type: ignore[arg-type]
        send_hour=args.send_hour,
        default=True if args.default else None,
    )


def _cmd_set(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    changes = _changes(args)
    with write_session(get_engine(settings.database_url)) as session:
        mission = one_mission(session, args.mission)
        assert mission.id is not None
        before = missions.mission_snapshot(session, mission)
        missions.set_mission(session=session, actor_email=SYSTEM_ACTOR, mission_id=mission.id, changes=changes)
        after = missions.mission_snapshot(session, mission)
    changed = [f"{name}: {before[name]} → {after[name]}" for name in after if after[name] != before[name]]
    print(f"{after['country']}: " + ("; ".join(changed) if changed else "no change"))
    return 0


def register(sub: Any) -> None:
    """Add this module's commands to the top-level subparsers."""
    commands = sub.add_parser("mission", help="missions and their settings").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = commands.add_parser("list", help="every mission with its id, country, post, bureau and settings")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_list)
    p = commands.add_parser("set", help="change a mission's settings (audited)")
    p.add_argument("mission", metavar="M", help="mission id or country")
    p.add_argument("--bureau", metavar="B", help=f"regional bureau: one of {', '.join(BUREAUS)}")
    p.add_argument("--country", help="the country's name")
    p.add_argument("--post", help="the post's name, e.g. Embassy Kathmandu")
    p.add_argument("--start", type=int, metavar="FY", help="first fiscal year of the strategy (with --end)")
    p.add_argument("--end", type=int, metavar="FY", help="last fiscal year of the strategy (with --start)")
    p.add_argument("--first-quarter", metavar="Q", help="first reporting quarter, e.g. FY2023Q1")
    p.add_argument("--release-marking", metavar="TEXT", help="e.g. SENSITIVE BUT UNCLASSIFIED")
    p.add_argument("--time-zone", metavar="AREA/CITY", help="the post's time zone, e.g. Asia/Kathmandu")
    p.add_argument(
        "--due-days", metavar="N", help="days after a quarter ends that updates fall due ('default': ICS_DUE_DAYS)"
    )
    p.add_argument("--send-hour", type=int, metavar="H", help="hour of the post's day (0-23) e-mail goes out from")
    p.add_argument("--default", action="store_true", help="visitors (and users without a home mission) open here")
    p.set_defaults(func=_cmd_set)
    post_setup.add_setup_command(commands)
