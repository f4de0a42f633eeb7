"""``indicators import FILE [--mission M] [--dry-run] [--json] [--as EMAIL]`` and ``indicators export --out FILE
[--mission M]``: a mission's indicator reference sheets from a CSV or Excel file, and back (losslessly)."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dashboard.cli.common import CliError, one_mission
from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.formats import indicator_sheet
from dashboard.services import indicator_sheets
from dashboard.services.indicator_sheets import SheetsReport
from dashboard.settings import Settings
from dashboard.store.database import get_engine, migrate, read_session
from dashboard.views.admin_lists import change_text


def _rows(path: Path, max_bytes: int) -> list[indicator_sheet.SheetRow]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return indicator_sheet.read_sheets(data, path.name, max_bytes=max_bytes)
    except indicator_sheet.SheetFileError as exc:
        raise CliError(f"{path.name}: {exc}") from None


def _document(country: str, report: SheetsReport) -> dict[str, Any]:
    return {
        "mission": country,
        "dry_run": report.dry_run,
        "written": report.ok and not report.dry_run and bool(report.changes),
        "summary": report.summary(),
        "changes": [
            {
                "row": c.row,
                "action": c.action,
                "code": c.code,
                "change": change_text(json.dumps(c.before), json.dumps(c.after)),
                "before": c.before,
                "after": c.after,
            }
            for c in report.changes
        ],  # fmt: skip
        "unchanged": report.unchanged,
        "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in report.problems],
    }


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    rows = _rows(Path(args.file), settings.max_import_bytes)
    migrate(settings.database_url)
    engine = get_engine(settings.database_url)
    with read_session(engine) as session:
        mission = one_mission(session, args.mission)
    actor = SYSTEM_ACTOR if args.as_email is None else args.as_email
    assert mission.id is not None
    report = indicator_sheets.import_sheets(
        engine, actor_email=actor, mission_id=mission.id, rows=rows, dry_run=args.dry_run
    )
    if args.json:
        json.dump(_document(mission.country, report), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0 if report.ok else 1
    for problem in report.problems:
        print(problem.line(), file=sys.stderr)
    if not report.ok:
        print(f"error: {report.summary()}", file=sys.stderr)
        return 1
    print(f"{mission.country}: {report.summary()}")
    for change in report.changes:
        text = change_text(json.dumps(change.before), json.dumps(change.after)).replace("\n", "; ")
        print(f"  row {change.row}: {change.action} {change.code}: {text}")
    return 0


def _cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CliError(f"{out.name}: write the indicators to a .csv or .xlsx file")
    if not out.parent.is_dir():
        raise CliError(f"folder does not exist: {out.parent}")
    migrate(settings.database_url)
    with read_session(get_engine(settings.database_url)) as session:
        mission = one_mission(session, args.mission)
        assert mission.id is not None
        data, count = indicator_sheets.export_sheets(session=session, mission_id=mission.id, filename=out.name)
    out.write_bytes(data)
    print(f"wrote {count} indicator{'s' * (count != 1)} of {mission.country} to {out}")
    return 0


def add_commands(indicators: Any) -> None:
    """``indicators import`` and ``indicators export`` under the ``indicators`` command's subparsers."""
    p = indicators.add_parser("import", help="create, change or retire a mission's indicators from a sheet file")
    p.add_argument("file", metavar="FILE", help="a .csv or .xlsx file with one reference sheet per row")
    p.add_argument("--mission", metavar="M", help="mission id or country (default: the only mission)")
    p.add_argument("--dry-run", action="store_true", help="check every row and list the changes; write nothing")
    p.add_argument("--json", action="store_true", help="print the changes (or the problems) as JSON")
    p.add_argument("--as", dest="as_email", metavar="EMAIL", help="act as this admin (default: the operator)")
    p.set_defaults(func=_cmd_import)
    p = indicators.add_parser("export", help="write a mission's indicator reference sheets (CSV or XLSX)")
    p.add_argument("--out", required=True, metavar="FILE", help="the .csv or .xlsx file to write")
    p.add_argument("--mission", metavar="M", help="mission id or country (default: the only mission)")
    p.set_defaults(func=_cmd_export)
