"""CHECK constraints derived from the vocabulary

Every CHECK constraint that keeps a column to the domain's words (status, risk level, review state,
review decision, role, objective kind, indicator direction, agency role) is now derived from
models/scales.py instead of being written by hand, and an update draft's status and risk level are
checked as well.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

from migrations.vocabulary import recreate_checks

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The constraints as revision 0007 left them (update drafts had none).
_BEFORE: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "ck_status_update_status": (
        "status_update",
        "status",
        ("Not started", "On track", "At risk", "Off track", "Completed"),
    ),
    "ck_status_update_risk_level": ("status_update", "risk_level", ("Low", "Medium", "High", "Critical")),
    "ck_status_update_state": ("status_update", "state", ("draft", "submitted", "returned", "approved")),
    "ck_review_event_decision": ("review_event", "decision", ("approved", "returned")),
    "ck_app_user_role": ("app_user", "role", ("viewer", "contributor", "chair", "admin")),
    "ck_objective_kind": ("objective", "kind", ("mission", "management")),
    "ck_indicator_direction": ("indicator", "direction", ("up", "down")),
    "ck_objective_agency_role": ("objective_agency", "role", ("lead", "contributing")),
}


def upgrade() -> None:
    recreate_checks()


def downgrade() -> None:
    from alembic import op

    with op.batch_alter_table("update_draft", schema=None, recreate="auto") as batch_op:
        batch_op.drop_constraint("ck_update_draft_status", type_="check")
        batch_op.drop_constraint("ck_update_draft_risk_level", type_="check")
    recreate_checks(_BEFORE)
