"""Writing the strategy into the database: the imported ICS, agencies, roles and working groups.

Plain functions taking a session, keyword-only. They add and flush; the caller's
``write_session`` commits, so a failed import writes nothing.
"""

import csv
import difflib
import json
import re
import textwrap
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.domain.fiscal import FiscalQuarter, quarter_range, strategy_quarters
from dashboard.domain.reporting import first_open_quarter
from dashboard.formats.ics_document import ParsedObjective, ParsedStrategy
from dashboard.services.admin import _admin, audit
from dashboard.store import strategy_versions
from models import (
    Agency,
    AgencyCreate,
    Goal,
    Mission,
    Objective,
    ObjectiveAgency,
    WorkingGroup,
    WorkingGroupAgency,
    WorkingGroupObjective,
)
from models.scales import BUREAUS

_TEXT_FIELDS = ("title", "justification", "linkages", "risks")
_FIELD_NAMES = {"title": "Title", "justification": "Justification", "linkages": "Linkages", "risks": "Risks",
                "description": "Description"}  # fmt: skip


@dataclass
class ImportResult:
    mission_id: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    # Objectives the document no longer has: retired (kept with their history), never deleted.
    missing_from_document: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    # The quarter the objectives retired by this import stop being owed from ("FY2026 Q4"); None if none was.
    retired_from: str | None = None
    # What "updated" holds, in detail: each new title with the old one, the other texts that changed, and the
    # objectives that only moved (a new place in the document or under another goal), which no diff shows.
    retitled: list[dict[str, str]] = field(default_factory=list)
    texts_changed: dict[str, list[str]] = field(default_factory=dict)
    moved: list[str] = field(default_factory=list)
    version: int | None = None  # the version of the texts this import kept (None: they did not change)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired or self.moved)

    def summary(self) -> str:
        parts = [f"{len(self.created)} created", f"{len(self.updated)} updated", f"{self.unchanged} unchanged"]
        if self.moved:
            parts.insert(2, f"{len(self.moved)} moved")
        text = ", ".join(parts)
        if self.missing_from_document:
            since = f" from {self.retired_from}" if self.retired_from else ""
            text += f"; retired{since} (no longer in the document, history kept): " + ", ".join(
                self.missing_from_document
            )
        return text


@dataclass
class TextChange:
    """One changed text of a goal or objective, with a readable line diff."""

    item: str  # "objective 1.1", "goal 2", "management objective M1"
    field: str  # "Title", "Justification", ...
    before: str
    after: str

    @property
    def diff(self) -> str:
        return text_diff(self.before, self.after)


@dataclass
class StrategyDiff:
    """What applying a parsed ICS would change, compared with the mission it goes to."""

    country: str
    mission_id: int | None  # None: a new mission would be created
    mission_changes: list[TextChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    retitled: list[TextChange] = field(default_factory=list)
    changed: list[TextChange] = field(default_factory=list)
    version: int | None = None  # the version of the texts this import would keep (None: they would not change)

    @property
    def empty(self) -> bool:
        return not (
            self.mission_changes or self.added or self.removed or self.restored or self.retitled or self.changed
        )

    def summary_lines(self) -> list[str]:
        """The same plain lines on the page and on the command line."""
        lines = [f"new mission: {self.country}" if self.mission_id is None else f"mission: {self.country}"]
        lines += [f"mission {c.field.lower()}: {c.before or '-'} -> {c.after or '-'}" for c in self.mission_changes]
        if self.added:
            lines.append("added: " + ", ".join(self.added))
        if self.removed:
            lines.append("removed (will be retired, history kept): " + ", ".join(self.removed))
        if self.restored:
            lines.append("back in the document (retirement lifted): " + ", ".join(self.restored))
        if self.retitled:
            lines.append("retitled: " + ", ".join(c.item for c in self.retitled))
        if self.changed:
            lines.append("texts changed: " + ", ".join(f"{c.item} ({c.field})" for c in self.changed))
        if self.empty:
            lines.append("no changes")
        if self.version is not None:
            lines.append(f"the strategy's texts will be kept as version {self.version}; earlier versions stay readable")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "mission_id": self.mission_id,
            "new_mission": self.mission_id is None,
            "added": self.added,
            "removed": self.removed,
            "restored": self.restored,
            "retitled": [c.item for c in self.retitled],
            "changed": [{"item": c.item, "field": c.field} for c in self.changed],
            "version": self.version,
            "summary": self.summary_lines(),
        }


