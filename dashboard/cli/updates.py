"""Commands on status updates: ``updates export`` and ``updates import``."""

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.cli.common import CliError, _find_mission, one_mission
from dashboard.domain.actor import AccessDenied
from dashboard.domain.aggregation import scope
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats import exports, spreadsheet
from dashboard.services import bulk_updates
from dashboard.settings import Settings
from dashboard.store import queries
from dashboard.store.database import get_engine, migrate, read_session


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
        mission = one_mission(session, args.mission)
    assert mission.id is not None
    try:
        report = bulk_updates.import_rows(
            engine=engine,
            actor_email=args.actor,
            mission_id=mission.id,
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


def register(sub: Any) -> None:
    """Add this module's commands to the top-level subparsers."""
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
