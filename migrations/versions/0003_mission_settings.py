"""mission settings and retired objectives

A mission's release marking, regional bureau and first reporting quarter; a user's bureau
scope; and the date an objective was retired by a newer strategy document.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUREAU_CHECK = "bureau IN ('AF', 'EAP', 'EUR', 'NEA', 'SCA', 'WHA')"


def upgrade() -> None:
    with op.batch_alter_table("mission", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "release_marking",
                sqlmodel.sql.sqltypes.AutoString(length=60),
                nullable=False,
                server_default="FOR PUBLIC RELEASE",
            )
        )
        batch_op.add_column(sa.Column("bureau", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True))
        batch_op.add_column(sa.Column("reporting_from_fy", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reporting_from_quarter", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("ck_mission_bureau", BUREAU_CHECK)
        batch_op.create_check_constraint("ck_mission_reporting_from_quarter", "reporting_from_quarter BETWEEN 1 AND 4")
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_on", sa.Date(), nullable=True))
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bureau", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True))
        batch_op.create_check_constraint("ck_app_user_bureau", BUREAU_CHECK)


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint("ck_app_user_bureau", type_="check")
        batch_op.drop_column("bureau")
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.drop_column("retired_on")
    with op.batch_alter_table("mission", schema=None) as batch_op:
        batch_op.drop_constraint("ck_mission_reporting_from_quarter", type_="check")
        batch_op.drop_constraint("ck_mission_bureau", type_="check")
        batch_op.drop_column("reporting_from_quarter")
        batch_op.drop_column("reporting_from_fy")
        batch_op.drop_column("bureau")
        batch_op.drop_column("release_marking")
