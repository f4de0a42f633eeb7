"""Migration 0007: objective agencies and working-group objectives become effective-dated."""

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
    "INSERT INTO objective (id, mission_id, code, kind, title, justification, linkages, risks, position) "
    "VALUES (1, 1, '1.1', 'mission', 'Trade', '', '', '', 0)",
    "INSERT INTO agency (id, acronym, name) VALUES (1, 'FAS', 'Foreign Agricultural Service')",
    "INSERT INTO agency (id, acronym, name) VALUES (2, 'State', 'Department of State')",
    "INSERT INTO working_group (id, mission_id, name) VALUES (1, 1, 'Goal 1')",
    "INSERT INTO objective_agency (objective_id, agency_id, role) VALUES (1, 1, 'lead')",
    "INSERT INTO objective_agency (objective_id, agency_id, role) VALUES (1, 2, 'contributing')",
    "INSERT INTO working_group_objective (working_group_id, objective_id) VALUES (1, 1)",
]


def test_existing_links_hold_since_the_beginning_and_stay_open(database_url: str) -> None:
    _to(database_url, "0004")
    engine = get_engine(database_url)
    with engine.begin() as connection:
        for statement in SEED:
            connection.execute(text(statement))
    _to(database_url, "head")

    with engine.connect() as connection:
        roles = connection.execute(
            text("SELECT agency_id, role, from_qindex, until_qindex FROM objective_agency ORDER BY agency_id")
        ).all()
        groups = connection.execute(
            text("SELECT working_group_id, objective_id, from_qindex, until_qindex FROM working_group_objective")
        ).all()
        keys = {t: inspect(connection).get_pk_constraint(t)["constrained_columns"] for t in ("objective_agency",)}
    assert [tuple(r) for r in roles] == [(1, "lead", 0, None), (2, "contributing", 0, None)]
    assert [tuple(r) for r in groups] == [(1, 1, 0, None)]
    assert keys == {"objective_agency": ["objective_id", "agency_id", "from_qindex"]}

    # FAS leads until FY2026 Q4 (index 8107) and contributes from FY2027 Q1 (8108): two rows for one pair
    with engine.begin() as connection:
        connection.execute(text("UPDATE objective_agency SET until_qindex = 8107 WHERE agency_id = 1"))
        connection.execute(
            text(
                "INSERT INTO objective_agency (objective_id, agency_id, role, from_qindex) "
                "VALUES (1, 1, 'contributing', 8108)"
            )
        )
    # a range that ends before it starts is refused, on both tables
    for statement in (
        "INSERT INTO objective_agency (objective_id, agency_id, role, from_qindex, until_qindex) "
        "VALUES (1, 2, 'lead', 8110, 8109)",
        "INSERT INTO working_group_objective (working_group_id, objective_id, from_qindex, until_qindex) "
        "VALUES (1, 1, 8110, 8109)",
    ):
        with pytest.raises(IntegrityError, match="(?i)ck_.*_range|check constraint"):
            with engine.begin() as connection:
                connection.execute(text(statement))

    # downgrading keeps the links in effect now, one per pair
    _to(database_url, "0004", down=True)
    with engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("objective_agency")}
        after = connection.execute(text("SELECT agency_id, role FROM objective_agency ORDER BY agency_id")).all()
    assert "from_qindex" not in columns
    assert [tuple(r) for r in after] == [(1, "contributing"), (2, "contributing")]
    _to(database_url, "head")
