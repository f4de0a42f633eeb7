"""Migration 0009: a user's agencies are bound at a mission; existing bindings go to the first mission."""

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from dashboard.store.database import alembic_config, get_engine, migration_connection


def _to(url: str, step: str, *, down: bool = False) -> None:
    with migration_connection(url) as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, step)


SEED = [
    "INSERT INTO mission (id, country, post, strategy_start, strategy_end, release_marking) "
    "VALUES (1, 'Peru', 'Lima', 2022, 2026, 'FOR PUBLIC RELEASE')",
    "INSERT INTO mission (id, country, post, strategy_start, strategy_end, release_marking) "
    "VALUES (2, 'Nepal', 'Kathmandu', 2022, 2026, 'FOR PUBLIC RELEASE')",
    "INSERT INTO agency (id, acronym, name) VALUES (1, 'USAID', 'U.S. Agency for International Development')",
    "INSERT INTO app_user (id, email, role, disabled, created_at, failed_attempts) "
    "VALUES (1, 'a@example.gov', 'contributor', false, '2026-01-01', 0)",
    "INSERT INTO user_agency (user_id, agency_id) VALUES (1, 1)",
]


def test_existing_bindings_go_to_the_first_mission_and_a_post_joins_the_key(database_url: str) -> None:
    _to(database_url, "0008")
    engine = get_engine(database_url)
    with engine.begin() as connection:
        for statement in SEED:
            connection.execute(text(statement))
    _to(database_url, "head")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT user_id, agency_id, mission_id FROM user_agency")).all()
        key = inspect(connection).get_pk_constraint("user_agency")["constrained_columns"]
    assert [tuple(r) for r in rows] == [(1, 1, 1)]
    assert sorted(key) == ["agency_id", "mission_id", "user_id"]
    with engine.begin() as connection:  # the same agency at the second post is a second binding
        connection.execute(text("INSERT INTO user_agency (user_id, agency_id, mission_id) VALUES (1, 1, 2)"))
    with pytest.raises(IntegrityError), engine.begin() as connection:  # a post that does not exist is refused
        connection.execute(text("INSERT INTO user_agency (user_id, agency_id, mission_id) VALUES (1, 1, 99)"))
    _to(database_url, "0008", down=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT user_id, agency_id FROM user_agency")).all()
    assert [tuple(r) for r in rows] == [(1, 1)]
