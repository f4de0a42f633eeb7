"""The command line: ``python -m dashboard COMMAND``. Errors print one line and exit non-zero."""

import argparse
import getpass
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied, Actor
from dashboard.domain.aggregation import scope
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats import exports, spreadsheet
from dashboard.formats.ics_document import IcsParseError, parse_ics_file
from dashboard.services import access, admin, bulk_updates, strategy_import
from dashboard.services.bootstrap import demo_through, init_database, sha256_of
from dashboard.services.demo import seed_demo
from dashboard.services.passwords import check_password_rules
from dashboard.settings import Settings
from dashboard.store import queries
from dashboard.store.database import BUSY_MESSAGE, DatabaseBusy, get_engine, migrate, read_session, write_session
from dashboard.views import admin_lists
from models import Mission, format_validation_error
from models.scales import BUREAUS


class CliError(Exception):
    """A user-facing failure: printed as one line, exit code 1."""


def _cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    report = init_database(settings, demo=args.demo)
    for line in report.lines():
        print(line)
    return 0


def _database_exists(url: str) -> bool:
    """Whether a database with the schema is there, without creating a SQLite file (a dry run writes nothing)."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:" or not Path(database).exists():
            return False
    try:
        return inspect(get_engine(url)).has_table("mission")
    except Exception:  # noqa: BLE001  (an unreachable server: nothing to compare with)
        return False


def _import_mission_id(session: Session, wanted: str | None) -> int | None:
    if wanted is None:
        return None
    mission = _find_mission(session, wanted)[0]
    assert mission.id is not None
    return mission.id


def _cmd_import_ics(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.path)
    strategy = parse_ics_file(path, max_bytes=settings.max_import_bytes)
    if args.dry_run:
        if _database_exists(settings.database_url):
            with read_session(get_engine(settings.database_url)) as session:
                mission_id = _import_mission_id(session, args.mission)
                diff = strategy_import.diff_strategy(session=session, strategy=strategy, mission_id=mission_id)
        elif args.mission is not None:
            raise CliError(f"unknown mission {args.mission!r} (the database has no missions yet)")
        else:
            diff = strategy_import.StrategyDiff(strategy.mission.country, None)
            diff.added = [label for label, _ in strategy_import.parsed_items(strategy).values()]
        if args.json:
            document = strategy.to_dict()
            document["mission"]["release_marking"] = strategy.mission.release_marking
            document["warnings"] = strategy.warnings
            document["diff"] = diff.to_dict()
            print(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            objectives = sum(len(g.objectives) for g in strategy.goals)
            print(
                f"{strategy.mission.country}: {len(strategy.goals)} goals, {objectives} objectives, "
                f"{len(strategy.management_objectives)} management objectives (dry run: nothing written)"
            )
            for line in diff.summary_lines():
                print(f"  {line}")
        for warning in strategy.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return 0
    migrate(settings.database_url)
    with write_session(get_engine(settings.database_url)) as session:
        mission_id = _import_mission_id(session, args.mission)
        diff = strategy_import.diff_strategy(session=session, strategy=strategy, mission_id=mission_id)
        result = strategy_import.import_strategy(
            session=session, strategy=strategy, source_sha256=sha256_of(path), mission_id=mission_id
        )
    for warning in strategy.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print(
            json.dumps(
                {
                    "mission_id": result.mission_id,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "kept": result.missing_from_document,
                    "retired": result.retired,
                    "warnings": strategy.warnings,
                    "diff": diff.to_dict(),
                }
            )
        )
    else:
        print(f"{diff.country}: {result.summary()}")
        for line in diff.summary_lines():
            print(f"  {line}")
    return 0


def _cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    engine = get_engine(settings.database_url)
    with write_session(engine) as session:
        missions = session.exec(select(Mission)).all()
        if not missions:
            raise CliError("no strategy in the database: run `python -m dashboard init` first")
        total = 0
        for mission in missions:
            assert mission.id is not None
            total += seed_demo(session=session, mission_id=mission.id, through=demo_through(mission, date.today()))
    print(f"demo status updates written: {total}" + (" (demo history already present)" if total == 0 else ""))
    return 0


def _find_mission(session: Session, wanted: str | None) -> list[Mission]:
    missions = list(session.exec(select(Mission).order_by(Mission.country)))
    if wanted is None:
        return missions
    chosen = [m for m in missions if str(m.id) == wanted or m.country.lower() == wanted.strip().lower()]
    if not chosen:
        known = ", ".join(m.country for m in missions) or "none"
        raise CliError(f"unknown mission {wanted!r} (known: {known})")
    return chosen


def _cmd_updates_export(args: argparse.Namespace, settings: Settings) -> int:
    if args.quarter is not None and args.fy is None:
        raise CliError("--quarter needs --fy")
    migrate(settings.database_url)
    engine = get_engine(settings.database_url)
    with read_session(engine) as session:
        missions = _find_mission(session, args.mission)
    filters = Filters(goals=tuple(args.goal or ()), agencies=tuple(args.agency or ()))
    frames = []
    for mission in missions:
        assert mission.id is not None
        first = last = None
        if args.fy is not None:
            first = FiscalQuarter(args.fy, args.quarter or 1).index
            last = FiscalQuarter(args.fy, args.quarter or 4).index
        expected = queries.expected_frame(engine, mission.id)
        updates = queries.updates_frame(engine, mission.id, first_qindex=first, last_qindex=last, narratives=True)
        expected, updates = scope(expected, updates, filters)
        frame = exports.export_frame(expected, updates)
        frame.insert(0, "mission", mission.country)
        frames.append(frame)
    data = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["mission", *exports.EXPORT_COLUMNS])
    )
    payload = exports.to_csv_bytes(data) if args.format == "csv" else exports.to_xlsx_bytes(data)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CliError(f"folder does not exist: {out.parent}")
    out.write_bytes(payload)
    print(f"wrote {len(data)} status updates to {out}")
    return 0


def _cmd_updates_import(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.path)
    if not args.actor.strip():
        raise CliError("--as needs the e-mail of the account the updates are from")
    if not path.is_file():
        raise CliError(f"file not found: {path}")
    try:
        spreadsheet.check_size(path.stat().st_size, settings.max_import_bytes)
        rows = spreadsheet.read_rows(path.read_bytes(), path.name, max_bytes=settings.max_import_bytes)
    except spreadsheet.SpreadsheetError as exc:
        raise CliError(f"{path.name}: {exc}") from None
    migrate(settings.database_url)
    engine = get_engine(settings.database_url)
    with read_session(engine) as session:
        missions = _find_mission(session, args.mission)
    if not missions:
        raise CliError("no strategy in the database: run `python -m dashboard init` first")
    if len(missions) > 1:
        raise CliError(f"several missions ({', '.join(m.country for m in missions)}): choose one with --mission")
    assert missions[0].id is not None
    try:
        report = bulk_updates.import_rows(
            engine=engine,
            actor_email=args.actor,
            mission_id=missions[0].id,
            rows=rows,
            dry_run=args.dry_run,
            on_top=args.on_top,
        )
    except AccessDenied as exc:
        raise CliError(str(exc)) from None
    for line in report.lines():
        print(line, file=sys.stderr)
    if not report.ok:
        print(f"error: {report.summary()}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def _read_password(args: argparse.Namespace) -> str:
    """The new password from stdin (``--password-stdin``) or a hidden prompt; never from the command line."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != password:
            raise CliError("the two passwords differ")
    else:
        raise CliError("no terminal to ask for the password: pipe it in with --password-stdin")
    check_password_rules(password)
    return password


