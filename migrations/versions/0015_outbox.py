"""e-mail: the outbox, what each message told its recipient about, people's mail settings and the sending hour

``outbox`` holds every message ``notify`` decided to send (sent or not); ``outbox_ref`` names what each message
told its recipient about, unique per recipient, so the same reminder is never queued twice. A user gets the
chair's review digest (on), the weekly summary (off) and reminders-off (only an admin sets it); a mission gets the
hour of its day from which mail goes out (08:00).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEND_HOUR_CHECK = "send_hour BETWEEN 0 AND 23"


def upgrade() -> None:
    with op.batch_alter_table("mission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("send_hour", sa.Integer(), nullable=False, server_default="8"))
        batch_op.create_check_constraint("ck_mission_send_hour", SEND_HOUR_CHECK)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_digest", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("weekly_summary", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("reminders_off", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("claim", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["mission_id"], ["mission.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_outbox_mission_id"), "outbox", ["mission_id"], unique=False)
    op.create_index(op.f("ix_outbox_user_id"), "outbox", ["user_id"], unique=False)
    op.create_index(op.f("ix_outbox_sent_at"), "outbox", ["sent_at"], unique=False)
    op.create_table(
        "outbox_ref",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "ref", name="uq_outbox_ref"),
    )
    op.create_index(op.f("ix_outbox_ref_outbox_id"), "outbox_ref", ["outbox_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_ref_outbox_id"), table_name="outbox_ref")
    op.drop_table("outbox_ref")
    op.drop_index(op.f("ix_outbox_sent_at"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_user_id"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_mission_id"), table_name="outbox")
    op.drop_table("outbox")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("reminders_off")
        batch_op.drop_column("weekly_summary")
        batch_op.drop_column("review_digest")
    with op.batch_alter_table("mission", schema=None) as batch_op:
        batch_op.drop_constraint("ck_mission_send_hour", type_="check")
        batch_op.drop_column("send_hour")
