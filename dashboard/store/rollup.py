"""Washington's roll-up across missions, grouped in the database (SQLite and PostgreSQL alike).

Three reads, each one SQL statement:

* ``objective_quarters_frame``: one row per objective and quarter with counted reports. From the latest counted
  revision of each (objective, agency, quarter) update its agency owed in that quarter, the database groups
  the number of reports, the mean progress, the combined status (the overview's rule: Off track if any agency
  says so, else At risk, else Completed if all say so, else Not started if all say so, else On track) and the
  highest risk level. A million status entries become a few tens of thousands of rows.
* ``mission_expected_frame``: per mission, the (objective, agency) updates owed for a quarter.

Both read what is owed from ``sql.owed_sql``, the definition the mission's own pages read (effective-dated
roles, the first reporting quarter, retirement and the strategy's end), so a mission's row here and its overview
give the same figures.
* ``mission_goals_frame``: each mission's goal codes.

Everything else on the Missions page (the mission x goal matrix, completeness, hotspots, trends) is rolled up
from these two small frames by ``dashboard.domain.rollup``.
"""

import pandas as pd
from sqlalchemy import Engine, bindparam, text

from dashboard.store import closed_records
from dashboard.store.database import reading
from dashboard.store.queries import LATEST_REVIEW_SQL
from dashboard.store.sql import (
    combined_status_sql,
    goal_code_sql,
    owed_sql,
    quarter_index_sql,
    risk_of_rank_sql,
    risk_rank_sql,
    status_counts_sql,
)
from models.quarters import quarter_of_index
from models.scales import RECEIVED_STATES

OBJECTIVE_QUARTER_COLUMNS = [
    "mission_id",
    "bureau",
    "goal_code",
    "objective_id",
    "code",
    "title",
    "qindex",
    "reports",
    "progress",
    "status",
    "risk_level",
]
MISSION_COLUMNS = ["mission_id", "country", "post", "bureau", "due_days", "expected"]
GOAL_COLUMNS = ["mission_id", "goal_code"]
RISK_RANK_SQL = risk_rank_sql("su")


def mission_expected_sql(dialect: str) -> str:
    """Per mission, the (objective, agency) updates owed for the quarter ``:qindex`` (``sql.owed_sql``) and the
    mission's own due days; ``{scope}`` narrows the missions."""
    return f"""
        SELECT m.id AS mission_id, m.country, m.post, m.bureau, m.due_days, COUNT(ow.agency_id) AS expected
        FROM mission m
        LEFT JOIN ({owed_sql(dialect)}) ow
            ON ow.mission_id = m.id AND ow.from_qindex <= :qindex AND ow.until_qindex >= :qindex
        WHERE 1 = 1{{scope}}
        GROUP BY m.id, m.country, m.post, m.bureau, m.due_days
        ORDER BY m.country, m.id
    """


MISSION_GOALS_SQL = f"""
    SELECT DISTINCT m.id AS mission_id, {goal_code_sql("g")} AS goal_code
    FROM objective o JOIN mission m ON m.id = o.mission_id LEFT JOIN goal g ON g.id = o.goal_id
    WHERE 1 = 1{{scope}}
    ORDER BY m.id, {goal_code_sql("g")}
"""


def _mission_scope(bureau: str | None, params: dict[str, object]) -> str:
    if bureau is None:
        return ""
    params["bureau"] = bureau
    return " AND m.bureau = :bureau"


def objective_quarters_sql(
    bureau: str | None,
    params: dict[str, object],
    dialect: str,
    mission_id: int | None = None,
    *,
    missions: list[int] | None = None,
) -> str:
    """The grouped statement (shared with ``bench``, which times it raw). Reports are grouped per objective and
    quarter first; only those few rows are then joined to their objective, goal and mission. A report counts
    when its agency owed it in its quarter (``sql.owed_sql``), as on the mission's own pages."""
    scope = ""
    if missions is not None:  # several missions' rows (their quarters' records, closed together)
        params["missions"] = missions
        scope = " AND su.objective_id IN (SELECT o.id FROM objective o WHERE o.mission_id IN :missions)"
    elif mission_id is not None:  # one mission's rows (a quarter's record)
        params["mission_id"] = mission_id
        scope = " AND su.objective_id IN (SELECT o.id FROM objective o WHERE o.mission_id = :mission_id)"
    elif bureau is not None:
        params["bureau"] = bureau
        scope = (
            " AND su.objective_id IN (SELECT o.id FROM objective o JOIN mission m ON m.id = o.mission_id"
            " WHERE m.bureau = :bureau)"
        )
    return f"""
        SELECT m.id AS mission_id, m.bureau, {goal_code_sql("g")} AS goal_code, o.id AS objective_id,
               o.code, o.title, per.qindex, per.reports, per.progress,
               {combined_status_sql("per", "reports")} AS status,
               {risk_of_rank_sql("per.risk_rank")} AS risk_level
        FROM (
            SELECT su.objective_id, su.qindex, COUNT(*) AS reports, AVG(su.progress * 1.0) AS progress,
                   {status_counts_sql("su")},
                   MAX({RISK_RANK_SQL}) AS risk_rank
            FROM (
                SELECT su.objective_id, su.agency_id, su.status, su.progress, su.risk_level,
                       {quarter_index_sql("su")} AS qindex,
                       ROW_NUMBER() OVER (PARTITION BY su.objective_id, su.agency_id, su.fiscal_year, su.quarter
                                          ORDER BY su.revision DESC) AS rn
                FROM status_update su LEFT JOIN ({LATEST_REVIEW_SQL}) re ON re.status_update_id = su.id
                WHERE COALESCE(re.decision, su.state) IN :states
                  AND su.fiscal_year BETWEEN :first_year AND :last_year
                  AND {quarter_index_sql("su")} BETWEEN :first AND :last{scope}
            ) su
            JOIN ({owed_sql(dialect)}) ow
                ON ow.objective_id = su.objective_id AND ow.agency_id = su.agency_id
                AND su.qindex BETWEEN ow.from_qindex AND ow.until_qindex
            WHERE su.rn = 1
            GROUP BY su.objective_id, su.qindex
        ) per
        JOIN objective o ON o.id = per.objective_id
        JOIN mission m ON m.id = o.mission_id
        LEFT JOIN goal g ON g.id = o.goal_id
        ORDER BY m.id, o.id, per.qindex
    """


