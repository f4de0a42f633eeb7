"""Commands that produce figures: the quarterly ``brief`` and the ``bench`` benchmark."""

import argparse
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

from dashboard.cli.common import CliError, one_mission
from dashboard.domain.actor import Actor
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import access
from dashboard.settings import Settings
from dashboard.store.database import get_engine, migrate, read_session


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
        mission = one_mission(session, args.mission)
        actor = access.resolve(session, args.actor) if args.actor else Actor.operator()
        reviewable = access.reviewable_objectives(session, actor) if args.actor else None
    if args.actor and actor.user_id is None:
        raise CliError(f"unknown account {args.actor!r}: --as takes the e-mail of a user of this dashboard")
    mission_id = mission.id
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
    if args.notify:
        return bench.run_notify(args.entries, args.json, keep)
    return bench.run(args.entries, args.json, keep)


def register(sub: Any) -> None:
    """Add this module's commands to the top-level subparsers."""
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
    p.add_argument(
        "--notify", action="store_true", help="time deciding the e-mail due for 270 missions and ~8,000 accounts"
    )
    p.add_argument("--rounds", type=int, default=3, choices=range(1, 11), metavar="1-10", help="rounds (default 3)")
    p.set_defaults(func=_cmd_bench)
