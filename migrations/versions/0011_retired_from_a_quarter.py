"""an objective is retired from a quarter

Retiring an objective (a revised strategy no longer has it) used to record only the date
(``objective.retired_on``), and pages read that date two ways: the Missions roll-up kept the objective
owed in every quarter that ended before the date, the mission's own pages dropped it from every quarter.
It is now retired from a quarter, ``retired_from_qindex`` (a FiscalQuarter.index): quarters before it still
owe the objective, that quarter and later ones do not. An objective already retired is retired from the
quarter its date falls in, which is what the roll-up counted; ``retired_on`` stays as the day it happened.
A check keeps the two together (both set, or neither). It runs after 0012, which was written first.

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-02 19:00:00
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RETIRED_CHECK = (
    "(retired_on IS NULL AND retired_from_qindex IS NULL)"
    " OR (retired_on IS NOT NULL AND retired_from_qindex IS NOT NULL)"
)


def _quarter_index(day: date) -> int:
    """The FiscalQuarter.index of the quarter ``day`` falls in (FY N runs 1 October N-1 to 30 September N)."""
    fiscal_year, quarter = (day.year + 1, 1) if day.month >= 10 else (day.year, (day.month - 1) // 3 + 2)
    return fiscal_year * 4 + quarter - 1


def upgrade() -> None:
    with op.batch_alter_table("objective", schema=None, recreate="auto") as batch_op:
        batch_op.add_column(sa.Column("retired_from_qindex", sa.Integer(), nullable=True))
    bind = op.get_bind()
    retired = bind.execute(sa.text("SELECT id, retired_on FROM objective WHERE retired_on IS NOT NULL")).all()
    for objective_id, retired_on in retired:
        day = retired_on if isinstance(retired_on, date) else date.fromisoformat(str(retired_on)[:10])
        bind.execute(
            sa.text("UPDATE objective SET retired_from_qindex = :q WHERE id = :id"),
            {"q": _quarter_index(day), "id": objective_id},
        )
    with op.batch_alter_table("objective", schema=None, recreate="auto") as batch_op:
        batch_op.create_check_constraint("ck_objective_retired", RETIRED_CHECK)


def downgrade() -> None:
    with op.batch_alter_table("objective", schema=None, recreate="auto") as batch_op:
        batch_op.drop_constraint("ck_objective_retired", type_="check")
        batch_op.drop_column("retired_from_qindex")
