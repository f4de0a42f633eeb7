"""The database itself refuses to change or delete stored records, after every migration step."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from dashboard.store import append_only, closed_quarters
from dashboard.store.database import alembic_config, get_engine, migrate, migration_connection, write_session
from models import (
    Agency,
    AuditEntry,
    Indicator,
    IndicatorValue,
    Mission,
    Objective,
    QuarterClose,
    ReviewEvent,
    StatusUpdate,
    StrategyVersion,
)
from tests.conftest import BACKENDS

WHEN = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

# One harmless UPDATE per append-only table.
UPDATES = {
    "status_update": "UPDATE status_update SET progress = 99",
    "indicator_value": "UPDATE indicator_value SET value = 99",
    "review_event": "UPDATE review_event SET comment = 'changed'",
    "audit_log": "UPDATE audit_log SET actor = 'someone else'",
    "quarter_close": "UPDATE quarter_close SET sha256 = 'forged'",
    "strategy_version": "UPDATE strategy_version SET texts = '{}'",
}


def _one_row_each(engine: Engine) -> dict[str, list[tuple]]:
    """A stored status update, indicator value, review event, audit entry and quarter close (of another quarter);
    returns every table's rows."""
    with write_session(engine) as session:
        mission = Mission(country="Peru", post="Embassy Lima", strategy_start=2022, strategy_end=2026)
        agency = Agency(acronym="USAID", name="USAID")
        session.add_all([mission, agency])
        session.flush()
        objective = Objective(mission_id=mission.id, code="1.1", title="Trade")  # type: ignore[arg-type]
        session.add(objective)
        session.flush()
        indicator = Indicator(objective_id=objective.id, name="Exports", baseline=0, target=10)  # type: ignore[arg-type]
        update = StatusUpdate(
            objective_id=objective.id,  # type: ignore[arg-type]
            agency_id=agency.id,  # type: ignore[arg-type]
            fiscal_year=2026,
            quarter=4,
            status="On track",
            progress=40,
            risk_level="Low",
            author="usaid@example.gov",
            created_at=WHEN,
        )
        session.add_all([indicator, update])
        session.flush()
        session.add(AuditEntry(actor="admin@example.gov", action="add user", entity="user", entity_key="x", at=WHEN))
        session.add_all(
            [
                IndicatorValue(
                    indicator_id=indicator.id,  # type: ignore[arg-type]
                    fiscal_year=2026,
                    quarter=4,
                    value=4.5,
                    author="usaid@example.gov",
                    status_update_id=update.id,
                    created_at=WHEN,
                ),
                ReviewEvent(
                    status_update_id=update.id,  # type: ignore[arg-type]
                    decision="approved",
                    reviewer="chair@example.gov",
                    created_at=WHEN,
                ),
                QuarterClose(mission_id=mission.id, fiscal_year=2026, quarter=1, action="close", actor="a", at=WHEN),  # type: ignore[arg-type]
                StrategyVersion(mission_id=mission.id, version=1, actor="a", texts="{}", recorded_at=WHEN),  # type: ignore[arg-type]
            ]
        )
    return _rows(engine)


def _rows(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            table: [tuple(r) for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            for table in append_only.APPEND_ONLY_TABLES
        }


def _refused(engine: Engine, sql: str) -> str:
    with pytest.raises(DBAPIError) as refused:
        with engine.begin() as connection:
            connection.execute(text(sql))
    return str(refused.value)


@pytest.mark.parametrize("table", append_only.APPEND_ONLY_TABLES)
def test_stored_records_cannot_be_changed_or_deleted(engine: Engine, table: str) -> None:
    before = _one_row_each(engine)
    assert all(len(rows) == 1 for rows in before.values())
    assert f"{table} is append-only" in _refused(engine, UPDATES[table])
    assert f"{table} is append-only" in _refused(engine, f"DELETE FROM {table}")
    assert _rows(engine) == before
    with write_session(engine) as session:  # adding records is what the tables are for
        session.add(AuditEntry(actor="a", action="b", entity="c", entity_key="d"))
    assert len(_rows(engine)["audit_log"]) == 2


def test_every_guard_is_installed_after_migrating(engine: Engine) -> None:
    with engine.connect() as connection:
        assert append_only.installed(connection) == set(append_only.APPEND_ONLY_TABLES)
        # install is idempotent: running it again (as every migration run does) changes nothing
        assert append_only.install(connection) == list(append_only.APPEND_ONLY_TABLES)
        assert append_only.installed(connection) == set(append_only.APPEND_ONLY_TABLES)

    # a guard dropped by hand is reported missing, and install puts it back
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER review_event_no_change ON review_event"))
        else:
            connection.execute(text("DROP TRIGGER review_event_no_delete"))
    with engine.connect() as connection:
        assert append_only.installed(connection) == set(append_only.APPEND_ONLY_TABLES) - {"review_event"}
    with engine.begin() as connection:
        assert append_only.install(connection) == list(append_only.APPEND_ONLY_TABLES)
    with engine.connect() as connection:
        assert append_only.installed(connection) == set(append_only.APPEND_ONLY_TABLES)


def test_guards_hold_after_every_migration_step(database_url: str) -> None:
    engine = get_engine(database_url)
    for step in ("0001", "0002", "head"):
        with engine.begin() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            command.upgrade(config, step)
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            expected = {t for t in append_only.APPEND_ONLY_TABLES if t in tables}
            assert append_only.installed(connection) == expected, step
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        if step == "0001":
            assert expected == {"status_update", "indicator_value"} and version == "0001"
    with engine.connect() as connection:
        assert append_only.installed(connection) == set(append_only.APPEND_ONLY_TABLES)


# TRUNCATE is a PostgreSQL statement (SQLite has only DELETE, guarded above).
@pytest.mark.parametrize("database_url", [b for b in BACKENDS if b == "postgresql"], indirect=True)
def test_postgresql_refuses_truncate(database_url: str) -> None:
    migrate(database_url)
    engine = get_engine(database_url)
    before = _one_row_each(engine)
    for table in append_only.APPEND_ONLY_TABLES:
        assert f"{table} is append-only" in _refused(engine, f"TRUNCATE {table} CASCADE")
    assert _rows(engine) == before


def test_a_sqlite_batch_rebuild_drops_the_guards_and_migrating_restores_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rebuild.db'}"
    migrate(url)
    engine = get_engine(url)
    before = _one_row_each(engine)  # with rows that point at the status update
    with migration_connection(url) as connection:
        closed_quarters.remove(connection)  # as every migration run does first (the guards read status_update)
        # what an Alembic batch migration does on SQLite: copy the table, drop it, rename the copy
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("status_update", recreate="always") as batch:
            batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    with engine.connect() as connection:
        assert "note" in {c["name"] for c in inspect(connection).get_columns("status_update")}
        assert append_only.installed(connection) == set(append_only.APPEND_ONLY_TABLES) - {"status_update"}
    with engine.begin() as connection:
        connection.execute(text("UPDATE status_update SET progress = 99"))  # unguarded now: this is the danger
        connection.execute(text("UPDATE status_update SET progress = 40"))

    migrate(url)  # nothing to upgrade, but every migration run ends by reinstalling the guards
    with engine.connect() as connection:
        assert append_only.installed(connection) == set(append_only.APPEND_ONLY_TABLES)
    assert "status_update is append-only" in _refused(engine, "DELETE FROM status_update")
    after = _rows(engine)
    assert [row[:-1] for row in after["status_update"]] == before["status_update"]  # the copy kept the row
