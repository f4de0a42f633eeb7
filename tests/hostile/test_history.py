"""History cannot be rewritten: REPLACE, INSERT OR REPLACE and upserts are refused on append-only tables."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from dashboard.store.database import read_session, write_session
from models import AuditEntry, StatusUpdate
from tests import people
from tests.people import USAID, World


@pytest.fixture
def world(database_url: str) -> World:
    return people.build(database_url)


def _columns(world: World, table: str) -> list[str]:
    with read_session(world.engine) as session:
        if world.engine.dialect.name == "sqlite":
            return [r[1] for r in session.execute(text(f"PRAGMA table_info({table})"))]
        rows = session.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = :t AND table_schema = current_schema()"
            ),
            {"t": table},
        )
        return [r[0] for r in rows]


def _rewrite_statements(world: World, table: str, column: str) -> list[str]:
    """Ways to overwrite row 1 of ``table`` while inserting, on this backend."""
    names = _columns(world, table)
    values = ", ".join("'forged'" if n == column else n for n in names)
    select_row = f"SELECT {values} FROM {table} WHERE id = 1"
    if world.engine.dialect.name == "sqlite":
        return [
            f"INSERT OR REPLACE INTO {table} ({', '.join(names)}) {select_row}",
            f"REPLACE INTO {table} ({', '.join(names)}) {select_row}",
            f"INSERT INTO {table} ({', '.join(names)}) {select_row} AND true "
            f"ON CONFLICT(id) DO UPDATE SET {column} = 'forged'",
        ]
    return [
        f"INSERT INTO {table} ({', '.join(names)}) {select_row} ON CONFLICT (id) DO UPDATE SET {column} = 'forged'",
    ]


@pytest.mark.parametrize(("table", "column"), [("status_update", "author"), ("audit_log", "actor")])
def test_a_stored_record_cannot_be_replaced(world: World, table: str, column: str) -> None:
    world.submit(USAID, world.form())
    model = StatusUpdate if table == "status_update" else AuditEntry
    before = [r.model_dump() for r in world.all(model)]
    assert before, "the test needs a stored row"
    for statement in _rewrite_statements(world, table, column):
        with pytest.raises(DatabaseError, match="append-only"):
            with write_session(world.engine) as session:
                session.execute(text(statement))
        assert [r.model_dump() for r in world.all(model)] == before, statement


def test_a_new_record_is_still_stored(world: World) -> None:
    world.submit(USAID, world.form())
    world.submit(USAID, world.form(progress=55), base_revision=1)
    assert [r.revision for r in world.all(StatusUpdate)] == [1, 2]