def _cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    password = _read_password(args) if args.password_stdin or args.password else None
    with write_session(get_engine(settings.database_url)) as session:
        user = admin.add_user(
            session=session,
            actor_email=SYSTEM_ACTOR,
            email=args.email,
            role=args.role,
            agencies=args.agency or [],
            groups=args.group or [],
            password=password,
            bureau=args.bureau,
        )
        line = _user_line(admin_lists.UserRow(**admin.user_snapshot(session, user)))
    print(f"added {line}")
    if password is None:
        print("no local password: the user signs in through single sign-on, or set one with `user set-password`")
    return 0


def _user_line(user: admin_lists.UserRow) -> str:
    parts = [str(user.email), str(user.role)]
    if user.agencies:
        parts.append("agencies: " + ", ".join(user.agencies))
    if user.working_groups:
        parts.append("chairs: " + "; ".join(user.working_groups))
    if user.bureau:
        parts.append(f"bureau: {user.bureau}")
    if user.disabled:
        parts.append("DISABLED")
    if user.locked_until:
        parts.append(f"locked until {user.locked_until:%Y-%m-%d %H:%M} UTC (from at least one client)")
    if not user.local_password:
        parts.append("no local password")
    return " | ".join(parts)


def _cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    with read_session(get_engine(settings.database_url)) as session:
        users = admin_lists.list_users(session)
    if not users:
        print("no users yet: create the first admin with `python -m dashboard user add EMAIL --role admin`")
        return 0
    for user in users:
        print(_user_line(user))
    return 0


