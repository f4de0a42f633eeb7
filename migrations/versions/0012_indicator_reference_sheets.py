"""indicator reference sheets, targets per year, and values per reporting agency

An indicator gets the fields of a reference sheet (code, definition, calculation, data source, collection
method, frequency, responsible agency, disaggregation, data-quality notes, baseline year, established,
reviewed and retired dates) and its targets move to ``indicator_target`` (one per fiscal year, quarter 0,
plus optional interim targets per quarter). A value names the agency that reported it, may be "not yet
available" (no value, a note why), and the note is kept.

Existing indicators: the code is the objective's code and a letter in name order (1.1.a, 1.1.b); the baseline
year is the fiscal year before the strategy starts; the one target becomes the target of the strategy's last
year; the responsible agency is the objective's lead (the latest arrangement). Existing values name the
agency of the update they came with, else the indicator's responsible agency.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dashboard.store import append_only
from migrations.vocabulary import recreate_checks
from models.scales import VOCABULARY_CHECKS

revision: str = "0012"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTS = ("definition", "calculation", "data_source", "collection_method", "disaggregation", "data_quality")


def _columns() -> None:
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=20), nullable=False, server_default=""))
        for name in TEXTS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("baseline_fy", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("frequency", sa.String(length=12), nullable=False, server_default="quarterly"))
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("established_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("retired_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key("fk_indicator_agency", "agency", ["agency_id"], ["id"])
    op.create_table(
        "indicator_target",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("indicator.id"), nullable=False, index=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("value", sa.Float(), nullable=False),
        sa.UniqueConstraint("indicator_id", "fiscal_year", "quarter", name="uq_indicator_target_quarter"),
        sa.CheckConstraint("quarter BETWEEN 0 AND 4", name="ck_indicator_target_quarter"),
    )


def _fill() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT i.id, i.name, i.target, o.id AS objective_id, o.code, m.strategy_start, m.strategy_end "
            "FROM indicator i JOIN objective o ON o.id = i.objective_id JOIN mission m ON m.id = o.mission_id "
            "ORDER BY o.id, i.name"
        )
    ).all()
    letters: dict[int, int] = {}
    for row in rows:
        n = letters.get(row.objective_id, 0)
        letters[row.objective_id] = n + 1
        code = f"{row.code}.{chr(ord('a') + n) if n < 26 else n + 1}"
        lead = bind.execute(
            sa.text(
                "SELECT agency_id FROM objective_agency WHERE objective_id = :o AND role = 'lead' "
                "ORDER BY until_qindex IS NULL DESC, from_qindex DESC LIMIT 1"
            ),
            {"o": row.objective_id},
        ).scalar()
        bind.execute(
            sa.text("UPDATE indicator SET code = :c, baseline_fy = :fy, agency_id = :a WHERE id = :i"),
            {"c": code, "fy": row.strategy_start - 1, "a": lead, "i": row.id},
        )
        bind.execute(
            sa.text("INSERT INTO indicator_target (indicator_id, fiscal_year, quarter, value) VALUES (:i, :fy, 0, :v)"),
            {"i": row.id, "fy": row.strategy_end, "v": row.target},
        )


def upgrade() -> None:
    _columns()
    _fill()
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.alter_column("value", existing_type=sa.Float(), nullable=True)
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch_op.create_foreign_key("fk_indicator_value_agency", "agency", ["agency_id"], ["id"])
    append_only.lift(op.get_bind(), "indicator_value")  # filling the new column; the run puts the guards back
    op.execute(
        sa.text(
            "UPDATE indicator_value SET agency_id = COALESCE("
            "(SELECT su.agency_id FROM status_update su WHERE su.id = indicator_value.status_update_id), "
            "(SELECT i.agency_id FROM indicator i WHERE i.id = indicator_value.indicator_id))"
        )
    )
    recreate_checks({"ck_indicator_frequency": VOCABULARY_CHECKS["ck_indicator_frequency"]})


def downgrade() -> None:
    append_only.lift(op.get_bind(), "indicator_value")
    op.execute(sa.text("DELETE FROM indicator_value WHERE value IS NULL"))  # "not yet available" has no old form
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.drop_constraint("fk_indicator_value_agency", type_="foreignkey")
        batch_op.drop_column("note")
        batch_op.drop_column("agency_id")
        batch_op.alter_column("value", existing_type=sa.Float(), nullable=False)
    op.drop_table("indicator_target")
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_constraint("ck_indicator_frequency", type_="check")
        batch_op.drop_constraint("fk_indicator_agency", type_="foreignkey")
        for name in ("retired_on", "reviewed_on", "established_on", "agency_id", "frequency", "baseline_fy", *TEXTS):
            batch_op.drop_column(name)
        batch_op.drop_column("code")
