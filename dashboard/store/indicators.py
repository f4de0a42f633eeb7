"""Indicator reads: reference sheets, targets and counted actuals of one mission (or, for Washington's roll-up,
of every mission or one bureau's), as frames.

A value reported with a status update counts while that update counts (its review state now is one of
``states``); a value reported on its own counts from when it is stored. The actual of a quarter is the newest
counted revision; a revision with no value ("not yet available") is an actual of none.
"""

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Engine, TextClause, bindparam, text

from dashboard.store.database import reading
from dashboard.store.queries import LATEST_REVIEW_SQL
from models.quarters import quarter_index_sql

SHEET_COLUMNS = [
    "indicator_id",
    "code",
    "objective_id",
    "objective_code",
    "goal_code",
    "name",
    "definition",
    "unit",
    "direction",
    "baseline",
    "baseline_fy",
    "frequency",
    "agency",
    "calculation",
    "data_source",
    "collection_method",
    "disaggregation",
    "data_quality",
    "established_on",
    "reviewed_on",
    "mission_id",
]


def _scope(
    mission_id: int | None, bureau: str | None, params: dict[str, object], missions: Sequence[int] | None = None
) -> str:
    """The objectives read (``o``): one mission's, one bureau's (``mission_id`` None) or every mission's; or, given
    ``missions``, those missions' (bound as the expanding ``missions``)."""
    if missions is not None:
        params["missions"] = list(missions)
        return "o.mission_id IN :missions"
    if mission_id is not None:
        params["mission_id"] = mission_id
        return "o.mission_id = :mission_id"
    if bureau is not None:
        params["bureau"] = bureau
        return "o.mission_id IN (SELECT m.id FROM mission m WHERE m.bureau = :bureau)"
    return "1 = 1"


def _frame(engine: Engine, sql: TextClause, params: dict[str, object], columns: list[str]) -> pd.DataFrame:
    with reading(engine) as connection:
        rows = [tuple(row) for row in connection.execute(sql, params)]  # plain tuples: quick to frame
    return pd.DataFrame(rows, columns=columns)


def sheets_statement(
    mission_id: int | None, bureau: str | None, params: dict[str, object], *, missions: Sequence[int] | None = None
) -> TextClause:
    """``sheets_frame``'s statement (shared with ``bench``, which times it raw); fills ``params``."""
    return _expanding(
        f"""
        SELECT i.id AS indicator_id, i.code, i.objective_id, o.code AS objective_code,
               COALESCE(g.code, 'M') AS goal_code, i.name, i.definition, i.unit, i.direction, i.baseline,
               i.baseline_fy, i.frequency, a.acronym AS agency, i.calculation, i.data_source, i.collection_method,
               i.disaggregation, i.data_quality, i.established_on, i.reviewed_on, o.mission_id
        FROM indicator i
        JOIN objective o ON o.id = i.objective_id
        LEFT JOIN goal g ON g.id = o.goal_id
        LEFT JOIN agency a ON a.id = i.agency_id
        WHERE {_scope(mission_id, bureau, params, missions)} AND o.retired_on IS NULL AND i.retired_on IS NULL
        ORDER BY o.mission_id, o.position, i.code, i.name
        """,
        missions,
    )


def _expanding(sql: str, missions: Sequence[int] | None) -> TextClause:
    statement = text(sql)
    return statement if missions is None else statement.bindparams(bindparam("missions", expanding=True))


def sheets_frame(engine: Engine, mission_id: int | None, *, bureau: str | None = None) -> pd.DataFrame:
    """The reference sheets of the mission's indicators in use (neither they nor their objective retired)."""
    params: dict[str, object] = {}
    return _frame(engine, sheets_statement(mission_id, bureau, params), params, SHEET_COLUMNS)


def targets_statement(
    mission_id: int | None,
    bureau: str | None,
    params: dict[str, object],
    *,
    missions: Sequence[int] | None = None,
    with_mission: bool = False,
) -> TextClause:
    return _expanding(
        f"""
        SELECT {"o.mission_id, " if with_mission else ""}t.indicator_id, t.fiscal_year, t.quarter, t.value
        FROM indicator_target t JOIN indicator i ON i.id = t.indicator_id JOIN objective o ON o.id = i.objective_id
        WHERE {_scope(mission_id, bureau, params, missions)}
        ORDER BY t.indicator_id, t.fiscal_year, t.quarter
        """,
        missions,
    )


def targets_frame(engine: Engine, mission_id: int | None, *, bureau: str | None = None) -> pd.DataFrame:
    """Every target of the mission's indicators: ``quarter`` 0 is a year's target, 1-4 an interim one."""
    params: dict[str, object] = {}
    columns = ["indicator_id", "fiscal_year", "quarter", "value"]
    return _frame(engine, targets_statement(mission_id, bureau, params), params, columns)


ACTUAL_COLUMNS = ["indicator_id", "fiscal_year", "quarter", "qindex", "value", "note", "revision", "author", "agency"]


def actuals_statement(
    mission_id: int | None,
    bureau: str | None,
    states: tuple[str, ...],
    quarter: tuple[int, int] | None,
    params: dict[str, object],
    *,
    missions: Sequence[int] | None = None,
) -> TextClause:
    params["states"] = list(states)
    only = ""
    if quarter is not None:
        params["fiscal_year"], params["quarter"] = quarter
        only = " AND v.fiscal_year = :fiscal_year AND v.quarter = :quarter"
    return text(
        f"""
        SELECT v.indicator_id, v.fiscal_year, v.quarter, {quarter_index_sql("v")} AS qindex, v.value, v.note,
               v.revision, v.author, a.acronym AS agency
        FROM (
            SELECT v.*, ROW_NUMBER() OVER (
                PARTITION BY v.indicator_id, v.fiscal_year, v.quarter ORDER BY v.revision DESC) AS rn
            FROM indicator_value v
            JOIN indicator i ON i.id = v.indicator_id
            JOIN objective o ON o.id = i.objective_id
            LEFT JOIN status_update su ON su.id = v.status_update_id
            LEFT JOIN ({LATEST_REVIEW_SQL}) re ON re.status_update_id = su.id
            WHERE {_scope(mission_id, bureau, params, missions)}{only}
              AND (v.status_update_id IS NULL OR COALESCE(re.decision, su.state) IN :states)
        ) v LEFT JOIN agency a ON a.id = v.agency_id
        WHERE v.rn = 1
        ORDER BY v.indicator_id, v.fiscal_year, v.quarter
        """
    ).bindparams(*(bindparam(name, expanding=True) for name in ("states", "missions")[: 1 + (missions is not None)]))


def actuals_frame(
    engine: Engine,
    mission_id: int | None,
    states: tuple[str, ...],
    *,
    bureau: str | None = None,
    quarter: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The newest counted value of each indicator and quarter (``value`` NaN: not yet available, see ``note``);
    only those of ``quarter`` (fiscal year, quarter), if given."""
    params: dict[str, object] = {}
    return _frame(engine, actuals_statement(mission_id, bureau, states, quarter, params), params, ACTUAL_COLUMNS)
