"""A mission's settings: bureau, country and post, strategy period, first reporting quarter, release marking,
time zone, due days, and which mission visitors open on. Admins only; every change is audited.

``set_mission`` checks everything before it writes: one bad value is refused in one sentence naming the setting,
and nothing is written.
"""

import zoneinfo
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from sqlmodel import Session, col, select

from dashboard.domain.actor import AccessDenied
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.opening import default_mission
from dashboard.domain.reporting import first_reporting_quarter
from dashboard.services.access import acting
from dashboard.services.admin import _admin, audit
from models import Mission
from models.scales import BUREAUS
from models.schemas import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from models.text import clean_text

DEPLOYMENT = "default"
"""``due_days`` value that makes a mission follow the deployment's ``ICS_DUE_DAYS`` again."""
MAX_DUE_DAYS = 365
TIME_ZONE_EXAMPLES = "e.g. America/Lima, Asia/Kathmandu"


@dataclass(frozen=True)
class MissionChanges:
    """What to change on a mission; None leaves a setting as it is."""

    country: str | None = None
    post: str | None = None
    bureau: str | None = None
    strategy_start: int | None = None
    strategy_end: int | None = None
    first_quarter: FiscalQuarter | str | None = None
    release_marking: str | None = None
    time_zone: str | None = None
    due_days: int | Literal["default"] | None = None
    send_hour: int | None = None  # the hour of the post's day (0-23) from which its e-mail goes out
    default: bool | None = None  # True: visitors open on this mission; False: no longer marked


def is_default(session: Session, mission: Mission) -> bool:
    """Whether visitors open on ``mission`` (the marked mission, else the oldest)."""
    return _default_id(session) == mission.id


def mission_snapshot(session: Session, mission: Mission) -> dict[str, Any]:
    """The mission's settings as the audit log and ``mission list`` show them."""
    first = first_reporting_quarter(mission)
    return {
        "country": mission.country,
        "post": mission.post,
        "bureau": mission.bureau,
        "strategy": f"FY{mission.strategy_start}–FY{mission.strategy_end}",
        "first_reporting_quarter": first.label,
        "release_marking": mission.release_marking,
        "time_zone": mission.time_zone,
        "due_days": mission.due_days,
        "send_hour": mission.send_hour,
        "default": is_default(session, mission),
    }


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_time_zone(name: str) -> str:
    """An IANA time zone name as typed (surrounding spaces dropped); ValueError in one sentence otherwise."""
    cleaned = clean_text(name).strip()
    if cleaned not in _time_zones():
        raise ValueError(f"Time zone: {cleaned!r} is not a time zone name ({TIME_ZONE_EXAMPLES}).")
    return cleaned


def _text(label: str, value: str, longest: int) -> str:
    cleaned = " ".join(clean_text(value).split())
    if not cleaned:
        raise ValueError(f"{label}: is required.")
    if len(cleaned) > longest:
        raise ValueError(f"{label}: is too long: at most {longest} characters.")
    return cleaned


def _bureau(value: str) -> str:
    code = value.strip().upper()
    if code not in BUREAUS:
        raise ValueError(
            f"Regional bureau: {value.strip()!r} is not one of the six regional bureaus ({', '.join(BUREAUS)})."
        )
    return code


def _country(session: Session, mission: Mission, value: str) -> str:
    country = _text("Country", value, 120)
    for other in session.exec(select(Mission).where(Mission.id != mission.id)):
        if other.country.strip().lower() == country.lower():
            raise ValueError(f"Country: another mission is already {other.country} ({other.post}).")
    return country


def _period(mission: Mission, start: int | None, end: int | None) -> tuple[int, int]:
    start = mission.strategy_start if start is None else start
    end = mission.strategy_end if end is None else end
    for label, year in (("starts", start), ("ends", end)):
        if not MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
            raise ValueError(
                f"Strategy period: it {label} in FY{year}, outside FY{MIN_FISCAL_YEAR}–FY{MAX_FISCAL_YEAR}."
            )
    if end < start:
        raise ValueError(f"Strategy period: it ends in FY{end}, before it starts in FY{start}.")
    return start, end


def _parsed_quarter(wanted: FiscalQuarter | str) -> FiscalQuarter:
    if isinstance(wanted, FiscalQuarter):
        return wanted
    try:
        return FiscalQuarter.parse(wanted)
    except ValueError:
        raise ValueError(f"First reporting quarter: {wanted.strip()!r} is not a quarter (e.g. FY2023 Q1).") from None