def text_diff(before: str, after: str, *, width: int = 100) -> str:
    """A unified diff of two texts, one sentence a line wrapped at ``width`` (narratives are one long line each)."""

    def lines(text: str) -> list[str]:
        out: list[str] = []
        for paragraph in text.split("\n"):
            for sentence in re.split(r"(?<=[.!?;])\s+", paragraph):
                out.extend(textwrap.wrap(sentence, width) or [""])
        return out

    diff = difflib.unified_diff(lines(before), lines(after), "current", "document", lineterm="", n=1)
    return "\n".join(diff)


def quarter_after(day: date) -> FiscalQuarter:
    """The first reporting quarter for a strategy approved on ``day``: the next fiscal quarter."""
    return FiscalQuarter.containing(day).next()


def _mission_values(parsed: ParsedStrategy) -> dict[str, object]:
    m = parsed.mission
    return {
        "post": m.post,
        "strategy_start": m.strategy_start,
        "strategy_end": m.strategy_end,
        "approved_on": m.approved,
        "updated_on": m.updated,
        "release_marking": m.release_marking,
    }


def target_mission(*, session: Session, strategy: ParsedStrategy, mission_id: int | None = None) -> Mission | None:
    """The mission a document goes to: the one chosen, else the one of the document's country, else None (new)."""
    if mission_id is not None:
        mission = session.get(Mission, mission_id)
        if mission is None:
            raise ValueError(f"mission {mission_id} does not exist")
        return mission
    if not strategy.mission.country:
        raise ValueError("the document names no country: choose the mission to import it into")
    wanted = strategy.mission.country.strip().lower()
    for mission in session.exec(select(Mission)):
        if mission.country.strip().lower() == wanted:
            return mission
    return None


def parsed_items(strategy: ParsedStrategy) -> dict[str, tuple[str, dict[str, str]]]:
    """Item key -> (label, texts) for every goal and objective of the document, in document order."""
    items: dict[str, tuple[str, dict[str, str]]] = {}
    for g in strategy.goals:
        items[f"goal {g.code}"] = (f"goal {g.code}", {"title": g.title, "description": g.description})
        for o in g.objectives:
            items[o.code] = (f"objective {o.code}", {name: getattr(o, name) for name in _TEXT_FIELDS})
    for o in strategy.management_objectives:
        items[o.code] = (f"management objective {o.code}", {name: getattr(o, name) for name in _TEXT_FIELDS})
    return items


def diff_strategy(*, session: Session, strategy: ParsedStrategy, mission_id: int | None = None) -> StrategyDiff:
    """Compare a parsed ICS with the mission it would go to; reads only."""
    mission = target_mission(session=session, strategy=strategy, mission_id=mission_id)
    parsed = parsed_items(strategy)
    if mission is None:
        return StrategyDiff(strategy.mission.country, None, added=[label for label, _ in parsed.values()], version=1)
    assert mission.id is not None
    out = StrategyDiff(mission.country, mission.id)
    for name, value in _mission_values(strategy).items():
        if getattr(mission, name) != value:
            out.mission_changes.append(TextChange("mission", name.replace("_", " "), str(getattr(mission, name) or ""),
                                                  str(value or "")))  # fmt: skip
    current: dict[str, tuple[str, dict[str, str], bool]] = {}
    for g in session.exec(select(Goal).where(Goal.mission_id == mission.id).order_by(Goal.position)):
        current[f"goal {g.code}"] = (f"goal {g.code}", {"title": g.title, "description": g.description}, False)
    for o in session.exec(select(Objective).where(Objective.mission_id == mission.id).order_by(Objective.position)):
        label = f"{'management objective' if o.kind == 'management' else 'objective'} {o.code}"
        current[o.code] = (label, {name: getattr(o, name) for name in _TEXT_FIELDS}, o.retired_on is not None)
    for key, (label, texts) in parsed.items():
        if key not in current:
            out.added.append(label)
            continue
        _, old, retired = current[key]
        if retired:
            out.restored.append(label)
        for name, value in texts.items():
            if old[name] != value:
                change = TextChange(label, _FIELD_NAMES[name], old[name], value)
                (out.retitled if name == "title" else out.changed).append(change)
    out.removed = [label for key, (label, _, retired) in current.items()
                   if key not in parsed and not retired and not key.startswith("goal ")]  # fmt: skip
    if out.added or out.removed or out.restored or out.retitled or out.changed:
        out.version = strategy_versions.next_version(session.connection(), mission.id)
    return out


