"""Migration 0011: an objective is retired from a quarter; one already retired is retired from the quarter of
its date (what the Missions roll-up counted), and a retirement date without its quarter is refused."""

import pytest
from alembic import command
from sqlalchemy import text
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
    "INSERT INTO objective (id, mission_id, code, kind, title, justification, linkages, risks, position, retired_on) "
    "VALUES (1, 1, '1.1', 'mission', 'Current', '', '', '', 0, NULL)",
    # 15 October 2026 is in FY2027 Q1; 30 September 2026 is the last day of FY2026 Q4.
    "INSERT INTO objective (id, mission_id, code, kind, title, justification, linkages, risks, position, retired_on) "
    "VALUES (2, 1, '3.2', 'mission', 'Retired in October', '', '', '', 1, '2026-10-15')",
    "INSERT INTO objective (id, mission_id, code, kind, title, justification, linkages, risks, position, retired_on) "
    "VALUES (3, 1, '4.3', 'mission', 'Retired in September', '', '', '', 2, '2026-09-30')",
]
FY2027_Q1, FY2026_Q4 = 2027 * 4, 2026 * 4 + 3


def test_retired_objectives_are_retired_from_the_quarter_of_their_date(database_url: str) -> None:
    _to(database_url, "0012")
    engine = get_engine(database_url)
    with engine.begin() as connection:
        for statement in SEED:
            connection.execute(text(statement))
    _to(database_url, "0011")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, retired_from_qindex FROM objective ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, None), (2, FY2027_Q1), (3, FY2026_Q4)]
    with pytest.raises(IntegrityError), engine.begin() as connection:  # a date without its quarter
        connection.execute(text("UPDATE objective SET retired_on = '2026-11-01' WHERE id = 1"))
    with pytest.raises(IntegrityError), engine.begin() as connection:  # a quarter without its date
        connection.execute(text("UPDATE objective SET retired_from_qindex = 8108 WHERE id = 1"))
    _to(database_url, "0012", down=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, retired_on FROM objective ORDER BY id")).all()
    assert [str(r[1])[:10] if r[1] else None for r in rows] == [None, "2026-10-15", "2026-09-30"]
