"""Pieces every command shares: the one-line error and finding a mission by id or country."""

import argparse

from sqlmodel import Session, select

from dashboard.domain.fiscal import FiscalQuarter
from models import Mission


class CliError(Exception):
    """A user-facing failure: printed as one line, exit code 1."""


def _find_mission(session: Session, wanted: str | None) -> list[Mission]:
    missions = list(session.exec(select(Mission).order_by(Mission.country)))
    if wanted is None:
        return missions
    chosen = [m for m in missions if str(m.id) == wanted or m.country.lower() == wanted.strip().lower()]
    if not chosen:
        known = ", ".join(m.country for m in missions) or "none"
        raise CliError(f"unknown mission {wanted!r} (known: {known})")
    return chosen


def all_missions(session: Session) -> list[Mission]:
    return _find_mission(session, None)


def one_mission(session: Session, wanted: str | None) -> Mission:
    """The mission a command works on: the one named, or the only one; else a CliError saying what to do."""
    missions = _find_mission(session, wanted)
    if not missions:
        raise CliError("no strategy in the database: run `python -m dashboard init` first")
    if len(missions) > 1:
        raise CliError(f"several missions ({', '.join(m.country for m in missions)}): choose one with --mission")
    return missions[0]


def quarter_arg(text: str) -> FiscalQuarter:
    """An argparse type: a fiscal quarter as people write it ("FY2026Q4", "FY2026 Q4")."""
    try:
        return FiscalQuarter.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a quarter such as FY2026Q4") from None