def import_strategy(
    *,
    session: Session,
    strategy: ParsedStrategy,
    source_sha256: str | None = None,
    mission_id: int | None = None,
    actor: str = SYSTEM_ACTOR,
    today: date | None = None,
    record: bool = True,
    retire_from: FiscalQuarter | None = None,
) -> ImportResult:
    """Create or update a mission's goals and objectives from a parsed ICS; write one audit row.

    Matching is by the chosen mission, else by country, then by goal and objective code, so
    re-importing the same document changes nothing and a revised document updates texts in place,
    keeping every status update (they point at the same objective rows). An objective the document
    no longer has is retired, never deleted: on ``today`` (``retired_on``), and no longer owed from quarter
    ``retire_from`` (default: the first quarter nobody has reported on yet, ``reporting.first_open_quarter``), so
    quarters before it keep owing it. One that comes back is restored.
    A new mission gets the document's release marking and reports from the quarter after approval.
    ``record`` writes the audit row with the document's SHA-256 (off only for the bundled first load).
    ValueError (one sentence) when ``retire_from`` lies outside the strategy.
    """
    today = today or date.today()
    mission, result = _upsert_mission(
        session=session, strategy=strategy, source_sha256=source_sha256, mission_id=mission_id
    )
    assert mission.id is not None
    objectives = {o.code: o for o in session.exec(select(Objective).where(Objective.mission_id == mission.id))}
    seen = _upsert_goals_and_objectives(
        session=session, strategy=strategy, mission_id=mission.id, objectives=objectives, result=result
    )
    result.missing_from_document = sorted(set(objectives) - seen)
    leaving = [code for code in result.missing_from_document if objectives[code].retired_on is None]
    if leaving:
        since = _retirement_quarter(mission, retire_from, today)
        result.retired_from = since.label
        for code in leaving:
            objectives[code].retired_on, objectives[code].retired_from_qindex = today, since.index
            result.retired.append(code)
    session.flush()
    result.version = strategy_versions.keep(session.connection(), mission.id, actor, source_sha256)
    if record:
        _record(session, actor, mission.country, source_sha256, result, strategy.warnings)
    session.flush()
    return result


def retirement_sentence(removed: list[str], since: FiscalQuarter) -> str:
    """What retiring ``removed`` from quarter ``since`` does, in one sentence (the page and the command line)."""
    them = "it" if len(removed) == 1 else "them"
    return (
        f"Retiring {', '.join(removed)}: no longer owed from {since.label}; {since.previous().label} and earlier "
        f"quarters keep {them}, with every update already sent."
    )


def retirement_quarters(session: Session, mission_id: int, today: date) -> tuple[list[FiscalQuarter], FiscalQuarter]:
    """The quarters a retirement may take effect from (the strategy's quarters and the one after its last) and the
    default: the first quarter nobody has reported on yet (the one in progress on ``today``), kept within them."""
    mission = session.get(Mission, mission_id)
    if mission is None:
        raise ValueError(f"mission {mission_id} does not exist")
    first, last = strategy_quarters(mission.strategy_start, mission.strategy_end)
    options = quarter_range(first, last.next())
    return options, min(max(first_open_quarter(today), first), last.next())


def _retirement_quarter(mission: Mission, chosen: FiscalQuarter | None, today: date) -> FiscalQuarter:
    """The quarter a retirement takes effect from: ``chosen``, else the quarter in progress on ``today``."""
    first, last = strategy_quarters(mission.strategy_start, mission.strategy_end)
    if chosen is None:
        return first_open_quarter(today)
    if not first <= chosen <= last.next():
        raise ValueError(f"retire from: {chosen.label} is outside the strategy period ({first.label} to {last.label})")
    return chosen


