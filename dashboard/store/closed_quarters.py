"""The database's own refusal to write for a closed quarter.

A mission's quarter is closed while the newest ``quarter_close`` event for it is a close. While it is, a
trigger on each table that holds what is reported for a quarter (status updates, indicator values, review
decisions and drafts) refuses the row, whatever wrote it: a page, the command line, a direct service call or
raw SQL. The services check first and say so in a sentence (``services.quarters``); this is the floor under
them. ``install`` is idempotent and runs after every migration run, with the append-only guards.
"""

from sqlalchemy import Connection, inspect, text

REFUSAL = "the quarter is closed: nothing can be written for it until an admin reopens it"

# For each guarded table: the newest close event of the row's mission and quarter, from NEW.
_NEWEST = "SELECT c.action FROM quarter_close c {join} WHERE {match} ORDER BY c.id DESC LIMIT 1"
_LOOKUPS = {
    "status_update": (
        "JOIN objective o ON o.mission_id = c.mission_id",
        "o.id = NEW.objective_id AND c.fiscal_year = NEW.fiscal_year AND c.quarter = NEW.quarter",
    ),
    "update_draft": (
        "JOIN objective o ON o.mission_id = c.mission_id",
        "o.id = NEW.objective_id AND c.fiscal_year = NEW.fiscal_year AND c.quarter = NEW.quarter",
    ),
    "indicator_value": (
        "JOIN objective o ON o.mission_id = c.mission_id JOIN indicator i ON i.objective_id = o.id",
        "i.id = NEW.indicator_id AND c.fiscal_year = NEW.fiscal_year AND c.quarter = NEW.quarter",
    ),
    "review_event": (
        "JOIN objective o ON o.mission_id = c.mission_id JOIN status_update su ON su.objective_id = o.id "
        "AND su.fiscal_year = c.fiscal_year AND su.quarter = c.quarter",
        "su.id = NEW.status_update_id",
    ),
}
GUARDED_TABLES = tuple(_LOOKUPS)


def _newest(table: str) -> str:
    join, match = _LOOKUPS[table]
    return _NEWEST.format(join=join, match=match)


def _name(table: str, event: str) -> str:
    return f"{table}_closed_quarter_{event.lower()}"


def install(connection: Connection) -> list[str]:
    """Create (or re-create) the guards, once ``quarter_close`` exists; returns the tables guarded."""
    present = set(inspect(connection).get_table_names())
    if "quarter_close" not in present:
        return []
    guarded = [t for t in GUARDED_TABLES if t in present]
    postgres = connection.dialect.name == "postgresql"
    for table in guarded:
        events = ("INSERT", "UPDATE") if table == "update_draft" else ("INSERT",)
        if postgres:
            function = f"ics_{table}_closed_quarter"
            connection.execute(
                text(
                    f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                    f"BEGIN\n    IF ({_newest(table)}) = 'close' THEN\n"
                    f"        RAISE EXCEPTION '{table}: {REFUSAL}';\n    END IF;\n    RETURN NEW;\nEND\n$$"
                )
            )
        for event in events:
            name = _name(table, event)
            if postgres:
                connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
                connection.execute(
                    text(
                        f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW "
                        f"EXECUTE FUNCTION ics_{table}_closed_quarter()"
                    )
                )
            else:
                connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
                connection.execute(
                    text(
                        f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN ({_newest(table)}) = 'close' "
                        f"BEGIN SELECT RAISE(ABORT, '{table}: {REFUSAL}'); END"
                    )
                )
    return guarded


def remove(connection: Connection) -> None:
    """Drop the guards (the migration that removes ``quarter_close`` does, before dropping it)."""
    postgres = connection.dialect.name == "postgresql"
    present = set(inspect(connection).get_table_names())
    for table in GUARDED_TABLES:
        if table not in present:
            continue
        for event in ("INSERT", "UPDATE"):
            on = f" ON {table}" if postgres else ""
            connection.execute(text(f"DROP TRIGGER IF EXISTS {_name(table, event)}{on}"))
        if postgres:
            connection.execute(text(f"DROP FUNCTION IF EXISTS ics_{table}_closed_quarter()"))
