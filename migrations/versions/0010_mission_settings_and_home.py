"""a mission's own settings, the default mission and each user's home mission

A mission gets its post's time zone, its own due days (None: the deployment's ``ICS_DUE_DAYS``) and a flag for
the mission visitors open on (``is_default``; with none marked, the oldest mission). A user gets a home mission,
where their pages open. Existing users' home is the mission their agencies are bound at, else the mission of the
working groups they chair, else none (they open where visitors do).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE_DAYS_CHECK = "due_days BETWEEN 0 AND 365"
HOME_OF_EXISTING_USERS = """
    UPDATE app_user SET home_mission_id = COALESCE(
        (SELECT MIN(ua.mission_id) FROM user_agency ua WHERE ua.user_id = app_user.id),
        (SELECT MIN(wg.mission_id) FROM user_working_group uw JOIN working_group wg ON wg.id = uw.working_group_id
         WHERE uw.user_id = app_user.id)
    )
"""


def upgrade() -> None:
    with op.batch_alter_table("mission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))
        batch_op.add_column(sa.Column("due_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("is_default", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint("ck_mission_due_days", DUE_DAYS_CHECK)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_mission_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_app_user_home_mission", "mission", ["home_mission_id"], ["id"])
    op.execute(sa.text(HOME_OF_EXISTING_USERS))


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint("fk_app_user_home_mission", type_="foreignkey")
        batch_op.drop_column("home_mission_id")
    with op.batch_alter_table("mission", schema=None) as batch_op:
        batch_op.drop_constraint("ck_mission_due_days", type_="check")
        batch_op.drop_column("is_default")
        batch_op.drop_column("due_days")
        batch_op.drop_column("time_zone")
