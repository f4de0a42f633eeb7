"""Who gets which e-mail now: the rules of ``notify``, as plain functions of what the database holds.

Every message is a ``Notice``: its recipient, its kind, the references it tells them about (each sent to a
recipient once: ``store.notices`` keeps them unique) and its text as blocks of lines, each line with the page it
links to. The kinds:

* ``due-soon``, ``due-today``, ``overdue`` (to the people who report for an agency): every update their agencies
  owe the mission for its reporting quarter, in one message per person and mission. Due soon
  ``remind_days_before`` days before the due date, due today on it, then overdue the day after and every
  ``remind_every_days`` days, at most ``remind_max`` times. Each stage is one reference
  (``owed:<mission>:<qindex>:<stage>``): a run that missed a day still sends the current stage, never an old one.
* ``update-returned`` (to the people who report for the agency): each update a chair returned, with the comment, on the
  first run after the return (``returned:<review event>``).
* ``review-digest`` (to chairs): the updates waiting for their review, oldest first, once a day
  (``digest:<mission>:<local date>``), when there is one.
* ``escalation`` (to chairs): ``escalate_after_days`` past the due date, which agencies have not reported in
  their working groups, once a quarter (``escalate:<mission>:<qindex>``).
* ``weekly-summary`` (to those who asked for it): the quarter at their missions, once a week
  (``weekly:<ISO year>-W<week>``).

Nothing goes out for a mission before its sending hour in its time zone, nothing is asked for a closed quarter,
and drafts are never read. Reminders cannot be turned off by their recipient (only by an admin,
``reminders_off``); the digest and the summary can.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from dashboard.domain import links
from dashboard.domain.fiscal import FiscalQuarter, reporting_quarter, strategy_quarters
from dashboard.domain.numbers import plural
from dashboard.domain.reporting import day_text, due_date, mission_due_days
from models.scales import ReviewState, Role

SENT_REFS_DAYS = 400
"""How far back the references already queued are read (the unique constraint holds whatever the age)."""


@dataclass(frozen=True)
class Rules:
    remind_days_before: int = 7
    remind_every_days: int = 7
    remind_max: int = 4
    escalate_after_days: int = 14
    due_days: int = 30  # the deployment's ICS_DUE_DAYS, for missions without their own


@dataclass(frozen=True)
class Line:
    text: str
    path: str = ""  # the page and query it links to, under the base URL: "submit?mission=1&objective=1.1&…"
    detail: str = ""  # a second line: the chair's comment, how long it has waited


@dataclass(frozen=True)
class Block:
    heading: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Notice:
    user_id: int
    email: str
    mission_id: int | None
    kind: str
    refs: tuple[str, ...]
    subject: str
    intro: str
    blocks: tuple[Block, ...] = ()
    why: str = ""  # why this person gets it, for --dry-run and the foot of the message


@dataclass(frozen=True)
class Clock:
    """A mission's day: its local time now, whether its sending hour has come, its reporting quarter and due date."""

    mission_id: int
    name: str
    local: datetime
    ready: bool
    quarter: FiscalQuarter | None  # None: the strategy has no quarter being reported now
    due: date | None

    @property
    def today(self) -> date:
        return self.local.date()


@dataclass
class Decision:
    notices: list[Notice] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one sentence each: a mission skipped, and why


def path(page: str, params: dict[str, str]) -> str:
    return f"{page}?{urlencode(params)}" if params else page


def zone_of(name: object) -> ZoneInfo:
    """A mission's time zone (UTC when none is set); ValueError (one sentence) for a name that is not one."""
    if name is None or (isinstance(name, float) and pd.isna(name)) or str(name).strip() == "":
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"its time zone {str(name)[:60]!r} is not a known IANA time zone") from None


def clocks(missions: pd.DataFrame, now: datetime, rules: Rules) -> tuple[dict[int, Clock], list[str]]:
    """Each mission's ``Clock`` at ``now``; a mission with an unknown time zone is left out, with its sentence."""
    out: dict[int, Clock] = {}
    problems = []
    for row in missions.itertuples():
        name = f"{row.country} ({row.post})"
        try:
            local = now.astimezone(zone_of(row.time_zone))
        except ValueError as exc:
            problems.append(f"{name}: nothing was sent because {exc}; set it on Admin's Mission settings tab.")
            continue
        quarter, due = reporting_quarter(local.date()), None
        first, last = strategy_quarters(int(row.strategy_start), int(row.strategy_end))
        if first <= quarter <= last:
            due = due_date(quarter, mission_due_days(row.due_days, rules.due_days))
        else:
            quarter = None
        out[int(row.mission_id)] = Clock(
            int(row.mission_id), name, local, local.hour >= int(row.send_hour), quarter, due
        )
    return out, problems


