"""Commands that load a strategy: ``init``, ``import-ics`` and ``seed-demo``."""

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from dashboard.cli.common import CliError, _find_mission
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.reporting import first_open_quarter
from dashboard.formats.ics_document import parse_ics_file
from dashboard.services import strategy_import
from dashboard.services.bootstrap import demo_through, init_database, sha256_of
from dashboard.services.demo import seed_demo
from dashboard.settings import Settings
from dashboard.store.database import get_engine, migrate, read_session, write_session
from models import Mission


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


def _retire_from(args: argparse.Namespace) -> FiscalQuarter | None:
    if args.retire_from is None:
        return None
    try:
        return FiscalQuarter.parse(args.retire_from)
    except ValueError as exc:
        raise CliError(f"--retire-from: {exc}") from exc


def _retirement_line(diff: strategy_import.StrategyDiff, chosen: FiscalQuarter | None) -> str:
    since = chosen or first_open_quarter(date.today())
    return strategy_import.retirement_sentence(diff.removed, since)


def _cmd_import_ics(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.path)
    retire_from = _retire_from(args)
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
            if diff.removed:
                print(f"  {_retirement_line(diff, retire_from)}")
        for warning in strategy.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return 0
    migrate(settings.database_url)
    with write_session(get_engine(settings.database_url)) as session:
        mission_id = _import_mission_id(session, args.mission)
        diff = strategy_import.diff_strategy(session=session, strategy=strategy, mission_id=mission_id)
        result = strategy_import.import_strategy(
            session=session,
            strategy=strategy,
            source_sha256=sha256_of(path),
            mission_id=mission_id,
            retire_from=retire_from,
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
                    "retired_from": result.retired_from,
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


def register(sub: Any) -> None:
    """Add this module's commands to the top-level subparsers."""
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
    p.add_argument(
        "--retire-from",
        metavar="QUARTER",
        help="objectives the document no longer has stop being owed from this quarter, e.g. FY2026Q4 "
        "(default: the quarter in progress)",
    )
    p.set_defaults(func=_cmd_import_ics)

    p = sub.add_parser("seed-demo", help="write the deterministic demo history (marked as demo)")
    p.set_defaults(func=_cmd_seed_demo)
