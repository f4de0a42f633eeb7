"""The reads a quarter's records are built from, for many missions at once: each kind of row read once, in one
statement, for every mission closed together (``views.quarter_records``). Rows come back as plain tuples with
the mission they belong to, in each mission's own order (the order the one-mission reads give).

The statements are those of ``queries``, ``rollup`` and ``indicators``, scoped to a list of missions.
"""

from collections.abc import Sequence

from sqlalchemy import Connection, TextClause, bindparam, text

from dashboard.store import indicators, rollup
from dashboard.store.queries import _NAMES, LATEST_REVIEW_SQL, UPDATE_COLUMNS
from dashboard.store.sql import goal_code_sql, owed_sql, quarter_index_sql
from models.fields import NARRATIVE_FIELDS
from models.quarters import quarter_of_index
from models.scales import MANAGEMENT_GOAL_CODE, MANAGEMENT_GOAL_NAME

Rows = list[tuple]


def _run(connection: Connection, sql: str, params: dict[str, object], *expanding: str) -> Rows:
    statement = text(sql).bindparams(*(bindparam(name, expanding=True) for name in expanding))
    return _tuples(connection, statement, params)


def _tuples(connection: Connection, statement: TextClause, params: dict[str, object]) -> Rows:
    """Every row at once, as the driver hands them out (a textual statement's values pass through no type
    processing, so they are what its result's rows would hold), as plain tuples."""
    result = connection.execute(statement, params)
    try:
        return list(map(tuple, result.cursor.fetchall()))  # type: ignore[attr-defined]
    finally:
        result.close()


def missions(connection: Connection, ids: Sequence[int]) -> Rows:
    """(id, country, post, bureau, strategy_start, strategy_end) of each mission."""
    sql = "SELECT id, country, post, bureau, strategy_start, strategy_end FROM mission WHERE id IN :ids ORDER BY id"
    return _run(connection, sql, {"ids": list(ids)}, "ids")


def owed_pairs(connection: Connection, ids: Sequence[int]) -> Rows:
    """``queries.expected_frame``'s pairs, with the mission first: (mission_id, objective_id, code, kind,
    objective_title, position, goal_code, goal_title, agency_id, agency, role, from_qindex, until_qindex)."""
    dialect = connection.dialect.name
    sql = f"""
        SELECT ow.mission_id, o.id AS objective_id, o.code, o.kind, o.title AS objective_title, o.position,
               {goal_code_sql("g")} AS goal_code, COALESCE(g.title, :management) AS goal_title,
               a.id AS agency_id, a.acronym AS agency, ow.role, ow.from_qindex, ow.until_qindex
        FROM ({owed_sql(dialect, "o.mission_id IN :ids")}) ow
        JOIN objective o ON o.id = ow.objective_id
        JOIN agency a ON a.id = ow.agency_id
        LEFT JOIN goal g ON g.id = o.goal_id
        ORDER BY ow.mission_id, o.position, CASE ow.role WHEN :lead THEN 0 ELSE 1 END, a.acronym, ow.from_qindex
    """
    return _run(connection, sql, {"ids": list(ids), **_NAMES}, "ids")


def group_rows(connection: Connection, ids: Sequence[int]) -> Rows:
    """(objective_id, working_group_id, name, from_qindex, until_qindex) of the missions' working groups."""
    sql = """
        SELECT wgo.objective_id, wg.id, wg.name, wgo.from_qindex, wgo.until_qindex
        FROM working_group_objective wgo JOIN working_group wg ON wg.id = wgo.working_group_id
        WHERE wg.mission_id IN :ids
    """
    return _run(connection, sql, {"ids": list(ids)}, "ids")


UPDATE_FIELDS = [*UPDATE_COLUMNS, *NARRATIVE_FIELDS]