def owed_stage(today: date, due: date, rules: Rules) -> tuple[str, str] | None:
    """The reminder ``today`` calls for, as (kind, stage): ("due-soon", "soon"), ("due-today", "today"),
    ("overdue", "overdue-2"); None when none is due."""
    days = (due - today).days
    if days > rules.remind_days_before:
        return None
    if days > 0:
        return "due-soon", "soon"
    if days == 0:
        return "due-today", "today"
    number = (-days - 1) // rules.remind_every_days + 1
    return ("overdue", f"overdue-{number}") if number <= rules.remind_max else None


STAGE_NAMES = {"soon": "Due soon", "today": "Due today"}


def upcoming(clock: Clock, rules: Rules) -> list[tuple[date, str]]:
    """The mission's reminders still to come for its reporting quarter, with the day each goes out: "Due soon",
    "Due today", "Overdue 2 of 4", "Escalation to chairs"."""
    if clock.quarter is None or clock.due is None:
        return []
    now = owed_stage(clock.today, clock.due, rules) if clock.ready else None
    last = clock.due + timedelta(days=rules.remind_every_days * rules.remind_max + 1)
    out, seen = [], {now[1]} if now else set()
    day = clock.today if not clock.ready else clock.today + timedelta(days=1)
    while day <= last:
        stage = owed_stage(day, clock.due, rules)
        if stage is not None and stage[1] not in seen:
            seen.add(stage[1])
            name = STAGE_NAMES.get(stage[1]) or f"Overdue {stage[1].split('-')[1]} of {rules.remind_max}"
            out.append((day, name))
        day += timedelta(days=1)
    escalation = clock.due + timedelta(days=rules.escalate_after_days)
    if escalation > clock.today or (escalation == clock.today and not clock.ready):
        out.append((escalation, "Escalation to chairs"))
    return sorted(out)


@dataclass(frozen=True)
class People:
    """The accounts that can hear something, by what they do (disabled accounts hear nothing)."""

    users: pd.DataFrame
    reporters: dict[tuple[int, int], list[int]]  # (mission, agency) -> users who report for it
    chairs: dict[int, list[int]]  # working group -> its chairs
    emails: dict[int, str]
    flags: dict[str, dict[int, bool]]  # "reminders_off", "review_digest", "weekly_summary" -> user -> value

    @classmethod
    def of(cls, users: pd.DataFrame, agency_bindings: pd.DataFrame, group_bindings: pd.DataFrame) -> "People":
        users = users[~users["disabled"].astype(bool)]
        roles = dict(zip(users["user_id"].astype(int), users["role"], strict=True))
        reporters: dict[tuple[int, int], list[int]] = {}
        for user, mission, agency in agency_bindings[["user_id", "mission_id", "agency_id"]].itertuples(index=False):
            if roles.get(int(user), Role.VIEWER.value) != Role.VIEWER.value:
                reporters.setdefault((int(mission), int(agency)), []).append(int(user))
        chairs: dict[int, list[int]] = {}
        for user, group in group_bindings[["user_id", "working_group_id"]].itertuples(index=False):
            if roles.get(int(user)) == Role.CHAIR.value:
                chairs.setdefault(int(group), []).append(int(user))
        ids = users["user_id"].astype(int)
        flags = {
            name: dict(zip(ids, users[name].astype(bool), strict=True))
            for name in ("reminders_off", "review_digest", "weekly_summary")
        }
        return cls(users, reporters, chairs, dict(zip(ids, users["email"].astype(str), strict=True)), flags)

    def email(self, user: int) -> str:
        return self.emails[user]

    def flag(self, user: int, name: str) -> bool:
        return self.flags[name][user]


def _update_line(row: Any, mission_id: int, page: str, quarter: FiscalQuarter, detail: str = "") -> Line:
    if page == "submit":
        params = {"mission": str(mission_id), **links.submit_link(row.code, row.agency, quarter)}
    elif page == "review":
        params = links.review_link(row.code, row.agency, quarter, mission_id)
    else:
        params = links.objective_link(row.code, quarter, mission_id)
    return Line(f"{row.code} · {row.agency} · {quarter.label}: {row.objective_title}", path(page, params), detail)


def _by_user(rows: list[Any], people: People, mission_id: int) -> dict[int, list[int]]:
    """The positions of the rows each reporter of their agency hears of (reminders not turned off by an admin)."""
    out: dict[int, list[int]] = {}
    for position, row in enumerate(rows):
        for user in people.reporters.get((mission_id, int(row.agency_id)), []):
            if not people.flag(user, "reminders_off"):
                out.setdefault(user, []).append(position)
    return out