def _first_quarter(
    mission: Mission, wanted: FiscalQuarter | str | None, period: tuple[int, int]
) -> FiscalQuarter | None:
    """The first reporting quarter to store: the one given, which must lie inside ``period``; else None (the
    stored one stays), unless ``period`` now ends before the stored one."""
    start, end = period
    inside = f"choose a quarter from FY{start} Q1 to FY{end} Q4"
    if wanted is not None:
        first = _parsed_quarter(wanted)
        if not FiscalQuarter(start, 1) <= first <= FiscalQuarter(end, 4):
            raise ValueError(
                f"First reporting quarter: {first.label} is outside the strategy period FY{start}–FY{end}; {inside}."
            )
        return first
    if mission.reporting_from_fy is not None and mission.reporting_from_quarter is not None:
        stored = FiscalQuarter(mission.reporting_from_fy, mission.reporting_from_quarter)
        if stored > FiscalQuarter(end, 4):
            raise ValueError(
                f"First reporting quarter: {stored.label} would lie after the strategy period FY{start}–FY{end}; "
                f"{inside} as well."
            )
    return None


def _due_days(value: int | str) -> int | None:
    if value == DEPLOYMENT:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DUE_DAYS:
        raise ValueError(
            f"Due days: {value!r} is not a whole number of days from 0 to {MAX_DUE_DAYS} "
            f"(or {DEPLOYMENT!r}: the deployment's ICS_DUE_DAYS)."
        )
    return value


def _checked(session: Session, mission: Mission, changes: MissionChanges) -> dict[str, Any]:
    """The new column values, every one checked; ValueError naming the first bad setting."""
    values: dict[str, Any] = {}
    if changes.bureau is not None:
        values["bureau"] = _bureau(changes.bureau)
    if changes.country is not None:
        values["country"] = _country(session, mission, changes.country)
    if changes.post is not None:
        values["post"] = _text("Post", changes.post, 200)
    period = _period(mission, changes.strategy_start, changes.strategy_end)
    values["strategy_start"], values["strategy_end"] = period
    first = _first_quarter(mission, changes.first_quarter, period)
    if first is not None:
        values["reporting_from_fy"], values["reporting_from_quarter"] = first.fiscal_year, first.quarter
    if changes.release_marking is not None:
        values["release_marking"] = _text("Release marking", changes.release_marking, 60).upper()
    if changes.time_zone is not None:
        values["time_zone"] = check_time_zone(changes.time_zone)
    if changes.due_days is not None:
        values["due_days"] = _due_days(changes.due_days)
    if changes.send_hour is not None:
        if isinstance(changes.send_hour, bool) or changes.send_hour not in range(24):
            raise ValueError(f"Sending hour: {changes.send_hour!r} is not an hour of the day from 0 to 23.")
        values["send_hour"] = changes.send_hour
    return values


def _default_id(session: Session) -> int | None:
    return default_mission((int(i), bool(flag)) for i, flag in session.exec(select(Mission.id, Mission.is_default)))  # type: ignore[arg-type]


def _move_default(session: Session, mission: Mission, wanted: bool, who: str) -> None:
    """Mark ``mission`` as the one visitors open on (``wanted``) or unmark it. The mission visitors opened on
    before, when another, gets its own audit row."""
    previous = session.get(Mission, _default_id(session))
    before = None if previous is None or previous.id == mission.id else mission_snapshot(session, previous)
    for other in session.exec(select(Mission).where(col(Mission.is_default))):
        other.is_default = False
        session.add(other)
    mission.is_default = wanted
    session.add(mission)
    session.flush()
    if previous is not None and before is not None:
        after = mission_snapshot(session, previous)
        if after != before:
            audit(session, actor=who, action="change mission", entity="mission", key=previous.country,
                  before=before, after=after)  # fmt: skip


def set_mission(*, session: Session, actor_email: str | None, mission_id: int, changes: MissionChanges) -> Mission:
    """Change a mission's settings; every value is checked before anything is written. Audited as "change
    mission" with the settings before and after (nothing is recorded when nothing changed)."""
    who = _admin(session, actor_email)
    mission = session.get(Mission, mission_id)
    if mission is None:
        raise ValueError(f"Mission: there is no mission {mission_id}.")
    if not acting(session, actor_email).may_see_bureau(mission.bureau):
        raise AccessDenied("This mission is outside the regional bureau your account sees.")
    values = _checked(session, mission, changes)
    before = mission_snapshot(session, mission)
    for name, value in values.items():
        setattr(mission, name, value)
    if changes.default is not None:
        _move_default(session, mission, changes.default, who)
    session.add(mission)
    session.flush()
    after = mission_snapshot(session, mission)
    if after != before:
        audit(session, actor=who, action="change mission", entity="mission", key=mission.country, before=before,
              after=after)  # fmt: skip
    return mission
