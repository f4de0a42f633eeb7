"""Pieces every command shares: the one-line error and finding a mission by id or country."""

from sqlmodel import Session, select

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
