"""Effective-dated links in SQL: which objective agencies and working groups hold in a given quarter, and which
(objective, agency) updates a quarter owes (``sql.owed_sql``, the one definition every page reads).

``from_qindex``/``until_qindex`` are inclusive FiscalQuarter.index values; ``until_qindex`` NULL = still in effect.
"""

from typing import Any

from sqlalchemy import bindparam, or_, text
from sqlmodel import Session, col, select

from dashboard.store.sql import owed_sql
from models import ObjectiveAgency, WorkingGroupObjective


def held_at(table: type[ObjectiveAgency] | type[WorkingGroupObjective], qindex: int) -> tuple[Any, ...]:
    """WHERE clauses keeping the rows of ``table`` in effect in the quarter with index ``qindex``."""
    return (
        col(table.from_qindex) <= qindex,
        or_(col(table.until_qindex).is_(None), col(table.until_qindex) >= qindex),
    )


def working_group_at(session: Session, objective_id: int, qindex: int) -> int | None:
    """The working group covering the objective in that quarter (the lowest-numbered when several do)."""
    return session.exec(
        select(WorkingGroupObjective.working_group_id)
        .where(WorkingGroupObjective.objective_id == objective_id, *held_at(WorkingGroupObjective, qindex))
        .order_by(col(WorkingGroupObjective.working_group_id))
    ).first()


MISSION = "o.mission_id = :mission_id"  # the roles of one mission's objectives


def _owed(session: Session, where: str) -> str:
    return owed_sql(session.get_bind().dialect.name, where)


def owed_role(session: Session, objective_id: int, agency_id: int, qindex: int) -> str | None:
    """The agency's role on the objective when it owes an update for that quarter (``sql.owed_sql``), else None."""
    role = "oa.objective_id = :objective_id AND oa.agency_id = :agency_id"
    sql = text(
        f"SELECT ow.role FROM ({_owed(session, role)}) ow "
        "WHERE ow.from_qindex <= :qindex AND ow.until_qindex >= :qindex"
    )
    found = session.execute(sql, {"objective_id": objective_id, "agency_id": agency_id, "qindex": qindex}).first()
    return None if found is None else str(found[0])


def owed_ranges(session: Session, mission_id: int) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Each (objective, agency) pair of a mission that owes updates, with the quarter ranges (first, last) it owes
    them in."""
    sql = text(
        f"SELECT ow.objective_id, ow.agency_id, ow.from_qindex, ow.until_qindex FROM ({_owed(session, MISSION)}) ow "
        "ORDER BY ow.from_qindex"
    )
    ranges: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for objective_id, agency_id, first, last in session.execute(sql, {"mission_id": mission_id}).all():
        ranges.setdefault((int(objective_id), int(agency_id)), []).append((int(first), int(last)))
    return ranges


def owed_pairs(session: Session, mission_id: int, qindex: int, agency_ids: set[int]) -> list[tuple[int, int, str]]:
    """(objective id, agency id, role) of every update the agencies owe the mission for that quarter."""
    sql = text(
        f"SELECT ow.objective_id, ow.agency_id, ow.role FROM ({_owed(session, MISSION)}) ow "
        "WHERE ow.agency_id IN :agency_ids "
        "AND ow.from_qindex <= :qindex AND ow.until_qindex >= :qindex"
    ).bindparams(bindparam("agency_ids", expanding=True))
    params = {"mission_id": mission_id, "agency_ids": sorted(agency_ids) or [-1], "qindex": qindex}
    return [(int(o), int(a), str(r)) for o, a, r in session.execute(sql, params).all()]
