"""effective-dated objective agencies and working-group objectives

An objective's lead and contributing agencies, and a working group's objectives, now hold
from one quarter to another (``from_qindex``/``until_qindex``, FiscalQuarter.index values,
both inclusive), so that a change made in Admin never rewrites past quarters. Existing rows
become "since the beginning, open-ended" (from 0, until NULL). The start quarter joins the
primary key, so the same pair can hold again after a gap.

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-30 11:40:00
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RANGE_CHECK = "until_qindex IS NULL OR until_qindex >= from_qindex"
# table -> its primary key before this revision
TABLES = {
    "objective_agency": ["objective_id", "agency_id"],
    "working_group_objective": ["working_group_id", "objective_id"],
}


def _old_key_name(table: str) -> str | None:
    key = sa.inspect(op.get_bind()).get_pk_constraint(table)
    return key.get("name")


def upgrade() -> None:
    # SQLite's batch copy starts from the reflected (old) key and then takes the new one, with a warning.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=".*specifies columns .* as primary_key=True", category=sa.exc.SAWarning
        )
        _upgrade()


def _upgrade() -> None:
    for table, key in TABLES.items():
        old_name = _old_key_name(table)
        with op.batch_alter_table(table, schema=None, recreate="auto") as batch_op:
            batch_op.add_column(sa.Column("from_qindex", sa.Integer(), nullable=False, server_default="0"))
            batch_op.add_column(sa.Column("until_qindex", sa.Integer(), nullable=True))
            if old_name:
                batch_op.drop_constraint(old_name, type_="primary")
            batch_op.create_primary_key(f"pk_{table}", [*key, "from_qindex"])
            batch_op.create_check_constraint(f"ck_{table}_range", RANGE_CHECK)


def downgrade() -> None:
    for table, key in TABLES.items():
        bind = op.get_bind()
        # Only the links in effect now survive a downgrade: the old schema holds one row per pair.
        op.execute(sa.text(f"DELETE FROM {table} WHERE until_qindex IS NOT NULL"))
        old_name = _old_key_name(table)
        with op.batch_alter_table(table, schema=None, recreate="auto") as batch_op:
            batch_op.drop_constraint(f"ck_{table}_range", type_="check")
            if old_name:
                batch_op.drop_constraint(old_name, type_="primary")
            batch_op.create_primary_key(f"{table}_pkey" if bind.dialect.name == "postgresql" else f"pk_{table}", key)
            batch_op.drop_column("until_qindex")
            batch_op.drop_column("from_qindex")
