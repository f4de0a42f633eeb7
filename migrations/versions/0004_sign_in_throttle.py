"""sign-in throttle per e-mail and client

Failed local sign-ins are counted per (e-mail, client) for every e-mail typed, known or
not, so that the answers never reveal which accounts exist and one client's failures
never lock an account for everyone else.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 11:12:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("email_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("client_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("failures >= 0", name="ck_sign_in_throttle_failures"),
        sa.PrimaryKeyConstraint("email_digest", "client_digest"),
    )


def downgrade() -> None:
    op.drop_table("sign_in_throttle")
