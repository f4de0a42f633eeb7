"""Writing the strategy into the database: the imported ICS, agencies, roles and working groups.

Plain functions taking a session, keyword-only. They add and flush; the caller's
``write_session`` commits, so a failed import writes nothing.
"""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from dashboard.formats.ics_document import ParsedObjective, ParsedStrategy
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


@dataclass
class ImportResult:
    mission_id: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    missing_from_document: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        parts = [f"{len(self.created)} created", f"{len(self.updated)} updated", f"{self.unchanged} unchanged"]
        text = ", ".join(parts)
        if self.missing_from_document:
            text += "; kept (no longer in the document): " + ", ".join(self.missing_from_document)
        return text


def _set_if_changed(row: object, values: dict[str, object]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def import_strategy(*, session: Session, strategy: ParsedStrategy, source_sha256: str | None = None) -> ImportResult:
    """Create or update a mission's goals and objectives from a parsed ICS.

    Matching is by country, then by goal and objective code, so re-importing the
    same document changes nothing and a revised document updates texts in place,
    keeping every status update (they point at the same objective rows).
    """
    parsed = strategy.mission
    mission = session.exec(select(Mission).where(Mission.country == parsed.country)).first()
    mission_values = {
        "post": parsed.post,
        "strategy_start": parsed.strategy_start,
        "strategy_end": parsed.strategy_end,
        "approved_on": parsed.approved,
        "updated_on": parsed.updated,
    }
    if mission is None:
        mission = Mission(country=parsed.country, source_sha256=source_sha256, **mission_values)
        session.add(mission)
        session.flush()
        result = ImportResult(mission_id=mission.id or 0, created=[f"mission {parsed.country}"])
    else:
        result = ImportResult(mission_id=mission.id or 0)
        if _set_if_changed(mission, mission_values):
            result.updated.append(f"mission {parsed.country}")
        else:
            result.unchanged += 1
        mission.source_sha256 = source_sha256 or mission.source_sha256
    assert mission.id is not None

    goals = {g.code: g for g in session.exec(select(Goal).where(Goal.mission_id == mission.id))}
    objectives = {o.code: o for o in session.exec(select(Objective).where(Objective.mission_id == mission.id))}
    seen: set[str] = set()

    def upsert_objective(parsed_obj: ParsedObjective, goal_id: int | None, position: int) -> None:
        values: dict[str, object] = {name: getattr(parsed_obj, name) for name in _TEXT_FIELDS}
        values.update(goal_id=goal_id, kind=parsed_obj.kind, position=position)
        seen.add(parsed_obj.code)
        existing = objectives.get(parsed_obj.code)
        if existing is None:
            session.add(Objective(mission_id=mission.id, code=parsed_obj.code, **values))
            result.created.append(f"objective {parsed_obj.code}")
        elif _set_if_changed(existing, values):
            result.updated.append(f"objective {parsed_obj.code}")
        else:
            result.unchanged += 1

    position = 0
    for goal_position, parsed_goal in enumerate(strategy.goals):
        goal_values = {"title": parsed_goal.title, "description": parsed_goal.description, "position": goal_position}
        goal = goals.get(parsed_goal.code)
        if goal is None:
            goal = Goal(mission_id=mission.id, code=parsed_goal.code, **goal_values)
            session.add(goal)
            session.flush()
            result.created.append(f"goal {parsed_goal.code}")
        elif _set_if_changed(goal, goal_values):
            result.updated.append(f"goal {parsed_goal.code}")
        else:
            result.unchanged += 1
        for parsed_obj in parsed_goal.objectives:
            upsert_objective(parsed_obj, goal.id, position)
            position += 1
    for parsed_obj in strategy.management_objectives:
        upsert_objective(parsed_obj, None, position)
        position += 1

    result.missing_from_document = sorted(set(objectives) - seen)
    session.flush()
    return result


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
