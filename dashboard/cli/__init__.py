"""The command line: ``python -m dashboard COMMAND``. Errors print one line and exit non-zero.

One module per family of commands (strategy, updates, users, reports); each adds its own subcommands.
"""

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from dashboard.cli import indicator_values, missions, notify, quarters, reports, strategy, updates, users
from dashboard.cli.common import CliError
from dashboard.domain.actor import AccessDenied
from dashboard.formats.ics_document import IcsParseError
from dashboard.settings import Settings
from dashboard.store.database import BUSY_MESSAGE, DatabaseBusy, is_busy
from models import format_validation_error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="ICS progress dashboard tools.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (strategy, updates, users, missions, reports, indicator_values, quarters, notify):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.func(args, settings))
    except OperationalError as exc:  # a busy database after the retries, or one that cannot be opened
        problem = BUSY_MESSAGE if is_busy(exc) else f"the database could not be used ({type(exc).__name__})"
        print(f"error: {problem}", file=sys.stderr)
        return 1
    except (CliError, IcsParseError, ValueError, AccessDenied, DatabaseBusy) as exc:
        message = "; ".join(format_validation_error(exc)) if isinstance(exc, ValidationError) else str(exc)
        print(f"error: {message}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001  (one line, never a traceback)
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1
