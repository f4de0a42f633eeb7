"""Effective-dated links in SQL: which objective agencies and working groups hold in a given quarter.

``from_qindex``/``until_qindex`` are inclusive FiscalQuarter.index values; ``until_qindex`` NULL = still in effect.
"""

from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from models import ObjectiveAgency, WorkingGroupObjective


def held_at(table: type[ObjectiveAgency] | type[WorkingGroupObjective], qindex: int) -> tuple[Any, ...]:
    """WHERE clauses keeping the rows of ``table`` in effect in the quarter with index ``qindex``."""
    return (
        col(table.from_qindex) <= qindex,
        or_(col(table.until_qindex).is_(None), col(table.until_qindex) >= qindex),
    )


def role_at(session: Session, objective_id: int, agency_id: int, qindex: int) -> ObjectiveAgency | None:
    """The agency's role on the objective in that quarter, or None when it owes nothing then."""
    return session.exec(
        select(ObjectiveAgency).where(
            ObjectiveAgency.objective_id == objective_id,
            ObjectiveAgency.agency_id == agency_id,
            *held_at(ObjectiveAgency, qindex),
        )
    ).first()


def working_group_at(session: Session, objective_id: int, qindex: int) -> int | None:
    """The working group covering the objective in that quarter (the lowest-numbered when several do)."""
    return session.exec(
        select(WorkingGroupObjective.working_group_id)
        .where(WorkingGroupObjective.objective_id == objective_id, *held_at(WorkingGroupObjective, qindex))
        .order_by(col(WorkingGroupObjective.working_group_id))
    ).first()