def _cmd_user_disable(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    with write_session(get_engine(settings.database_url)) as session:
        admin.update_user(session=session, actor_email=SYSTEM_ACTOR, email=args.email, disabled=args.disable)
    print(f"{'disabled' if args.disable else 'enabled'} {args.email.strip().lower()}")
    return 0


def _cmd_user_set_password(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    password = _read_password(args)
    with write_session(get_engine(settings.database_url)) as session:
        admin.set_password(session=session, actor_email=SYSTEM_ACTOR, email=args.email, password=password)
    print(f"password set for {args.email.strip().lower()} (any lock cleared)")
    return 0


def _writable_target(path: str) -> Path:
    """``path`` if a file can be written there; else a CliError naming why (checked before any work)."""
    out = Path(path)
    if out.is_dir():
        raise CliError(f"cannot write the brief to {out}: it is a folder")
    if not out.parent.is_dir():
        raise CliError(f"cannot write the brief to {out}: folder {out.parent} does not exist")
    if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise CliError(f"cannot write the brief to {out}: permission denied")
    return out


def _cmd_brief(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.views import brief  # imported late: only this command needs python-pptx and reportlab

    out = _writable_target(args.out)
    try:
        quarter = FiscalQuarter.parse(args.quarter)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    migrate(settings.database_url)
    engine = get_engine(settings.database_url)
    with read_session(engine) as session:
        missions = _find_mission(session, args.mission)
        if not missions:
            raise CliError("no strategy in the database: run `python -m dashboard init` first")
        if len(missions) > 1:
            raise CliError(f"several missions ({', '.join(m.country for m in missions)}): choose one with --mission")
        actor = access.resolve(session, args.actor) if args.actor else Actor.operator()
        reviewable = access.reviewable_objectives(session, actor) if args.actor else None
    if args.actor and actor.user_id is None:
        raise CliError(f"unknown account {args.actor!r}: --as takes the e-mail of a user of this dashboard")
    mission_id = missions[0].id
    assert mission_id is not None
    started = time.perf_counter()
    made = brief.load_brief(
        engine=engine,
        mission_id=mission_id,
        filters=Filters(goals=tuple(args.goal or ())),
        quarter=quarter,
        reader=brief.Reader(actor, None if reviewable is None else frozenset(reviewable)),
        today=date.today(),
        settings=settings,
        appendix=args.appendix,
    )
    payload = brief.render(made, args.format)
    try:
        out.write_bytes(payload)
    except OSError as exc:
        raise CliError(f"cannot write the brief to {out}: {exc.strerror or exc}") from None
    print(
        f"wrote the {made.mission} {made.quarter} brief ({args.format}, {len(payload):,} bytes) to {out} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


def _cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard import bench  # imported late: only this command needs it

    if args.entries < 1:
        raise CliError("--entries must be at least 1")
    keep = Path(args.database) if args.database else None
    if args.browser:
        return bench.run_browser(args.entries, args.rounds, args.json, keep)
    return bench.run(args.entries, args.json, keep)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="ICS progress dashboard tools.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="migrate the database and load the bundled ICS, agencies and working groups")
    p.add_argument("--demo", action="store_true", help="also write the demo status history")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("import-ics", help="import an ICS document (Markdown, text or PDF)")
    p.add_argument("path", help="the ICS document")
    p.add_argument("--dry-run", action="store_true", help="parse only; write nothing")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--mission", help="import into this mission (id or country) instead of the one named by the document"
    )
    p.set_defaults(func=_cmd_import_ics)

    p = sub.add_parser("seed-demo", help="write the deterministic demo history (marked as demo)")
    p.set_defaults(func=_cmd_seed_demo)

    updates = sub.add_parser("updates", help="status updates").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = updates.add_parser("export", help="export the latest revision of each update as CSV or Excel")
    p.add_argument("--format", choices=["csv", "xlsx"], required=True)
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--mission", help="mission id or country (default: all)")
    p.add_argument("--goal", action="append", help="goal code, e.g. 2 (repeatable; M = management)")
    p.add_argument("--agency", action="append", help="agency acronym, e.g. DEA (repeatable)")
    p.add_argument("--fy", type=int, help="fiscal year, e.g. 2026")
    p.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="fiscal quarter (with --fy)")
    p.set_defaults(func=_cmd_updates_export)

    p = updates.add_parser("import", help="import status updates from a filled-in template (CSV or Excel)")
    p.add_argument("path", metavar="FILE", help="the .xlsx or .csv file")
    p.add_argument("--as", dest="actor", required=True, metavar="EMAIL", help="e-mail of the account reporting")
    p.add_argument("--mission", help="mission id or country (default: the only mission)")
    p.add_argument("--dry-run", action="store_true", help="check every row and report; write nothing")
    p.add_argument(
        "--on-top",
        action="store_true",
        help="store rows without a current_revision on top of the newest revision (else they are refused)",
    )
    p.set_defaults(func=_cmd_updates_import)

    users = sub.add_parser("user", help="accounts and roles").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = users.add_parser("add", help="add an account")
    p.add_argument("email", metavar="EMAIL")
    p.add_argument("--role", required=True, choices=admin.ROLES)
    p.add_argument("--agency", action="append", metavar="ACR", help="agency the user reports for (repeatable)")
    p.add_argument("--group", action="append", metavar="NAME", help="working group a chair reviews (repeatable)")
    p.add_argument(
        "--bureau", choices=list(BUREAUS), help="see only this regional bureau's missions (default: every mission)"
    )
    p.add_argument("--password", action="store_true", help="ask for a local password at a hidden prompt")
    p.add_argument("--password-stdin", action="store_true", help="read a local password from the first stdin line")
    p.set_defaults(func=_cmd_user_add)
    p = users.add_parser("list", help="list accounts with their roles")
    p.set_defaults(func=_cmd_user_list)
    p = users.add_parser("disable", help="disable an account (it can still be re-enabled)")
    p.add_argument("email", metavar="EMAIL")
    p.set_defaults(func=_cmd_user_disable, disable=True)
    p = users.add_parser("enable", help="re-enable a disabled account")
    p.add_argument("email", metavar="EMAIL")
    p.set_defaults(func=_cmd_user_disable, disable=False)
    p = users.add_parser("set-password", help="set a local password (also unlocks the account)")
    p.add_argument("email", metavar="EMAIL")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first stdin line")
    p.set_defaults(func=_cmd_user_set_password)

    p = sub.add_parser("brief", help="write the quarterly review brief as a PowerPoint deck or a PDF")
    p.add_argument("--quarter", required=True, help="fiscal quarter, e.g. FY2026Q4")
    p.add_argument("--format", choices=["pptx", "pdf"], required=True)
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--mission", help="mission id or country (default: the only mission)")
    p.add_argument("--goal", action="append", help="goal code, e.g. 2 (repeatable; M = management)")
    p.add_argument("--appendix", action="store_true", help="add one page per objective: narratives and indicators")
    p.add_argument("--as", dest="actor", metavar="EMAIL", help="make it as this user sees it (default: the operator)")
    p.set_defaults(func=_cmd_brief)

    p = sub.add_parser("bench", help="benchmark the overview page on a worldwide database of N entries")
    p.add_argument("--entries", type=int, default=100_000, help="status entries to generate (default 100000)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    p.add_argument("--database", help="reuse or keep the generated SQLite file at this path")
    p.add_argument(
        "--browser",
        action="store_true",
        help="time Streamlit's floor page and the overview in headless Chromium (demo and generated databases)",
    )
    p.add_argument("--rounds", type=int, default=3, choices=range(1, 11), metavar="1-10", help="rounds (default 3)")
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.func(args, settings))
    except OperationalError as exc:  # a busy database after the retries, or one that cannot be opened
        busy = "locked" in str(exc).lower() or "busy" in str(exc).lower()
        problem = BUSY_MESSAGE if busy else f"the database could not be used ({type(exc).__name__})"
        print(f"error: {problem}", file=sys.stderr)
        return 1
    except (CliError, IcsParseError, ValueError, AccessDenied, DatabaseBusy) as exc:
        message = "; ".join(format_validation_error(exc)) if isinstance(exc, ValidationError) else str(exc)
        print(f"error: {message}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001  (one line, never a traceback)
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1
