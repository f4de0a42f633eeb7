"""strategy versions: every import that changes a text keeps the texts after it; nothing is overwritten

``strategy_version`` holds, per mission, the texts of every goal and objective after each import that changed
them (append-only). Each mission's texts today become its version 1.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 07:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "strategy_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("source_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("texts", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["mission_id"], ["mission.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mission_id", "version", name="uq_strategy_version"),
    )
    op.create_index(op.f("ix_strategy_version_mission_id"), "strategy_version", ["mission_id"], unique=False)
    from dashboard.store import strategy_versions

    bind = op.get_bind()
    for (mission_id,) in bind.execute(sa.text("SELECT id FROM mission ORDER BY id")).all():
        strategy_versions.keep(bind, mission_id, "the texts when versions began")


def downgrade() -> None:
    op.drop_index(op.f("ix_strategy_version_mission_id"), table_name="strategy_version")
    op.drop_table("strategy_version")