def owed_notices(clock: Clock, owed: pd.DataFrame, people: People, rules: Rules) -> list[Notice]:
    """The reminder of the day (due soon, due today or overdue) to each person whose agencies owe updates."""
    if clock.quarter is None or clock.due is None or owed.empty:
        return []
    stage = owed_stage(clock.today, clock.due, rules)
    if stage is None:
        return []
    kind, step = stage
    quarter, days = clock.quarter, (clock.due - clock.today).days
    when = {
        "due-soon": f"due on {day_text(clock.due)}, in {plural(days, 'day')}",
        "due-today": f"due today, {day_text(clock.due)}",
        "overdue": f"{plural(-days, 'day')} late (due on {day_text(clock.due)})",
    }[kind]
    out = []
    rows = list(owed.itertuples(index=False))
    every = [
        _update_line(
            row,
            clock.mission_id,
            "submit",
            quarter,
            "Returned for fixing" if row.state == ReviewState.RETURNED.value else "",
        )
        for row in rows
    ]
    for user, positions in _by_user(rows, people, clock.mission_id).items():
        lines = tuple(every[p] for p in positions)
        count = plural(len(lines), "update")
        out.append(
            Notice(
                user_id=user,
                email=people.email(user),
                mission_id=clock.mission_id,
                kind=kind,
                refs=(f"owed:{clock.mission_id}:{quarter.index}:{step}",),
                subject=f"{clock.name}: {count} for {quarter.label} {'is' if len(lines) == 1 else 'are'} {when}",
                intro=f"Your agency owes {count} for {quarter.label}: {when}. Each link opens its form.",
                blocks=(Block(f"Owed for {quarter.label}", lines),),
                why="you report for an agency that owes these updates",
            )
        )
    return out


def returned_notices(clock: Clock, returned: pd.DataFrame, people: People, sent: set[tuple[int, str]]) -> list[Notice]:
    """Each update a chair returned, with the comment, once, to the people who report for its agency."""
    out = []
    every = list(returned.itertuples(index=False))
    for user, positions in _by_user(every, people, clock.mission_id).items():
        rows = [every[p] for p in positions if (user, f"returned:{every[p].review_id}") not in sent]
        if not rows:
            continue
        lines = tuple(
            _update_line(
                row,
                clock.mission_id,
                "submit",
                FiscalQuarter(int(row.fiscal_year), int(row.quarter)),
                f"Returned by {row.reviewer}: {row.comment}"
                if str(row.comment).strip()
                else f"Returned by {row.reviewer}",
            )
            for row in rows
        )
        out.append(
            Notice(
                user_id=user,
                email=people.email(user),
                mission_id=clock.mission_id,
                kind="update-returned",
                refs=tuple(f"returned:{row.review_id}" for row in rows),
                subject=f"{clock.name}: {plural(len(lines), 'update')} returned for fixing",
                intro="A chair returned these updates with a comment. Fix each and send it again.",
                blocks=(Block("Returned", lines),),
                why="you report for the agency these updates belong to",
            )
        )
    return out


def _waited(now: datetime, since: object) -> str:
    moment = since if isinstance(since, datetime) else datetime.fromisoformat(str(since))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    days = max((now - moment).days, 0)
    return "waiting since today" if days == 0 else f"waiting {plural(days, 'day')}"


def digest_notices(clock: Clock, waiting: pd.DataFrame, people: People, now: datetime) -> list[Notice]:
    """To each chair (digest not turned off), the updates waiting for their review, oldest first; once a day."""
    mine: dict[int, list[Any]] = {}
    for row in waiting.itertuples():
        if pd.isna(row.working_group_id):
            continue
        for user in people.chairs.get(int(row.working_group_id), []):
            if people.flag(user, "review_digest") and people.email(user) != str(row.author):
                mine.setdefault(user, []).append(row)
    out = []
    for user, rows in mine.items():
        lines = tuple(
            _update_line(row, clock.mission_id, "review", FiscalQuarter(int(row.fiscal_year), int(row.quarter)),
                         f"Sent by {row.author}, {_waited(now, row.submitted_at)}")
            for row in rows
        )  # fmt: skip
        out.append(
            Notice(
                user_id=user,
                email=people.email(user),
                mission_id=clock.mission_id,
                kind="review-digest",
                refs=(f"digest:{clock.mission_id}:{clock.today.isoformat()}",),
                subject=f"{clock.name}: {plural(len(lines), 'update')} waiting for your review",
                intro="These updates wait for your decision, the longest waiting first.",
                blocks=(Block("Waiting for review", lines),),
                why="you chair the working groups of these objectives (turn this digest off on the Account page)",
            )
        )
    return out


