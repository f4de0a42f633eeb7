"""The weekly summary of the quarter (``weekly-summary``), for those who asked for it on the Account page.

It covers the reader's home mission, or, with none, every mission they may see (a bureau scope: that bureau's).
Per mission: the updates received against those owed (the Missions page's figures: ``rollup.mission_summary``),
the objectives that got worse since the quarter before, and those off track or at risk, each linking to its
objective, then the Overview (where the brief is downloaded). Counted updates only: what the pages count.
"""

from datetime import UTC, datetime
from typing import Any

import pandas as pd

from dashboard.domain import links
from dashboard.domain.aggregation import RISK_SEVERITY
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.notices import Block, Clock, Line, Notice, People, Rules, path, week_ref
from dashboard.domain.numbers import plural
from dashboard.domain.rollup import mission_summary
from models.scales import Status

MAX_MISSIONS = 40
"""Missions spelled out in one summary; the rest are counted, with a link to the Missions page."""
MAX_LINES = 8
"""Objectives listed per mission; the rest are counted, with a link to its Overview."""
SEVERITY = {s.value: s.severity for s in Status}
TROUBLED = (Status.OFF_TRACK.value, Status.AT_RISK.value)


def _worse(before: pd.Series, now: pd.Series) -> bool:
    return bool(
        SEVERITY.get(now["status"], 0) > SEVERITY.get(before["status"], 0)
        or RISK_SEVERITY.get(now["risk_level"], 0) > RISK_SEVERITY.get(before["risk_level"], 0)
    )


def mission_block(row: Any, rows: pd.DataFrame, quarter: FiscalQuarter) -> Block:
    """One mission's part: its figures as the heading, then what got worse and what is in trouble."""
    now = rows[rows["qindex"] == quarter.index].set_index("objective_id")
    before = rows[rows["qindex"] == quarter.index - 1].set_index("objective_id")
    worse = [o for o in now.index if o in before.index and _worse(before.loc[o], now.loc[o])]
    troubled = [o for o in now.index if now.at[o, "status"] in TROUBLED and o not in worse]
    off = int((now["status"] == Status.OFF_TRACK.value).sum())
    at_risk = int((now["status"] == Status.AT_RISK.value).sum())
    heading = (
        f"{row.mission}, {quarter.label}: {int(row.received)} of {plural(int(row.expected), 'update')} received; "
        f"{off} off track, {at_risk} at risk, {len(worse)} worse than {quarter.previous().label}"
    )
    lines = []
    for objective, why in [*((o, "worse") for o in worse), *((o, "") for o in troubled)]:
        item = now.loc[objective]
        text = f"{item['code']}: {item['title']} ({item['status']}, {item['risk_level']} risk)"
        if why:
            was = before.loc[objective]
            text += f"; was {was['status']}, {was['risk_level']} risk"
        lines.append(
            Line(text, path("objective", links.objective_link(str(item["code"]), quarter, int(row.mission_id))))
        )
    shown = lines[:MAX_LINES]
    if len(lines) > MAX_LINES:
        shown.append(Line(f"and {len(lines) - MAX_LINES} more on the Overview", ""))
    shown.append(
        Line(
            "Overview (the quarterly brief downloads there)", path("overview", links.overview_link(int(row.mission_id)))
        )
    )
    return Block(heading, tuple(shown))


def weekly_notices(
    data: dict[str, Any],
    clock_of: dict[int, Clock],
    people: People,
    rules: Rules,
    figures: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    utc_clock: Clock,
) -> list[Notice]:
    """The weekly summary to each person who asked for it, once per ISO week of their home mission's calendar.

    ``figures`` maps a quarter index to (missions with their owed count, ``objective_quarters`` rows of that
    quarter and the one before), as the Missions page reads them."""
    missions: pd.DataFrame = data["missions"]
    sent: set[tuple[int, str]] = data["sent"]
    made: dict[int, Block | None] = {}
    out = []
    for user in people.users.itertuples():
        if not bool(user.weekly_summary):
            continue
        home = None if pd.isna(user.home_mission_id) else int(user.home_mission_id)
        clock = clock_of.get(home) if home is not None else utc_clock
        if clock is None or not clock.ready:
            continue
        ref = week_ref(clock.local)
        if (int(user.user_id), ref) in sent:
            continue
        scope = missions if home is None else missions[missions["mission_id"] == home]
        if home is None and isinstance(user.bureau, str) and user.bureau:
            scope = scope[scope["bureau"] == user.bureau]
        blocks = _blocks(scope, clock_of, figures, rules, made)
        if not blocks:
            continue
        out.append(
            Notice(
                user_id=int(user.user_id),
                email=str(user.email),
                mission_id=home,
                kind="weekly-summary",
                refs=(ref,),
                subject=_subject(blocks, scope),
                intro="Where the quarter stands: updates received, what got worse, and what is off track or at risk.",
                blocks=tuple(blocks),
                why="you asked for the weekly summary (turn it off on the Account page)",
            )
        )
    return out


def _subject(blocks: list[Block], scope: pd.DataFrame) -> str:
    if len(scope) == 1:
        return f"Weekly summary: {blocks[0].heading}"
    return f"Weekly summary of {plural(len(scope), 'mission')}"


def _blocks(
    scope: pd.DataFrame,
    clock_of: dict[int, Clock],
    figures: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    rules: Rules,
    made: dict[int, Block | None],
) -> list[Block]:
    """The blocks of the missions in ``scope``; each mission's block is made once per run (``made``)."""
    blocks = []
    for mission_id in scope["mission_id"].astype(int):
        if mission_id not in made:
            made.update(_mission_blocks(clock_of, figures, rules, mission_id))
        if (block := made.get(mission_id)) is not None:
            blocks.append(block)
    if len(blocks) > MAX_MISSIONS:
        rest = len(blocks) - MAX_MISSIONS
        blocks = blocks[:MAX_MISSIONS] + [Block(f"and {plural(rest, 'more mission')}", (Line("Missions", "missions"),))]
    return blocks


def _mission_blocks(
    clock_of: dict[int, Clock], figures: dict[int, tuple[pd.DataFrame, pd.DataFrame]], rules: Rules, wanted: int
) -> dict[int, Block | None]:
    """The block of every mission reporting the same quarter as ``wanted`` (one summary for all of them)."""
    clock = clock_of.get(wanted)
    if clock is None or clock.quarter is None or clock.quarter.index not in figures:
        return {wanted: None}
    quarter = clock.quarter
    owed, rows = figures[quarter.index]
    same = [m for m, c in clock_of.items() if c.quarter == quarter]
    summary = mission_summary(
        owed[owed["mission_id"].isin(same)], rows, quarter, today=clock.today, due_days=rules.due_days
    )
    by_mission = {int(m): part for m, part in rows.groupby("mission_id", sort=False)}
    empty = rows.iloc[0:0]
    out: dict[int, Block | None] = {m: None for m in same}
    for row in summary.itertuples(index=False):
        out[int(row.mission_id)] = mission_block(row, by_mission.get(int(row.mission_id), empty), quarter)
    return out


def utc_clock(now: datetime) -> Clock:
    """The clock of a summary that covers several missions: UTC, from 08:00."""
    local = now.astimezone(UTC)
    return Clock(0, "", local, local.hour >= 8, None, None)
