"""a user reports for an agency at one mission

Agencies are shared by every mission, so a binding to "USAID" let a Kathmandu contributor report for Peru's
USAID. Each binding now names its mission (``user_agency.mission_id``, part of the primary key). Existing
bindings go to the first mission (the lowest id: the post a one-post deployment has always had); an admin
binds people at other posts again. With no mission there is nothing to report for, and the bindings go.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 18:40:00
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key_name() -> str | None:
    return sa.inspect(op.get_bind()).get_pk_constraint("user_agency").get("name")


def upgrade() -> None:
    bind = op.get_bind()
    first = bind.execute(sa.text("SELECT MIN(id) FROM mission")).scalar()
    if first is None:
        op.execute(sa.text("DELETE FROM user_agency"))
    with warnings.catch_warnings():  # SQLite's batch copy starts from the old key, then takes the new one
        warnings.filterwarnings(
            "ignore", message=".*specifies columns .* as primary_key=True", category=sa.exc.SAWarning
        )
        old_name = _key_name()
        with op.batch_alter_table("user_agency", schema=None, recreate="auto") as batch_op:
            batch_op.add_column(sa.Column("mission_id", sa.Integer(), nullable=False, server_default=str(first or 0)))
            if old_name:
                batch_op.drop_constraint(old_name, type_="primary")
            batch_op.create_primary_key("pk_user_agency", ["user_id", "agency_id", "mission_id"])
            batch_op.create_foreign_key("fk_user_agency_mission", "mission", ["mission_id"], ["id"])
            batch_op.create_index("ix_user_agency_mission_id", ["mission_id"])
    with op.batch_alter_table("user_agency", schema=None, recreate="auto") as batch_op:
        batch_op.alter_column("mission_id", server_default=None)


def downgrade() -> None:
    bind = op.get_bind()
    # The old table holds one row per (user, agency): the binding at the lowest mission id survives.
    op.execute(
        sa.text(
            "DELETE FROM user_agency WHERE mission_id > (SELECT MIN(u.mission_id) FROM user_agency u "
            "WHERE u.user_id = user_agency.user_id AND u.agency_id = user_agency.agency_id)"
        )
    )
    old_name = _key_name()
    with op.batch_alter_table("user_agency", schema=None, recreate="auto") as batch_op:
        batch_op.drop_index("ix_user_agency_mission_id")
        batch_op.drop_constraint("fk_user_agency_mission", type_="foreignkey")
        if old_name:
            batch_op.drop_constraint(old_name, type_="primary")
        batch_op.create_primary_key(
            "user_agency_pkey" if bind.dialect.name == "postgresql" else "pk_user_agency", ["user_id", "agency_id"]
        )
        batch_op.drop_column("mission_id")
