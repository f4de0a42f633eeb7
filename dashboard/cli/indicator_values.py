"""``indicators report FILE --as EMAIL`` (actuals from the responsible agency) and ``indicators status`` (what the
indicators say in a quarter, beside the reported status)."""

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import select

from dashboard.cli import indicator_sheets
from dashboard.cli.common import CliError, one_mission, quarter_arg
from dashboard.formats import spreadsheet
from dashboard.services import indicator_values
from dashboard.settings import Settings
from dashboard.store.database import get_engine, migrate, read_session, write_session
from dashboard.views import evidence
from models import Mission

VALUE_COLUMNS = ("indicator", "quarter", "value", "note")


def _value_rows(path: Path, max_bytes: int) -> list[indicator_values.ValueRow]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    table = spreadsheet.plain_rows(data, path.name, max_bytes=max_bytes)
    if not table:
        raise CliError(f"{path.name} is empty: it needs a header row (indicator, quarter, value, note)")
    header = [h.strip().lower() for h in table[0][1]]
    missing = [c for c in VALUE_COLUMNS[:3] if c not in header]
    unknown = [h for h in header if h and h not in VALUE_COLUMNS]
    if missing or unknown:
        named = f"missing: {', '.join(missing) or 'none'}; unknown: {', '.join(unknown) or 'none'}"
        raise CliError(f"the header row must be indicator, quarter, value[, note] ({named})")
    rows = []
    for number, cells in table[1:]:
        values = dict(zip(header, cells, strict=False))
        rows.append(indicator_values.ValueRow(number, values.get("indicator", ""), values.get("quarter", ""),
                                              values.get("value", ""), values.get("note", "")))  # fmt: skip
    return rows


def _cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    rows = _value_rows(Path(args.file), settings.max_import_bytes)
    engine = get_engine(settings.database_url)
    with read_session(engine) as session:
        mission_id = one_mission(session, args.mission).id if args.mission else None
    try:
        with write_session(engine) as session:
            stored = indicator_values.report(
                session=session, actor_email=args.as_email, rows=rows, mission_id=mission_id, today=date.today()
            )
            lines = [f"{v.fiscal_year} Q{v.quarter} revision {v.revision}" for v in stored]
    except indicator_values.ValueRowsError as refused:
        for problem in refused.problems:
            print(problem, file=sys.stderr)
        raise CliError(f"{len(refused.problems)} row(s) refused; nothing was written") from None
    print(f"stored {len(lines)} value{'s' * (len(lines) != 1)}")
    return 0


def _cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    engine = get_engine(settings.database_url)
    with read_session(engine) as session:
        missions = [one_mission(session, args.mission)] if args.mission else list(session.exec(select(Mission)))
    states, on_target = settings.counted_states, settings.indicator_on_target
    if args.mission:
        every = {
            m.id: evidence.status_document(
                evidence.for_mission(engine, m.id, args.quarter, states=states, on_target=on_target)
            )
            for m in missions
        }
    else:  # one read of each kind for every mission, grouped once
        every = evidence.status_documents(
            evidence.for_missions(engine, args.quarter, states=states, on_target=on_target)
        )
    none = evidence.status_document(evidence.empty(args.quarter))
    documents = [{"mission": m.country, **every.get(m.id, none)} for m in missions]
    if args.json:
        indent = 2 if sys.stdout.isatty() else None  # indented for a person; compact (and quick) for a program
        document = documents[0] if args.mission or len(documents) == 1 else documents
        print(json.dumps(document, indent=indent))
        return 0
    for document in documents:
        objectives: list[dict[str, Any]] = document["objectives"]  # type: ignore[assignment]
        print(f"{document['mission']} {document['quarter']}: {len(document['indicators'])} indicators")  # type: ignore[arg-type]
        for row in objectives:
            flag = "  DISAGREES" if row["disagrees"] else ""
            print(f"  {row['code']}: reported {row['status'] or '-'}, evidence {row['evidence']}{flag}")
    return 0


def add_commands(indicators: Any) -> None:
    """``indicators report`` and ``indicators status`` under the ``indicators`` command's subparsers."""
    p = indicators.add_parser("report", help="store indicator values (CSV or XLSX: indicator, quarter, value[, note])")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--as", dest="as_email", required=True, metavar="EMAIL", help="the contributor reporting")
    p.add_argument("--mission", metavar="M", help="mission id or country, when codes repeat across posts")
    p.set_defaults(func=_cmd_report)
    p = indicators.add_parser("status", help="what the indicators say in a quarter, beside the reported status")
    p.add_argument("--quarter", required=True, type=quarter_arg, metavar="FY2026Q4")
    p.add_argument("--mission", metavar="M", help="mission id or country (default: every mission)")
    p.add_argument("--json", action="store_true", help="print JSON (achievement unrounded)")
    p.set_defaults(func=_cmd_status)


def register(sub: Any) -> None:
    indicators = sub.add_parser("indicators", help="indicators: reference sheets, values and status").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    indicator_sheets.add_commands(indicators)
    add_commands(indicators)