def objective_quarters_frame(
    engine: Engine,
    *,
    first_qindex: int,
    last_qindex: int,
    states: tuple[str, ...] = RECEIVED_STATES,
    bureau: str | None = None,
    mission_id: int | None = None,
) -> pd.DataFrame:
    """Per objective and quarter in ``[first_qindex, last_qindex]``: reports, mean progress, status, top risk
    (one mission's, one bureau's or every mission's); a closed quarter's rows come from its record."""
    params: dict[str, object] = {
        "states": list(states),
        "first": first_qindex,
        "last": last_qindex,
        "first_year": quarter_of_index(first_qindex)[0],
        "last_year": quarter_of_index(last_qindex)[0],
    }
    sql = text(objective_quarters_sql(bureau, params, engine.dialect.name, mission_id)).bindparams(
        bindparam("states", expanding=True)
    )
    with reading(engine) as connection:
        rows = connection.execute(sql, params).all()
        closed = closed_records.closed_figures(connection, bureau)
    frame = pd.DataFrame(rows, columns=OBJECTIVE_QUARTER_COLUMNS)
    # a closed quarter's rows are those its record holds
    wanted = {
        key: part
        for key, part in closed.items()
        if first_qindex <= key[1] <= last_qindex and mission_id in (None, key[0])
    }
    if wanted:
        drop = pd.Series(False, index=frame.index)
        kept = []
        for (mission_id, qindex), part in wanted.items():
            drop |= (frame["mission_id"] == mission_id) & (frame["qindex"] == qindex)
            rows_of = closed_records.frame_of(part["rollup"])
            kept.append(rows_of.assign(bureau=part["bureau"])[OBJECTIVE_QUARTER_COLUMNS])
        parts = [p for p in [frame[~drop], *kept] if not p.empty]
        frame = pd.concat(parts, ignore_index=True) if parts else frame.iloc[0:0]
        frame = frame.sort_values(["mission_id", "objective_id", "qindex"], kind="stable").reset_index(drop=True)
    frame["progress"] = frame["progress"].astype(float)
    frame["reports"] = frame["reports"].astype(int)
    return frame


def mission_expected_frame(engine: Engine, *, qindex: int, bureau: str | None = None) -> pd.DataFrame:
    """Every mission (in ``bureau``, if given) with the number of (objective, agency) updates owed for the quarter
    with index ``qindex``, by the same rule as the mission's own pages (``sql.owed_sql``), and the mission's own
    due days (None: the deployment's)."""
    params: dict[str, object] = {"qindex": qindex}
    sql = text(mission_expected_sql(engine.dialect.name).format(scope=_mission_scope(bureau, params)))
    with reading(engine) as connection:
        rows = connection.execute(sql, params).all()
        closed = closed_records.closed_figures(connection, bureau)
    frame = pd.DataFrame(rows, columns=MISSION_COLUMNS)
    owed = {mission_id: part["expected"] for (mission_id, q), part in closed.items() if q == qindex}
    if owed:  # a closed quarter owes what its record says
        frame["expected"] = [owed.get(m, e) for m, e in zip(frame["mission_id"], frame["expected"], strict=True)]
    frame["expected"] = frame["expected"].astype(int)
    frame["due_days"] = frame["due_days"].astype(object)
    return frame


def mission_goals_frame(engine: Engine, *, bureau: str | None = None) -> pd.DataFrame:
    """Each mission's goal codes ("M" for management objectives), for the mission x goal matrix."""
    params: dict[str, object] = {}
    sql = text(MISSION_GOALS_SQL.format(scope=_mission_scope(bureau, params)))
    with reading(engine) as connection:
        return pd.DataFrame(connection.execute(sql, params).all(), columns=GOAL_COLUMNS)
