"""``quarter close``, ``quarter reopen``, ``quarter list`` and ``quarter verify``: a quarter's record that holds."""

import argparse
import json
import time
from datetime import date
from typing import Any

from sqlmodel import select

from dashboard.cli.common import one_mission, quarter_arg
from dashboard.services import quarters
from dashboard.settings import Settings
from dashboard.store import closed_records
from dashboard.store.database import get_engine, migrate, read_session, transact
from dashboard.views import quarter_compare, quarter_record, quarter_records
from models import Mission


def _cmd_close(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    engine = get_engine(settings.database_url)
    if args.all_missions:
        return _close_all(args, settings)
    with read_session(engine) as session:
        mission = one_mission(session, args.mission)
    assert mission.id is not None
    start = time.perf_counter()
    row = transact(
        engine,
        lambda s: quarters.close(
            session=s,
            actor_email=args.as_email,
            mission_id=mission.id,  # type: ignore[arg-type]
            quarter=args.quarter,
            today=date.today(),
            record=quarter_record.reader(mission.id, args.quarter, settings),  # type: ignore[arg-type]
        ),
    )
    size = len(row.snapshot.encode("utf-8"))
    print(
        f"closed {mission.country} {args.quarter.label}: record of {size:,} bytes, SHA-256 {row.sha256} "
        f"({time.perf_counter() - start:.2f} s)"
    )
    return 0


def _close_all(args: argparse.Namespace, settings: Settings) -> int:
    """``quarter close Q --all-missions``: every mission's quarter in one transaction; a mission whose quarter is
    closed already or outside its strategy is skipped with one line. Non-zero when nothing was closed."""
    start = time.perf_counter()
    rows, skipped = transact(
        get_engine(settings.database_url),
        lambda s: quarters.close_many(
            session=s,
            actor_email=args.as_email,
            mission_ids=None,
            quarter=args.quarter,
            today=date.today(),
            records=quarter_records.reader(args.quarter, settings),
        ),
    )
    for row in rows:
        print(f"closed {row.country} {args.quarter.label}: record of {row.size:,} bytes, SHA-256 {row.sha256}")
    for skip in skipped:
        print(f"skipped {skip.country}: {skip.reason}")
    size = sum(row.size for row in rows)
    print(
        f"closed {args.quarter.label} for {len(rows)} of {len(rows) + len(skipped)} missions "
        f"({len(skipped)} skipped; records of {size:,} bytes in all) in {time.perf_counter() - start:.2f} s"
    )
    return 0 if rows else 1


def _cmd_reopen(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    engine = get_engine(settings.database_url)
    with read_session(engine) as session:
        mission = one_mission(session, args.mission)
    transact(
        engine,
        lambda s: quarters.reopen(
            session=s,
            actor_email=args.as_email,
            mission_id=mission.id,  # type: ignore[arg-type]
            quarter=args.quarter,
            reason=args.reason,
        ),
    )
    print(f"reopened {mission.country} {args.quarter.label}; its earlier record stays")
    return 0


def _cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    with read_session(get_engine(settings.database_url)) as session:
        mission_id = one_mission(session, args.mission).id if args.mission else None
        names = {m.id: m.country for m in session.exec(select(Mission))}
        rows = [
            {
                "mission": names.get(state.mission_id, str(state.mission_id)),
                "quarter": state.quarter.label,
                "closed": state.closed,
                "at": state.at.isoformat() if hasattr(state.at, "isoformat") else str(state.at),
                "by": state.actor,
                "reason": state.reason,
                "sha256": state.sha256,
            }
            for state in quarters.states(session, mission_id)
        ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("no quarter has been closed")
    for row in rows:
        what = "closed" if row["closed"] else f"reopened ({row['reason']})"
        print(f"{row['mission']} {row['quarter']}: {what} on {row['at'][:10]} by {row['by']}")
    return 0


def _cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    with read_session(get_engine(settings.database_url)) as session:
        mission = one_mission(session, args.mission)
        event = quarters.verify(session, mission.id, args.quarter)  # type: ignore[arg-type]
    print(f"{mission.country} {args.quarter.label}: the record matches its SHA-256 {event.sha256}")
    return 0


def _cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    engine = get_engine(settings.database_url)
    with read_session(engine) as session:
        mission = one_mission(session, args.mission)
    closed = closed_records.closed_quarters(engine, mission.id)  # type: ignore[arg-type]
    first, second = sorted((args.first, args.second))
    frame = quarter_compare.compare(*quarter_compare.records(closed, first, second))
    if args.json:
        print(json.dumps(quarter_compare.document(frame, first, second), indent=2, ensure_ascii=False))
        return 0
    print(f"{mission.country}: {quarter_compare.sentence(frame, first, second)}")
    for row in frame.to_dict("records"):
        print(f"  {row['direction']:>7}  {row['code']} {row['change']}: {row['before']} -> {row['after']}")
    return 0


def register(sub: Any) -> None:
    quarter = sub.add_parser("quarter", help="close, reopen, list and verify quarters").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = quarter.add_parser("close", help="close a quarter into a record that holds")
    p.add_argument("quarter", type=quarter_arg, metavar="FY2026Q3")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--mission", metavar="M", help="mission id or country (needed when there are several)")
    which.add_argument(
        "--all-missions", action="store_true", help="every mission at once (those closed already or outside "
        "their strategy are skipped)"
    )  # fmt: skip
    p.add_argument("--as", dest="as_email", required=True, metavar="EMAIL", help="the admin closing it")
    p.set_defaults(func=_cmd_close)
    p = quarter.add_parser("reopen", help="reopen a closed quarter, with the reason")
    p.add_argument("quarter", type=quarter_arg, metavar="FY2026Q3")
    p.add_argument("--mission", metavar="M")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why it is reopened (kept with the record)")
    p.add_argument("--as", dest="as_email", required=True, metavar="EMAIL", help="the admin reopening it")
    p.set_defaults(func=_cmd_reopen)
    p = quarter.add_parser("list", help="closed and reopened quarters")
    p.add_argument("--mission", metavar="M")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_list)
    p = quarter.add_parser("verify", help="recompute a closed quarter's SHA-256 against its record")
    p.add_argument("quarter", type=quarter_arg, metavar="FY2026Q3")
    p.add_argument("--mission", metavar="M")
    p.set_defaults(func=_cmd_verify)
    p = quarter.add_parser("compare", help="what moved between two closed quarters, worse first")
    p.add_argument("first", type=quarter_arg, metavar="FY2026Q2")
    p.add_argument("second", type=quarter_arg, metavar="FY2026Q3")
    p.add_argument("--mission", metavar="M")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_compare)