def _upsert_mission(
    *, session: Session, strategy: ParsedStrategy, source_sha256: str | None, mission_id: int | None
) -> tuple[Mission, ImportResult]:
    """The mission the document is for, created or updated; the result so far counts it."""
    parsed = strategy.mission
    mission = target_mission(session=session, strategy=strategy, mission_id=mission_id)
    mission_values = _mission_values(strategy)
    if mission is None:
        mission = Mission(country=parsed.country, source_sha256=source_sha256, **mission_values)  # type: ignore[arg-type]
        if parsed.approved:
            first = quarter_after(parsed.approved)
            mission.reporting_from_fy, mission.reporting_from_quarter = first.fiscal_year, first.quarter
        session.add(mission)
        session.flush()
        return mission, ImportResult(mission_id=mission.id or 0, created=[f"mission {parsed.country}"])
    result = ImportResult(mission_id=mission.id or 0)
    if _set_if_changed(mission, mission_values):
        result.updated.append(f"mission {mission.country}")
    else:
        result.unchanged += 1
    if mission.reporting_from_fy is None and parsed.approved:
        first = quarter_after(parsed.approved)
        mission.reporting_from_fy, mission.reporting_from_quarter = first.fiscal_year, first.quarter
    mission.source_sha256 = source_sha256 or mission.source_sha256
    return mission, result


def _upsert_goals_and_objectives(
    *,
    session: Session,
    strategy: ParsedStrategy,
    mission_id: int,
    objectives: dict[str, Objective],
    result: ImportResult,
) -> set[str]:
    """Create or update every goal and objective of the document, in its order; returns the objective codes."""
    goals = {g.code: g for g in session.exec(select(Goal).where(Goal.mission_id == mission_id))}
    seen: set[str] = set()

    def upsert(parsed_obj: ParsedObjective, goal_id: int | None, position: int) -> None:
        seen.add(parsed_obj.code)
        _upsert_objective(session, mission_id, objectives.get(parsed_obj.code), parsed_obj, goal_id, position, result)

    position = 0
    for goal_position, parsed_goal in enumerate(strategy.goals):
        goal_texts = {"title": parsed_goal.title, "description": parsed_goal.description}
        goal = goals.get(parsed_goal.code)
        if goal is None:
            goal = Goal(mission_id=mission_id, code=parsed_goal.code, position=goal_position, **goal_texts)  # type: ignore[arg-type]
            session.add(goal)
            session.flush()
            result.created.append(f"goal {parsed_goal.code}")
        else:
            _note_texts(result, f"goal {parsed_goal.code}", goal, goal_texts)
            if _set_if_changed(goal, goal_texts):
                result.updated.append(f"goal {parsed_goal.code}")
            elif _set_if_changed(goal, {"position": goal_position}):
                result.moved.append(f"goal {parsed_goal.code}")
            else:
                result.unchanged += 1
        for parsed_obj in parsed_goal.objectives:
            upsert(parsed_obj, goal.id, position)
            position += 1
    for parsed_obj in strategy.management_objectives:
        upsert(parsed_obj, None, position)
        position += 1
    return seen


def _upsert_objective(
    session: Session,
    mission_id: int,
    existing: Objective | None,
    parsed_obj: ParsedObjective,
    goal_id: int | None,
    position: int,
    result: ImportResult,
) -> None:
    """Add the objective, or update ``existing`` in place (restoring it if it was retired)."""
    texts: dict[str, object] = {name: getattr(parsed_obj, name) for name in _TEXT_FIELDS}
    place: dict[str, object] = {"goal_id": goal_id, "kind": parsed_obj.kind, "position": position}
    place.update(retired_on=None, retired_from_qindex=None)
    if existing is None:
        session.add(Objective(mission_id=mission_id, code=parsed_obj.code, **texts, **place))  # type: ignore[arg-type]
        result.created.append(f"objective {parsed_obj.code}")
        return
    _note_texts(result, f"objective {parsed_obj.code}", existing, texts)
    if _set_if_changed(existing, texts):
        result.updated.append(f"objective {parsed_obj.code}")
    elif _set_if_changed(existing, place):
        result.moved.append(f"objective {parsed_obj.code}")
    else:
        result.unchanged += 1


def _note_texts(result: ImportResult, label: str, row: object, texts: dict[str, object]) -> None:
    """Record in ``result`` which of ``row``'s texts the document changes, keeping an old title."""
    changed = [name for name, value in texts.items() if getattr(row, name) != value]
    if "title" in changed:
        result.retitled.append({"item": label, "old": str(row.title), "new": str(texts["title"])})
    if [name for name in changed if name != "title"]:
        result.texts_changed[label] = [_FIELD_NAMES.get(name, name) for name in changed if name != "title"]


