"""Migration 0010: a mission's time zone, due days and default flag; each user's home mission, set for existing
users from where they report or chair."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dashboard.store.database import get_engine
from tests.store.test_agency_binding_migration import _to

SEED = [
    "INSERT INTO mission (id, country, post, strategy_start, strategy_end, release_marking, bureau) "
    "VALUES (1, 'Peru', 'Embassy Lima', 2022, 2026, 'FOR PUBLIC RELEASE', 'WHA')",
    "INSERT INTO mission (id, country, post, strategy_start, strategy_end, release_marking) "
    "VALUES (2, 'Nepal', 'Embassy Kathmandu', 2023, 2027, 'FOR PUBLIC RELEASE')",
    "INSERT INTO agency (id, acronym, name) VALUES (1, 'USAID', 'U.S. Agency for International Development')",
    "INSERT INTO working_group (id, mission_id, name) VALUES (1, 1, 'Goal 1')",
    *(
        "INSERT INTO app_user (id, email, role, disabled, created_at, failed_attempts) "
        f"VALUES ({i}, '{email}', '{role}', false, '2026-01-01', 0)"
        for i, email, role in [
            (1, "kathmandu@example.gov", "contributor"),
            (2, "chair@example.gov", "chair"),
            (3, "viewer@example.gov", "viewer"),
        ]
    ),
    "INSERT INTO user_agency (user_id, agency_id, mission_id) VALUES (1, 1, 2)",
    "INSERT INTO user_working_group (user_id, working_group_id) VALUES (2, 1)",
]


def test_existing_users_get_the_home_where_they_report_and_missions_keep_their_values(database_url: str) -> None:
    _to(database_url, "0009")
    engine = get_engine(database_url)
    with engine.begin() as connection:
        for statement in SEED:
            connection.execute(text(statement))
    _to(database_url, "head")
    with engine.connect() as connection:
        homes = dict(connection.execute(text("SELECT email, home_mission_id FROM app_user")).all())
        missions = connection.execute(
            text("SELECT id, bureau, time_zone, due_days, is_default FROM mission ORDER BY id")
        ).all()
    assert homes == {"kathmandu@example.gov": 2, "chair@example.gov": 1, "viewer@example.gov": None}
    assert [tuple(m) for m in missions] == [(1, "WHA", None, None, False), (2, None, None, None, False)]
    with engine.begin() as connection:  # the new columns take their values; a mission's due days are bounded
        connection.execute(text("UPDATE mission SET due_days = 45, time_zone = 'Asia/Kathmandu' WHERE id = 2"))
        connection.execute(text("UPDATE app_user SET home_mission_id = 1 WHERE id = 3"))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE mission SET due_days = 400 WHERE id = 2"))
    with pytest.raises(IntegrityError), engine.begin() as connection:  # a home that does not exist
        connection.execute(text("UPDATE app_user SET home_mission_id = 99 WHERE id = 3"))
    with pytest.raises(IntegrityError), engine.begin() as connection:  # earlier checks survive the table's rebuild
        connection.execute(text("UPDATE app_user SET role = 'boss' WHERE id = 3"))
    _to(database_url, "0009", down=True)
    with engine.connect() as connection:
        users = connection.execute(text("SELECT COUNT(*) FROM app_user")).scalar()
        nepal = connection.execute(text("SELECT country, post FROM mission WHERE id = 2")).one()
    assert users == 3 and tuple(nepal) == ("Nepal", "Embassy Kathmandu")
