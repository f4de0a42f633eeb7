"""Recreate the CHECK constraints that the vocabulary (models/scales.py) derives, for a migration to call.

A migration that adds a status, risk level, review state or role calls ``recreate_checks()``: each named
constraint in ``VOCABULARY_CHECKS`` is dropped where it exists and created again from the vocabulary as it
stands. On SQLite this rebuilds the tables (Alembic batch mode); the append-only triggers it drops come back at
the end of every migration run (migrations/env.py).
"""

from collections.abc import Mapping

import sqlalchemy as sa
from alembic import op

from models.scales import VOCABULARY_CHECKS, check_sql


def _existing_checks(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_check_constraints(table) if c.get("name")}


def recreate_checks(checks: Mapping[str, tuple[str, str, tuple[str, ...]]] = VOCABULARY_CHECKS) -> None:
    """Drop and create each named CHECK constraint in ``checks`` (name -> table, column, allowed values)."""
    by_table: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    inspector = sa.inspect(op.get_bind())
    for name, (table, column, values) in checks.items():
        # A check on a column a later migration adds is created by that migration.
        if column in {c["name"] for c in inspector.get_columns(table)}:
            by_table.setdefault(table, []).append((name, column, values))
    for table, items in by_table.items():
        present = _existing_checks(table)
        with op.batch_alter_table(table, schema=None, recreate="auto") as batch_op:
            for name, _column, _values in items:
                if name in present:
                    batch_op.drop_constraint(name, type_="check")
            for name, column, values in items:
                batch_op.create_check_constraint(name, check_sql(column, values))
