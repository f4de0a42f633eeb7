"""Plain data for the Import strategy page: the parsed tree, the mission choices and the diff."""

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlmodel import select

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats.ics_document import ParsedObjective, ParsedStrategy, parse_ics_bytes
from dashboard.services.strategy_import import (
    StrategyDiff,
    TextChange,
    diff_strategy,
    retirement_quarters,
    target_mission,
)
from dashboard.store.database import read_session
from models import Mission

AUTO = 0  # the mission choice "the document's country (new if there is none)"


@dataclass
class Upload:
    """A parsed upload, kept in the session so reruns do not parse again."""

    name: str
    sha256: str
    size: int
    strategy: ParsedStrategy


def read_upload(name: str, data: bytes, *, max_bytes: int) -> Upload:
    """Parse an uploaded document; IcsParseError (one sentence) on bad input. Bounded by ``max_bytes``."""
    strategy = parse_ics_bytes(data, name, max_bytes=max_bytes)
    return Upload(name, sha256(data), len(data), strategy)


def headline(upload: Upload) -> str:
    s = upload.strategy
    n_objectives = sum(len(g.objectives) for g in s.goals)
    m = s.mission
    period = f"{m.strategy_start}-{m.strategy_end}" if m.strategy_start else "no period"
    return (
        f"{m.country or 'Unknown country'} · {m.post or 'post not found'} · {period} · {m.release_marking} · "
        f"{len(s.goals)} goals, {n_objectives} objectives, {len(s.management_objectives)} management objectives"
    )


def mission_choices(engine: Engine) -> dict[int, str]:
    """AUTO first, then every mission by country: the page's "Import into" options."""
    with read_session(engine) as session:
        missions = session.exec(select(Mission).order_by(Mission.country)).all()
    choices = {AUTO: "The document's country (a new mission if it has none)"}
    choices.update({int(m.id or 0): f"{m.country} ({m.post})" for m in missions})
    return choices


def compare(engine: Engine, strategy: ParsedStrategy, choice: int) -> StrategyDiff:
    """The diff against the chosen mission (ValueError with one sentence if it cannot be chosen)."""
    with read_session(engine) as session:
        mission_id = None if choice == AUTO else choice
        target_mission(session=session, strategy=strategy, mission_id=mission_id)
        return diff_strategy(session=session, strategy=strategy, mission_id=mission_id)


def objective_sections(objective: ParsedObjective) -> list[tuple[str, str]]:
    """The labelled texts of an objective, in the template's order."""
    return [
        ("Justification", objective.justification),
        ("Linkages", objective.linkages),
        ("Risks", objective.risks),
    ]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def change_text(change: TextChange) -> str:
    """What an expander shows for one change: a line diff, or "before -> after" for a short value."""
    return change.diff if change.item != "mission" else f"- {change.before or '—'}\n+ {change.after or '—'}"


def applied_message(diff: StrategyDiff) -> str:
    if diff.mission_id is None:
        return (
            f"Created the mission {diff.country}. Choose it in the sidebar's Mission chooser; on the Admin page "
            "set its agencies at post, each objective's lead and contributing agencies, and its working groups."
        )
    return f"Applied the document to {diff.country}: " + "; ".join(diff.summary_lines()[1:])


def retirement_choice(
    engine: Engine, diff: StrategyDiff, today: date
) -> tuple[list[FiscalQuarter], FiscalQuarter] | None:
    """The quarters the objectives this import retires may stop being owed from, and the default (the first quarter
    still open); None when the import retires nothing."""
    if not diff.removed or diff.mission_id is None:
        return None
    with read_session(engine) as session:
        return retirement_quarters(session, diff.mission_id, today)
