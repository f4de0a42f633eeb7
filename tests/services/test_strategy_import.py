"""Importing a parsed ICS into the database, and the bundled agencies and working groups."""

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from dashboard.domain.reporting import first_open_quarter
from dashboard.formats.ics_document import ParsedStrategy, parse_ics_file, parse_ics_text
from dashboard.services.strategy_import import ImportResult, apply_structure, import_strategy, load_agencies
from dashboard.settings import DATA_DIR
from dashboard.store.database import read_session, write_session
from models import (
    Agency,
    Goal,
    Mission,
    Objective,
    ObjectiveAgency,
    StatusUpdate,
    WorkingGroup,
    WorkingGroupAgency,
    WorkingGroupObjective,
)

ICS = DATA_DIR / "ics_peru.md"
AGENCIES = DATA_DIR / "agencies.csv"
STRUCTURE = DATA_DIR / "peru_structure.json"
MISSION_CODES = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3"]
ALL_CODES = [*MISSION_CODES, "M1"]

OLD_TITLE_13 = "Peru progressed in closing its infrastructure gap."
NEW_TITLE_13 = "Peru made measurable progress in closing its infrastructure gap."
OLD_JUSTIFICATION_11 = "Peru continues to be a dynamic, like-minded economic, commercial, and development partner."
NEW_JUSTIFICATION_11 = "Peru remains a dynamic and like-minded economic partner of the United States."


def _import(engine: Engine, strategy: ParsedStrategy, sha: str | None = None) -> ImportResult:
    with write_session(engine) as session:
        return import_strategy(session=session, strategy=strategy, source_sha256=sha)


def _count(session: Session, model: type) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def _counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {m.__name__: _count(session, m) for m in (Mission, Goal, Objective, StatusUpdate)}