def _record(
    session: Session, actor: str, country: str, sha256: str | None, result: ImportResult, warnings: list[str]
) -> None:
    audit(
        session,
        actor=actor,
        action="import strategy",
        entity="mission",
        key=country,
        before=None,
        after={
            "document_sha256": sha256,
            "created": result.created,
            "updated": result.updated,
            "retitled": result.retitled,
            "texts_changed": result.texts_changed,
            "moved": result.moved,
            "retired": result.retired,
            **({"retired_from": result.retired_from} if result.retired_from else {}),
            "version": result.version,
            "warnings": warnings,
        },
    )


def apply_import(
    *,
    session: Session,
    actor_email: str | None,
    strategy: ParsedStrategy,
    source_sha256: str,
    mission_id: int | None = None,
    today: date | None = None,
    retire_from: FiscalQuarter | None = None,
) -> ImportResult:
    """The admin's Apply: check the actor is an admin, then import (AccessDenied otherwise)."""
    label = _admin(session, actor_email)
    return import_strategy(
        session=session,
        strategy=strategy,
        source_sha256=source_sha256,
        mission_id=mission_id,
        actor=label,
        today=today,
        retire_from=retire_from,
    )


def _set_if_changed(row: object, values: dict[str, object]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def load_agencies(*, session: Session, path: Path) -> int:
    """Insert the agencies listed in a CSV (acronym,name) that are not there yet; returns how many were added."""
    existing = {a.acronym for a in session.exec(select(Agency))}
    added = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            agency_in = AgencyCreate(acronym=row["acronym"], name=row["name"])
            if agency_in.acronym in existing:
                continue
            session.add(Agency.model_validate(agency_in))
            existing.add(agency_in.acronym)
            added += 1
    session.flush()
    return added


def apply_structure(*, session: Session, path: Path) -> int:
    """Add the default objective roles and working groups from a JSON file.

    Only adds what is missing, so it never undoes an admin's later changes.
    Returns the number of rows added.
    """
    structure = json.loads(path.read_text(encoding="utf-8"))
    mission = session.exec(select(Mission).where(Mission.country == structure["country"])).first()
    if mission is None:
        return 0
    added = 0
    if mission.bureau is None and structure.get("bureau") in BUREAUS:
        mission.bureau = structure["bureau"]  # the regional bureau, for Washington's roll-up; an admin's choice stays
        session.add(mission)
        added += 1
    agencies = {a.acronym: a for a in session.exec(select(Agency))}
    objectives = {o.code: o for o in session.exec(select(Objective).where(Objective.mission_id == mission.id))}
    goals = {g.id: g.code for g in session.exec(select(Goal).where(Goal.mission_id == mission.id))}
    roles = {(r.objective_id, r.agency_id) for r in session.exec(select(ObjectiveAgency))}

    for code, spec in structure["objective_agencies"].items():
        objective = objectives.get(code)
        if objective is None:
            continue
        wanted = [(spec["lead"], "lead")] + [(acr, "contributing") for acr in spec["contributing"]]
        for acronym, role in wanted:
            agency = agencies[acronym]
            if (objective.id, agency.id) not in roles:
                session.add(ObjectiveAgency(objective_id=objective.id, agency_id=agency.id, role=role))
                roles.add((objective.id, agency.id))
                added += 1
    session.flush()

    existing_groups = {g.name for g in session.exec(select(WorkingGroup).where(WorkingGroup.mission_id == mission.id))}
    for spec in structure["working_groups"]:
        if spec["name"] in existing_groups:
            continue
        group = WorkingGroup(mission_id=mission.id, name=spec["name"], chair_agency_id=agencies[spec["chair"]].id)
        session.add(group)
        session.flush()
        covered = [
            o
            for o in objectives.values()
            if (spec["goal"] == "management" and o.kind == "management")
            or (o.goal_id is not None and goals.get(o.goal_id) == spec["goal"])
        ]
        members: set[int] = {group.chair_agency_id} if group.chair_agency_id else set()
        for objective in covered:
            session.add(WorkingGroupObjective(working_group_id=group.id, objective_id=objective.id))
            members.update(agency_id for (obj_id, agency_id) in roles if obj_id == objective.id)
        for agency_id in sorted(members):
            session.add(WorkingGroupAgency(working_group_id=group.id, agency_id=agency_id))
        added += 1
    session.flush()
    return added