def updates(connection: Connection, ids: Sequence[int], first: int, last: int, states: tuple[str, ...]) -> Rows:
    """``queries.updates_frame(narratives=True)``'s rows for quarters ``first``..``last``, with the mission first:
    (mission_id, *UPDATE_FIELDS), by mission, quarter, objective and agency."""
    selected = ", ".join(f"su.{c}" if c != "qindex" else f"{quarter_index_sql('su')} AS qindex" for c in UPDATE_FIELDS)
    sql = f"""
        SELECT su.mission_id, {selected} FROM (
            SELECT su.*, o.mission_id, ROW_NUMBER() OVER (
                PARTITION BY su.objective_id, su.agency_id, su.fiscal_year, su.quarter
                ORDER BY su.revision DESC) AS rn
            FROM (
                SELECT su.*, COALESCE(re.decision, su.state) AS effective_state
                FROM status_update su LEFT JOIN ({LATEST_REVIEW_SQL}) re ON re.status_update_id = su.id
            ) su JOIN objective o ON o.id = su.objective_id
            WHERE o.mission_id IN :ids AND su.effective_state IN :states
              AND {quarter_index_sql("su")} >= :first AND {quarter_index_sql("su")} <= :last
        ) su WHERE su.rn = 1
        ORDER BY su.mission_id, {quarter_index_sql("su")}, su.objective_id, su.agency_id
    """
    params = {"ids": list(ids), "states": list(states), "first": first, "last": last}
    return _run(connection, sql, params, "ids", "states")


def rollup_rows(connection: Connection, ids: Sequence[int], qindex: int, states: tuple[str, ...]) -> Rows:
    """``rollup.objective_quarters_frame``'s rows of one quarter for the missions (``OBJECTIVE_QUARTER_COLUMNS``)."""
    year = quarter_of_index(qindex)[0]
    params: dict[str, object] = {"states": list(states), "first": qindex, "last": qindex}
    params |= {"first_year": year, "last_year": year}
    sql = rollup.objective_quarters_sql(None, params, connection.dialect.name, missions=list(ids))
    return _run(connection, sql, params, "states", "missions")


def sheets(connection: Connection, ids: Sequence[int]) -> Rows:
    params: dict[str, object] = {}
    statement = indicators.sheets_statement(None, None, params, missions=ids)
    return _tuples(connection, statement, params)


def targets(connection: Connection, ids: Sequence[int]) -> Rows:
    """(mission_id, indicator_id, fiscal_year, quarter, value)."""
    params: dict[str, object] = {}
    statement = indicators.targets_statement(None, None, params, missions=ids, with_mission=True)
    return _tuples(connection, statement, params)


def actuals(connection: Connection, ids: Sequence[int], states: tuple[str, ...], quarter: tuple[int, int]) -> Rows:
    params: dict[str, object] = {}
    statement = indicators.actuals_statement(None, None, states, quarter, params, missions=ids)
    return _tuples(connection, statement, params)


def strategy(connection: Connection, ids: Sequence[int]) -> Rows:
    """``queries.strategy_frame``'s rows with the mission first: (mission_id, *STRATEGY_COLUMNS)."""
    sql = """
        SELECT o.mission_id, COALESCE(g.code, :management_code), COALESCE(g.title, :management_name),
               CASE WHEN g.id IS NULL THEN '' ELSE g.description END, o.id, o.code, o.kind, o.title,
               o.justification, o.linkages, o.risks
        FROM objective o LEFT JOIN goal g ON g.id = o.goal_id
        WHERE o.mission_id IN :ids AND o.retired_on IS NULL
        ORDER BY o.mission_id, o.position, o.id
    """
    params = {"ids": list(ids), "management_code": MANAGEMENT_GOAL_CODE, "management_name": MANAGEMENT_GOAL_NAME}
    return _run(connection, sql, params, "ids")


def drafts(connection: Connection, ids: Sequence[int], quarter: tuple[int, int]) -> dict[int, int]:
    """Mission -> how many drafts it has for the quarter."""
    sql = """
        SELECT o.mission_id, COUNT(*) FROM update_draft d JOIN objective o ON o.id = d.objective_id
        WHERE o.mission_id IN :ids AND d.fiscal_year = :fiscal_year AND d.quarter = :quarter GROUP BY o.mission_id
    """
    params = {"ids": list(ids), "fiscal_year": quarter[0], "quarter": quarter[1]}
    return {int(m): int(n) for m, n in _run(connection, sql, params, "ids")}


def closed_events(connection: Connection, ids: Sequence[int]) -> Rows:
    """(mission_id, qindex, action) of each of the missions' quarters' newest event (no records)."""
    sql = f"""
        SELECT c.mission_id, {quarter_index_sql("c")}, c.action FROM quarter_close c
        WHERE c.id IN (SELECT MAX(d.id) FROM quarter_close d WHERE d.mission_id IN :ids
                       GROUP BY d.mission_id, d.fiscal_year, d.quarter)
    """
    return _run(connection, sql, {"ids": list(ids)}, "ids")
