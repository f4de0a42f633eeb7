"""The command line: ``python -m dashboard COMMAND``. Errors print one line and exit non-zero."""

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import select

from dashboard.bootstrap import demo_through, init_database, sha256_of
from dashboard.db import get_engine, migrate, write_session
from dashboard.demo import seed_demo
from dashboard.ics_parser import IcsParseError, parse_ics_file
from dashboard.settings import Settings
from dashboard.strategy import import_strategy
from models import Mission, format_validation_error


class CliError(Exception):
    """A user-facing failure: printed as one line, exit code 1."""


def _cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    report = init_database(settings, demo=args.demo)
    for line in report.lines():
        print(line)
    return 0


def _cmd_import_ics(args: argparse.Namespace, settings: Settings) -> int:
    strategy = parse_ics_file(args.path, max_bytes=settings.max_import_bytes)
    if args.dry_run:
        if args.json:
            print(json.dumps(strategy.to_dict(), indent=2, ensure_ascii=False))
        else:
            objectives = sum(len(g.objectives) for g in strategy.goals)
            print(
                f"{strategy.mission.country}: {len(strategy.goals)} goals, {objectives} objectives, "
                f"{len(strategy.management_objectives)} management objectives (dry run: nothing written)"
            )
        for warning in strategy.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return 0
    migrate(settings.database_url)
    with write_session(get_engine(settings.database_url)) as session:
        result = import_strategy(session=session, strategy=strategy, source_sha256=sha256_of(Path(args.path)))
    for warning in strategy.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps({"mission_id": result.mission_id, "created": result.created, "updated": result.updated,
                          "unchanged": result.unchanged, "kept": result.missing_from_document}))
    else:
        print(f"{strategy.mission.country}: {result.summary()}")
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
    p.set_defaults(func=_cmd_import_ics)

    p = sub.add_parser("seed-demo", help="write the deterministic demo history (marked as demo)")
    p.set_defaults(func=_cmd_seed_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.func(args, settings))
    except (CliError, IcsParseError, ValueError) as exc:
        message = "; ".join(format_validation_error(exc)) if isinstance(exc, ValidationError) else str(exc)
        print(f"error: {message}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001  (one line, never a traceback)
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1
