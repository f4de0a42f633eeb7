import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

from dashboard.store.database import get_engine, is_empty, migrate, read_session, write_session
from models import Agency

EXPECTED_TABLES = {
    "mission",
    "goal",
    "objective",
    "agency",
    "objective_agency",
    "working_group",
    "working_group_agency",
    "working_group_objective",
    "status_update",
    "indicator",
    "indicator_value",
    "alembic_version",
}


def test_migrations_from_empty_create_every_table(database_url: str) -> None:
    assert is_empty(database_url)
    migrate(database_url)
    assert set(inspect(get_engine(database_url)).get_table_names()) >= EXPECTED_TABLES
    migrate(database_url)  # a second run is a no-op
    assert not is_empty(database_url)


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_sqlite_connection_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    migrate(url)
    with get_engine(url).connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
        }
    assert pragma == {"journal_mode": "wal", "busy_timeout": 10_000, "foreign_keys": 1, "synchronous": 2}


def test_sqlite_file_is_created_with_its_folder(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "deeper" / "ics.db"
    migrate(f"sqlite:///{target}")
    assert target.exists()


def test_write_session_takes_the_write_lock_at_once(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    url = f"sqlite:///{path}"
    migrate(url)
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    with write_session(get_engine(url)):
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free again after commit
    other.execute("ROLLBACK")
    other.close()


def test_write_session_rolls_back_on_error(engine: Engine) -> None:
    with pytest.raises(RuntimeError):
        with write_session(engine) as session:
            session.add(Agency(acronym="TEST", name="Test agency"))
            session.flush()
            raise RuntimeError("boom")
    with read_session(engine) as session:
        assert session.exec(text("SELECT count(*) FROM agency")).scalar() == 0  # type: ignore[call-overload]


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(Exception, match="(?i)foreign key"):
        with write_session(engine) as session:
            session.exec(
                text(
                    "INSERT INTO goal (mission_id, code, title, description, position) "  # type: ignore[call-overload]
                    "VALUES (999, '1', 't', '', 0)"
                )
            )