def escalation_notices(
    clock: Clock, owed: pd.DataFrame, people: People, groups: dict[int, str], rules: Rules
) -> list[Notice]:
    """Past ``escalate_after_days`` overdue, each chair hears which agencies have not reported in their groups."""
    if clock.quarter is None or clock.due is None or owed.empty:
        return []
    late = (clock.today - clock.due).days
    if late < rules.escalate_after_days:
        return []
    quarter = clock.quarter
    mine: dict[int, dict[int, list[Any]]] = {}
    for row in owed.itertuples():
        if pd.isna(row.working_group_id):
            continue
        for user in people.chairs.get(int(row.working_group_id), []):
            if not people.flag(user, "reminders_off"):
                mine.setdefault(user, {}).setdefault(int(row.working_group_id), []).append(row)
    out = []
    for user, by_group in mine.items():
        blocks = tuple(
            Block(
                f"{groups.get(group, 'Working group')}: not reported ({_agencies(rows)})",
                tuple(_update_line(r, clock.mission_id, "objective", quarter) for r in rows),
            )
            for group, rows in by_group.items()
        )
        agencies = sorted({r.agency for rows in by_group.values() for r in rows})
        out.append(
            Notice(
                user_id=user,
                email=people.email(user),
                mission_id=clock.mission_id,
                kind="escalation",
                refs=(f"escalate:{clock.mission_id}:{quarter.index}",),
                subject=f"{clock.name}: {', '.join(agencies)} ha{'s' if len(agencies) == 1 else 've'} not reported "
                f"for {quarter.label}, {plural(late, 'day')} late",
                intro=f"{quarter.label} updates were due on {day_text(clock.due)}, {plural(late, 'day')} ago. "
                f"These agencies have not reported in the working groups you chair.",
                blocks=blocks,
                why="you chair these working groups",
            )
        )
    return out


def _agencies(rows: list[Any]) -> str:
    return ", ".join(dict.fromkeys(str(r.agency) for r in rows))


def decide_missions(
    data: dict[str, Any], clock_of: dict[int, Clock], people: People, rules: Rules, now: datetime
) -> list[Notice]:
    """Reminders, returns, digests and escalations, mission by mission (only those whose sending hour has come)."""
    closed: set[tuple[int, int]] = data["closed"]
    sent: set[tuple[int, str]] = data["sent"]
    groups = dict(zip(data["groups"]["working_group_id"], data["groups"]["working_group"], strict=True))
    owed, returned, waiting = (_grouped(data[name]) for name in ("owed", "returns", "waiting"))
    notices: list[Notice] = []
    for mission_id, clock in clock_of.items():
        if not clock.ready:
            continue
        empty = pd.DataFrame()
        mission_owed = owed.get(mission_id, empty)
        if clock.quarter is not None and not mission_owed.empty:
            mission_owed = mission_owed[mission_owed["qindex"] == clock.quarter.index]
            if (mission_id, clock.quarter.index) in closed:
                mission_owed = mission_owed.iloc[0:0]
        notices += owed_notices(clock, mission_owed, people, rules)
        notices += escalation_notices(clock, mission_owed, people, groups, rules)
        notices += returned_notices(clock, _open(returned.get(mission_id, empty), mission_id, closed), people, sent)
        notices += digest_notices(clock, _open(waiting.get(mission_id, empty), mission_id, closed), people, now)
    return [n for n in notices if not all((n.user_id, ref) in sent for ref in n.refs)]


def _grouped(frame: pd.DataFrame) -> dict[int, pd.DataFrame]:
    if frame.empty:
        return {}
    return {int(m): part for m, part in frame.groupby("mission_id", sort=False)}


def _open(rows: pd.DataFrame, mission_id: int, closed: set[tuple[int, int]]) -> pd.DataFrame:
    if rows.empty:
        return rows
    return rows[[(mission_id, int(q)) not in closed for q in rows["qindex"]]]


def quarters_wanted(clock_of: Iterable[Clock]) -> set[int]:
    return {c.quarter.index for c in clock_of if c.quarter is not None and c.ready}


def week_ref(local: datetime) -> str:
    year, week, _ = local.isocalendar()
    return f"weekly:{year}-W{week:02d}"


def since(now: datetime) -> datetime:
    return now - timedelta(days=SENT_REFS_DAYS)
