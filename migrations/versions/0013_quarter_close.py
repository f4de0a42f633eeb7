"""quarter close: a mission's quarter closes into an append-only record, and nothing is written for it after

``quarter_close`` holds each closing (with the record of the quarter as canonical JSON and its SHA-256) and
each reopening (with its reason). It is append-only like the audit log, and while a quarter's newest event is
a close the database refuses new status updates, indicator values, review decisions and drafts for it
(``dashboard.store.closed_quarters``, installed after every migration run with the append-only guards).

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quarter_close",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("snapshot", sa.Text(), server_default="", nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("figures", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_quarter_close_quarter"),
        sa.CheckConstraint("action IN ('close', 'reopen')", name="ck_quarter_close_action"),
        sa.ForeignKeyConstraint(["mission_id"], ["mission.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_quarter_close_mission_id"), "quarter_close", ["mission_id"], unique=False)


def downgrade() -> None:
    from dashboard.store import closed_quarters

    closed_quarters.remove(op.get_bind())
    op.drop_index(op.f("ix_quarter_close_mission_id"), table_name="quarter_close")
    op.drop_table("quarter_close")
