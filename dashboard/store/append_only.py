"""Append-only guards: the database itself refuses UPDATE and DELETE on stored records.

SQLite gets BEFORE UPDATE / BEFORE DELETE triggers, plus a BEFORE INSERT trigger that
refuses a row clashing with a stored one: ``INSERT OR REPLACE`` and ``REPLACE`` delete the
clashing row without firing DELETE triggers, so they would otherwise rewrite history.
PostgreSQL gets a row trigger for UPDATE and DELETE (which also refuses
``INSERT ... ON CONFLICT DO UPDATE``) plus a statement trigger for TRUNCATE. ``install`` is
idempotent and runs at the end of every migration run (see migrations/env.py),
because Alembic's batch mode on SQLite drops triggers when it rebuilds a table.
"""

from sqlalchemy import Connection, inspect, text

APPEND_ONLY_TABLES: tuple[str, ...] = (
    "status_update",
    "indicator_value",
    "review_event",
    "audit_log",
    "quarter_close",
    "strategy_version",
)
REFUSAL = "is append-only: stored records cannot be changed or deleted"

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ics_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% {REFUSAL}', TG_TABLE_NAME;
END
$$
"""


def trigger_names(table: str) -> list[str]:
    return [f"{table}_no_update", f"{table}_no_delete", f"{table}_no_replace"]


def _clash(connection: Connection, table: str) -> str:
    """SQL true when NEW would clash with a stored row of ``table`` on its primary key or any unique key."""
    inspector = inspect(connection)
    keys = [inspector.get_pk_constraint(table)["constrained_columns"]]
    keys += [u["column_names"] for u in inspector.get_unique_constraints(table)]
    keys += [i["column_names"] for i in inspector.get_indexes(table) if i.get("unique")]
    tests = []
    for columns in keys:
        if columns:
            match = " AND ".join(f"{c} = NEW.{c}" for c in columns)
            tests.append(f"EXISTS (SELECT 1 FROM {table} WHERE {match})")
    return " OR ".join(tests)


def install(connection: Connection) -> list[str]:
    """Create (or re-create) the guards on every append-only table that exists; returns the tables guarded."""
    present = set(inspect(connection).get_table_names())
    guarded = [t for t in APPEND_ONLY_TABLES if t in present]
    if connection.dialect.name == "postgresql":
        connection.execute(text(_PG_FUNCTION))
        for table in guarded:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}"))
            connection.execute(
                text(
                    f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION ics_refuse_change()"
                )
            )
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"))
            connection.execute(
                text(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION ics_refuse_change()"
                )
            )
        return guarded
    for table in guarded:
        no_update, no_delete, no_replace = trigger_names(table)
        for name, event in ((no_update, "UPDATE"), (no_delete, "DELETE")):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
            connection.execute(
                text(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} {REFUSAL}'); END"
                )
            )
        connection.execute(text(f"DROP TRIGGER IF EXISTS {no_replace}"))
        connection.execute(
            text(
                f"CREATE TRIGGER {no_replace} BEFORE INSERT ON {table} WHEN {_clash(connection, table)} "
                f"BEGIN SELECT RAISE(ABORT, '{table} {REFUSAL}'); END"
            )
        )
    return guarded


def installed(connection: Connection) -> set[str]:
    """The append-only tables whose guards are present (used by tests and a start-up check)."""
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relnamespace = to_regnamespace(current_schema()) AND NOT t.tgisinternal"
            )
        ).all()
        names = {(table, name) for table, name in rows}
        return {t for t in APPEND_ONLY_TABLES if {(t, f"{t}_no_change"), (t, f"{t}_no_truncate")} <= names}
    rows = connection.execute(text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")).all()
    names = {(table, name) for table, name in rows}
    return {t for t in APPEND_ONLY_TABLES if all((t, n) in names for n in trigger_names(t))}


def lift(connection: Connection, table: str) -> None:
    """Drop ``table``'s guards, for a migration that fills a new column of stored rows. Only migrations call
    this: every migration run ends with ``install``, which puts the guards back."""
    if connection.dialect.name == "postgresql":
        for suffix in ("no_change", "no_truncate"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}"))
        return
    for name in trigger_names(table):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