def _objective_ids(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {o.code: o.id for o in session.exec(select(Objective))}


def _objectives(engine: Engine) -> dict[str, Objective]:
    with read_session(engine) as session:
        return {o.code: o for o in session.exec(select(Objective))}


def _revised_text() -> str:
    text = ICS.read_text(encoding="utf-8")
    assert text.count(OLD_TITLE_13) == 2  # the framework and section 3 both name it
    assert text.count(OLD_JUSTIFICATION_11) == 1
    return text.replace(OLD_TITLE_13, NEW_TITLE_13).replace(OLD_JUSTIFICATION_11, NEW_JUSTIFICATION_11)


def _without_objective_43(text: str) -> str:
    framework_line = next(line for line in text.splitlines() if line.startswith("- **Mission Objective 4.3:**"))
    text = text.replace(framework_line + "\n", "")
    start = text.index("**Objective 4.3:**")
    end = text.index("## 4. Management Objective")
    return text[:start] + text[end:]


@pytest.fixture
def peru() -> ParsedStrategy:
    return parse_ics_file(ICS)


def _add_status_updates(engine: Engine) -> int:
    with write_session(engine) as session:
        load_agencies(session=session, path=AGENCIES)
        agency = session.exec(select(Agency).where(Agency.acronym == "State")).one()
        objectives = session.exec(select(Objective).order_by(Objective.position)).all()
        rows = 0
        for objective in objectives[:4]:
            for quarter in (1, 2):
                session.add(
                    StatusUpdate(
                        objective_id=objective.id,
                        agency_id=agency.id,
                        fiscal_year=2024,
                        quarter=quarter,
                        status="On track",
                        progress=10 * quarter,
                        risk_level="Low",
                        accomplishments=f"work on {objective.code}",
                        author="officer@state.invalid",
                    )
                )
                rows += 1
    return rows


def test_import_creates_the_mission_goals_and_objectives(engine: Engine, peru: ParsedStrategy) -> None:
    result = _import(engine, peru, sha="a" * 64)
    assert result.changed
    assert result.missing_from_document == []
    assert "mission Peru" in result.created
    assert sorted(c for c in result.created if c.startswith("goal ")) == ["goal 1", "goal 2", "goal 3", "goal 4"]
    assert sorted(c.split()[1] for c in result.created if c.startswith("objective ")) == sorted(ALL_CODES)

    with read_session(engine) as session:
        missions = session.exec(select(Mission)).all()
        assert len(missions) == 1
        mission = missions[0]
        assert mission.id == result.mission_id
        assert (mission.country, mission.post) == ("Peru", "Embassy Lima")
        assert (mission.strategy_start, mission.strategy_end) == (2022, 2026)
        assert mission.approved_on == date(2022, 3, 21)
        assert mission.updated_on == date(2023, 9, 22)
        assert mission.source_sha256 == "a" * 64

        goals = session.exec(select(Goal).order_by(Goal.position)).all()
        assert [g.code for g in goals] == ["1", "2", "3", "4"]
        assert all(g.mission_id == mission.id and g.title.strip() and g.description.strip() for g in goals)

        objectives = session.exec(select(Objective).order_by(Objective.position)).all()
        assert [o.code for o in objectives] == ALL_CODES
        assert [o.position for o in objectives] == list(range(11))
        goal_codes = {g.id: g.code for g in goals}
        for o in objectives:
            assert o.mission_id == mission.id
            for name in ("title", "justification", "linkages", "risks"):
                assert getattr(o, name).strip(), f"{o.code} has an empty {name}"
            if o.code == "M1":
                assert (o.kind, o.goal_id) == ("management", None)
            else:
                assert o.kind == "mission"
                assert goal_codes[o.goal_id] == o.code.split(".")[0]
        by_code = {o.code: o for o in objectives}
        assert by_code["1.3"].title == OLD_TITLE_13
        assert by_code["1.1"].justification.startswith(OLD_JUSTIFICATION_11)


def test_reimporting_the_same_document_changes_nothing(engine: Engine, peru: ParsedStrategy) -> None:
    first = _import(engine, peru, sha="b" * 64)
    counts, ids = _counts(engine), _objective_ids(engine)
    before = _objectives(engine)

    second = _import(engine, parse_ics_file(ICS), sha="b" * 64)

    assert second.changed is False
    assert second.created == [] and second.updated == []
    assert second.unchanged == 1 + 4 + 11  # mission, goals, objectives
    assert second.missing_from_document == []
    assert second.mission_id == first.mission_id
    assert _counts(engine) == counts
    assert _objective_ids(engine) == ids
    after = _objectives(engine)
    for code, old in before.items():
        assert after[code].model_dump() == old.model_dump()


def test_revised_document_updates_texts_in_place_and_keeps_status_updates(engine: Engine, peru: ParsedStrategy) -> None:
    _import(engine, peru)
    ids = _objective_ids(engine)
    written = _add_status_updates(engine)
    with read_session(engine) as session:
        updates_before = sorted((u.id, u.objective_id, u.quarter) for u in session.exec(select(StatusUpdate)))
    assert len(updates_before) == written == 8
    counts_before = _counts(engine)

    revised = parse_ics_text(_revised_text(), source="ics_peru_revised.md")
    result = _import(engine, revised)

    assert result.changed
    assert result.created == []
    assert sorted(result.updated) == ["objective 1.1", "objective 1.3"]
    assert result.missing_from_document == []
    assert _objective_ids(engine) == ids
    assert _counts(engine) == counts_before
    objectives = _objectives(engine)
    assert objectives["1.3"].title == NEW_TITLE_13
    assert objectives["1.1"].justification.startswith(NEW_JUSTIFICATION_11)
    assert OLD_JUSTIFICATION_11 not in objectives["1.1"].justification
    with read_session(engine) as session:
        updates_after = sorted((u.id, u.objective_id, u.quarter) for u in session.exec(select(StatusUpdate)))
    assert updates_after == updates_before


def test_objective_removed_from_the_document_is_kept_and_reported(engine: Engine, peru: ParsedStrategy) -> None:
    _import(engine, peru)
    ids = _objective_ids(engine)
    _add_status_updates(engine)
    counts_before = _counts(engine)
    old_43 = _objectives(engine)["4.3"]

    revised = parse_ics_text(_without_objective_43(ICS.read_text(encoding="utf-8")), source="revised.md")
    assert [o.code for g in revised.goals for o in g.objectives] == [c for c in MISSION_CODES if c != "4.3"]
    result = _import(engine, revised)

    assert result.missing_from_document == result.retired == ["4.3"]
    assert "4.3" in result.summary()
    assert result.created == []
    assert _objective_ids(engine) == ids
    assert _counts(engine) == counts_before
    # Retired, not deleted: same row, same texts, its status history untouched.
    # Owed up to the first quarter nobody has reported on yet (the one in progress), not from it.
    since = first_open_quarter(date.today())
    assert result.retired_from == since.label
    assert _objectives(engine)["4.3"].model_dump() == {
        **old_43.model_dump(),
        "retired_on": date.today(),
        "retired_from_qindex": since.index,
    }


def test_import_rolls_back_on_failure(engine: Engine, peru: ParsedStrategy) -> None:
    with pytest.raises(RuntimeError):
        with write_session(engine) as session:
            import_strategy(session=session, strategy=peru)
            raise RuntimeError("boom")
    assert _counts(engine) == {"Mission": 0, "Goal": 0, "Objective": 0, "StatusUpdate": 0}


def test_agencies_and_structure_are_created_once(engine: Engine, peru: ParsedStrategy) -> None:
    with write_session(engine) as session:
        assert load_agencies(session=session, path=AGENCIES) == 8
        import_strategy(session=session, strategy=peru)
        added = apply_structure(session=session, path=STRUCTURE)
    assert added > 0
    with read_session(engine) as session:
        snapshot = {
            m.__name__: _count(session, m)
            for m in (Agency, ObjectiveAgency, WorkingGroup, WorkingGroupAgency, WorkingGroupObjective)
        }
    with write_session(engine) as session:
        assert load_agencies(session=session, path=AGENCIES) == 0
        assert apply_structure(session=session, path=STRUCTURE) == 0
    with read_session(engine) as session:
        again = {
            m.__name__: _count(session, m)
            for m in (Agency, ObjectiveAgency, WorkingGroup, WorkingGroupAgency, WorkingGroupObjective)
        }
    assert again == snapshot
    assert snapshot["Agency"] == 8
    assert snapshot["WorkingGroup"] == 5


def test_structure_gives_one_lead_per_objective_and_one_group_per_goal(engine: Engine, peru: ParsedStrategy) -> None:
    with write_session(engine) as session:
        load_agencies(session=session, path=AGENCIES)
        import_strategy(session=session, strategy=peru)
        apply_structure(session=session, path=STRUCTURE)

    with read_session(engine) as session:
        agencies = {a.id: a.acronym for a in session.exec(select(Agency))}
        assert sorted(agencies.values()) == sorted(["State", "DAO", "DEA", "MAAG", "FCS", "FAS", "DHS", "USAID"])
        objectives = {o.id: o for o in session.exec(select(Objective))}
        goals = {g.id: g.code for g in session.exec(select(Goal))}
        roles = session.exec(select(ObjectiveAgency)).all()
        leads: dict[str, list[str]] = {o.code: [] for o in objectives.values()}
        for role in roles:
            if role.role == "lead":
                leads[objectives[role.objective_id].code].append(agencies[role.agency_id])
        assert all(len(v) == 1 for v in leads.values()), leads
        assert leads["2.1"] == ["DAO"] and leads["1.3"] == ["FCS"] and leads["M1"] == ["State"]

        groups = session.exec(select(WorkingGroup)).all()
        covered: dict[int, set[str]] = {g.id: set() for g in groups}
        for link in session.exec(select(WorkingGroupObjective)):
            covered[link.working_group_id].add(objectives[link.objective_id].code)
        # Each objective is in exactly one group.
        every = [code for codes in covered.values() for code in codes]
        assert sorted(every) == sorted(ALL_CODES)
        group_goal = {}
        for g in groups:
            codes = covered[g.id]
            goal_set = {"M" if objectives_code == "M1" else objectives_code.split(".")[0] for objectives_code in codes}
            assert len(goal_set) == 1, (g.name, codes)
            group_goal[g.name] = goal_set.pop()
            # Chair and every agency with a role on the group's objectives are members.
            members = {
                agencies[m.agency_id]
                for m in session.exec(select(WorkingGroupAgency).where(WorkingGroupAgency.working_group_id == g.id))
            }
            expected = {agencies[g.chair_agency_id]} | {
                agencies[r.agency_id] for r in roles if objectives[r.objective_id].code in codes
            }
            assert members == expected, g.name
        assert sorted(group_goal.values()) == ["1", "2", "3", "4", "M"]
        for g in groups:
            if group_goal[g.name] != "M":
                assert g.name.startswith(f"Goal {group_goal[g.name]} ")
        # Goal 1's group covers exactly Goal 1's objectives.
        goal1 = next(g for g in groups if group_goal[g.name] == "1")
        assert covered[goal1.id] == {o.code for o in objectives.values() if goals.get(o.goal_id) == "1"}


def test_structure_without_the_mission_adds_nothing(engine: Engine) -> None:
    with write_session(engine) as session:
        load_agencies(session=session, path=AGENCIES)
        assert apply_structure(session=session, path=STRUCTURE) == 0
    with read_session(engine) as session:
        assert _count(session, WorkingGroup) == 0
        assert _count(session, ObjectiveAgency) == 0


def test_the_audit_row_says_what_the_diff_says_and_keeps_the_old_title(engine: Engine, peru: ParsedStrategy) -> None:
    """Removing 4.3 moves the management objectives up one place; that is no text change. Retitling 1.2 is."""
    import json

    from dashboard.services.strategy_import import diff_strategy
    from models import AuditEntry

    _import(engine, peru)
    old_title = _objectives(engine)["1.2"].title
    text = _without_objective_43(ICS.read_text(encoding="utf-8"))
    revised = parse_ics_text(text.replace("built an understanding", "built a deeper understanding"), source="r.md")
    with read_session(engine) as session:
        diff = diff_strategy(session=session, strategy=revised)
    result = _import(engine, revised, sha="b" * 64)
    with read_session(engine) as session:
        row = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    after = json.loads(row.after)
    assert [c.item for c in diff.retitled] == ["objective 1.2"] and not diff.changed
    assert after["updated"] == result.updated == ["objective 1.2"]  # the same one objective as the diff
    assert after["retitled"] == [{"item": "objective 1.2", "old": old_title, "new": _objectives(engine)["1.2"].title}]
    assert after["moved"] and all(code.startswith("objective M") for code in after["moved"])
    assert after["retired"] == ["4.3"]
