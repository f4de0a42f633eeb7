"""``mission setup FILE [--dry-run] [--json]`` and ``mission setup --export FILE``: a post's agencies, objective
roles, working groups and users from one setup file, and back."""

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from dashboard.cli.common import CliError, one_mission
from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats import setup_file
from dashboard.services import post_setup
from dashboard.settings import Settings
from dashboard.store.database import get_engine, migrate, read_session, write_session
from dashboard.views.admin_lists import change_text


def _quarter(text: str) -> FiscalQuarter:
    try:
        return FiscalQuarter.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a quarter such as FY2027Q1") from None


def _export(args: argparse.Namespace, settings: Settings) -> int:
    out = Path(args.export)
    if out.suffix.lower() not in (".json", ".xlsx"):
        raise CliError(f"{out.name}: write the setup to a .json or .xlsx file")
    with read_session(get_engine(settings.database_url)) as session:
        mission = one_mission(session, args.mission)
        setup = post_setup.current_setup(session, mission.id)  # type: ignore[arg-type]
    data = setup_file.setup_json(setup) if out.suffix.lower() == ".json" else setup_file.setup_workbook(setup)
    out.write_bytes(data)
    sizes = {k: len(getattr(setup, k)) for k in setup_file.SHEETS}
    print(f"wrote {out}: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sizes.items()))
    return 0


def _cmd_setup(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    if args.export:
        return _export(args, settings)
    if not args.file:
        raise CliError("name the setup file to read (or --export FILE to write one)")
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    setup = setup_file.read_setup(data, path.name, max_bytes=settings.max_import_bytes)
    engine = get_engine(settings.database_url)
    with read_session(engine) as session:
        mission = one_mission(session, args.mission)
        effective = args.effective or post_setup.default_effective(session, mission.id, date.today())  # type: ignore[arg-type]
    common: dict[str, Any] = {"actor_email": SYSTEM_ACTOR, "mission_id": mission.id, "setup": setup}
    if args.dry_run:
        changes = post_setup.preview_setup(engine, **common, effective=effective)
    else:
        with write_session(engine) as session:
            changes = post_setup.apply_setup(session=session, **common, effective=effective)
    _report(changes, mission.country, effective, dry_run=args.dry_run, as_json=args.json)
    return 0


def _report(changes: list, country: str, effective: FiscalQuarter | None, *, dry_run: bool, as_json: bool) -> None:
    held = f"from {effective.label}" if effective else "for every quarter"
    if as_json:
        rows = [{"action": c.action, "key": c.key, "change": change_text(c.before, c.after)} for c in changes]
        document = {"mission": country, "dry_run": dry_run, "roles_from": effective.label if effective else None}
        json.dump({**document, "changes": rows}, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    verb = "would make" if dry_run else "made"
    print(f"{country}: {verb} {len(changes)} change{'s' * (len(changes) != 1)} (objective and group roles {held})")
    for change in changes:
        text = change_text(change.before, change.after).replace("\n", "; ")
        print(f"  {change.action} {change.key}: {text}")
    if dry_run:
        print("dry run: nothing written")


def add_setup_command(missions: Any) -> None:
    """``mission setup`` under the ``mission`` command's subparsers."""
    p = missions.add_parser("setup", help="set up a post from one file (agencies, roles, groups, users), or export it")
    p.add_argument("file", nargs="?", metavar="FILE", help="a .json or .xlsx setup file")
    p.add_argument("--mission", metavar="M", help="mission id or country (default: the only mission)")
    p.add_argument("--dry-run", action="store_true", help="check the file and list the changes; write nothing")
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p.add_argument(
        "--from",
        dest="effective",
        type=_quarter,
        metavar="FY2027Q1",
        help="objective and group roles hold from this quarter (default: every quarter for a post with no "
        "update yet, else the quarter being reported)",
    )
    p.add_argument("--export", metavar="FILE", help="write the mission's current setup to FILE (.json or .xlsx)")
    p.set_defaults(func=_cmd_setup)


def register(sub: Any) -> None:
    missions = sub.add_parser("mission", help="a post's settings and set-up").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add_setup_command(missions)
