"""Read-only queries that return DataFrames. No Streamlit here; callers cache."""

import pandas as pd
from sqlalchemy import Engine, bindparam, func, text
from sqlmodel import Session, col, select

from dashboard.store import closed_records
from dashboard.store.database import read_session, reading
from dashboard.store.sql import goal_code_sql, owed_sql, quarter_index_sql
from models import Goal, Mission, Objective, StatusUpdate, UpdateDraft
from models.fields import NARRATIVE_FIELDS
from models.quarters import quarter_index, quarter_label
from models.scales import MANAGEMENT_GOAL_CODE, MANAGEMENT_GOAL_NAME, RECEIVED_STATES, AgencyRole
from models.tables import OPEN_END

MISSION_COLUMNS = [
    "mission_id",
    "country",
    "post",
    "strategy_start",
    "strategy_end",
    "approved_on",
    "updated_on",
    "bureau",
    "is_default",
    "due_days",
]


def missions_frame(engine: Engine) -> pd.DataFrame:
    """Every mission by country, with its bureau, whether visitors open on it (``is_default``: only the flag an
    admin set; see ``domain.opening.default_mission``) and its own due days (None: the deployment's)."""
    with Session(engine) as session:
        rows = session.exec(select(Mission).order_by(Mission.country)).all()
        values = [[getattr(m, c) for c in ("id", *MISSION_COLUMNS[1:])] for m in rows]
    frame = pd.DataFrame(values, columns=MISSION_COLUMNS)
    frame["due_days"] = pd.Series([m.due_days for m in rows], dtype=object)  # None stays None, not NaN
    return frame


STRATEGY_COLUMNS = [
    "goal_code",
    "goal_title",
    "goal_description",
    "objective_id",
    "code",
    "kind",
    "title",
    "justification",
    "linkages",
    "risks",
]


def strategy_frame(engine: Engine, mission_id: int) -> pd.DataFrame:
    """One row per current objective (retired ones left out), in document order, with its goal; management last."""
    with Session(engine) as session:
        goals = {g.id: g for g in session.exec(select(Goal).where(Goal.mission_id == mission_id))}
        objectives = session.exec(
            select(Objective)
            .where(Objective.mission_id == mission_id, col(Objective.retired_on).is_(None))
            .order_by(Objective.position)
        ).all()
        rows = []
        for o in objectives:
            goal = goals.get(o.goal_id) if o.goal_id is not None else None
            rows.append(
                {
                    "goal_code": goal.code if goal else MANAGEMENT_GOAL_CODE,
                    "goal_title": goal.title if goal else MANAGEMENT_GOAL_NAME,
                    "goal_description": goal.description if goal else "",
                    "objective_id": o.id,
                    "code": o.code,
                    "kind": o.kind,
                    "title": o.title,
                    "justification": o.justification,
                    "linkages": o.linkages,
                    "risks": o.risks,
                }
            )
        return pd.DataFrame(rows, columns=STRATEGY_COLUMNS)


def demo_rows_by_mission(engine: Engine) -> dict[int, int]:
    """Mission id -> how many of its stored status updates are generated demo examples (missions with none left out)."""
    with Session(engine) as session:
        rows = session.exec(
            select(Objective.mission_id, func.count())
            .select_from(StatusUpdate)
            .join(Objective, col(Objective.id) == StatusUpdate.objective_id)
            .where(StatusUpdate.is_demo)
            .group_by(Objective.mission_id)
        ).all()
    return {int(mission_id): int(count) for mission_id, count in rows}


_NAMES = {"management": MANAGEMENT_GOAL_NAME, "lead": AgencyRole.LEAD.value}
EXPECTED_COLUMNS = [
    "objective_id",
    "code",
    "kind",
    "objective_title",
    "position",
    "goal_code",
    "goal_title",
    "agency_id",
    "agency",
    "role",
    "working_group_id",
    "working_group",
    "from_qindex",
    "until_qindex",
]


def _group_spans(
    groups: list[tuple[int, str, int, int]], start: int, end: int
) -> list[tuple[int, int, int | None, str | None]]:
    """Split ``start..end`` where the objective's working group changes; ``groups`` = (id, name, from, until).

    In each piece the group is the lowest-numbered one covering it (as before effective dating), or None.
    """
    cuts = sorted(
        {start} | {g[2] for g in groups if start < g[2] <= end} | {g[3] + 1 for g in groups if start <= g[3] < end}
    )
    pieces: list[tuple[int, int, int | None, str | None]] = []
    for i, first in enumerate(cuts):
        last = cuts[i + 1] - 1 if i + 1 < len(cuts) else end
        covering = sorted(g for g in groups if g[2] <= first and g[3] >= first)
        group_id, name = (covering[0][0], covering[0][1]) if covering else (None, None)
        if pieces and pieces[-1][2] == group_id:
            pieces[-1] = (pieces[-1][0], last, group_id, name)
        else:
            pieces.append((first, last, group_id, name))
    return pieces


def expected_frame(engine: Engine, mission_id: int) -> pd.DataFrame:
    """Every (objective, agency) pair that owes an update, with the quarters it owes them in (``sql.owed_sql``).

    One row per pair and range: ``from_qindex``..``until_qindex`` (inclusive FiscalQuarter indexes), split where
    the objective's working group changes. Count a quarter's figures over
    ``dashboard.domain.effective.in_effect(frame, quarter)`` only. A role owes nothing before the mission's first
    reporting quarter, after the strategy's last quarter, or from the quarter its objective was retired from (a
    retired objective keeps its history: see ``retired_history``).
    """
    pairs_sql = text(
        f"""
        SELECT o.id AS objective_id, o.code, o.kind, o.title AS objective_title, o.position,
               {goal_code_sql("g")} AS goal_code, COALESCE(g.title, :management) AS goal_title,
               a.id AS agency_id, a.acronym AS agency, ow.role, ow.from_qindex, ow.until_qindex
        FROM ({owed_sql(engine.dialect.name, "o.mission_id = :mission_id")}) ow
        JOIN objective o ON o.id = ow.objective_id
        JOIN agency a ON a.id = ow.agency_id
        LEFT JOIN goal g ON g.id = o.goal_id
        WHERE ow.mission_id = :mission_id
        ORDER BY o.position, CASE ow.role WHEN :lead THEN 0 ELSE 1 END, a.acronym, ow.from_qindex
        """
    )
    groups_sql = text(
        """
        SELECT wgo.objective_id, wg.id, wg.name, wgo.from_qindex, wgo.until_qindex
        FROM working_group_objective wgo JOIN working_group wg ON wg.id = wgo.working_group_id
        WHERE wg.mission_id = :mission_id
        """
    )
    with reading(engine) as connection:
        pairs = connection.execute(pairs_sql, {"mission_id": mission_id, **_NAMES}).mappings().all()
        group_rows = connection.execute(groups_sql, {"mission_id": mission_id}).all()
    groups: dict[int, list[tuple[int, str, int, int]]] = {}
    for objective_id, group_id, name, start, until in group_rows:
        groups.setdefault(objective_id, []).append((group_id, name, start, OPEN_END if until is None else until))
    rows = []
    for pair in pairs:
        spans = _group_spans(groups.get(pair["objective_id"], []), pair["from_qindex"], pair["until_qindex"])
        for first, last, group_id, name in spans:
            rows.append(
                {
                    **pair,
                    "working_group_id": group_id,
                    "working_group": name,
                    "from_qindex": first,
                    "until_qindex": last,
                }
            )
    frame = pd.DataFrame(rows, columns=EXPECTED_COLUMNS)
    frame["working_group"] = frame["working_group"].fillna("(no working group)")
    frame["from_qindex"] = frame["from_qindex"].astype(int)
    frame["until_qindex"] = frame["until_qindex"].astype(int)
    # a closed quarter owes what its record says, with the texts as they stood when it closed
    records = closed_records.records_of(engine, mission_id)
    return closed_records.overlay_expected(frame.reset_index(drop=True), records)


UPDATE_COLUMNS = [
    "id",
    "objective_id",
    "agency_id",
    "fiscal_year",
    "quarter",
    "qindex",
    "status",
    "progress",
    "risk_level",
    "revision",
    "author",
    "created_at",
    "is_demo",
]


# The newest review decision of each stored revision (one row per reviewed revision).
LATEST_REVIEW_SQL = """
    SELECT status_update_id, decision, comment, reviewer FROM (
        SELECT r.*, ROW_NUMBER() OVER (PARTITION BY r.status_update_id ORDER BY r.id DESC) AS review_rank
        FROM review_event r
    ) ranked WHERE review_rank = 1
"""


def updates_frame(
    engine: Engine,
    mission_id: int,
    *,
    first_qindex: int | None = None,
    last_qindex: int | None = None,
    states: tuple[str, ...] = RECEIVED_STATES,
    objective_id: int | None = None,
    agency_id: int | None = None,
    narratives: bool = False,
) -> pd.DataFrame:
    """The latest counted revision of each (objective, agency, quarter) update of a mission.

    ``qindex`` is the quarter index (``models.quarters``). Only rows
    whose state now (the newest review decision, else the stored state) is in ``states`` count,
    so a returned or not-yet-approved revision falls back to the last counted one.
    """
    columns = UPDATE_COLUMNS + (list(NARRATIVE_FIELDS) if narratives else [])
    selected = ", ".join(f"su.{c}" for c in columns if c != "qindex")
    where = ["o.mission_id = :mission_id", "su.effective_state IN :states"]
    params: dict[str, object] = {"mission_id": mission_id, "states": list(states)}
    if first_qindex is not None:
        where.append(f"{quarter_index_sql('su')} >= :first")
        params["first"] = first_qindex
    if last_qindex is not None:
        where.append(f"{quarter_index_sql('su')} <= :last")
        params["last"] = last_qindex
    if objective_id is not None:
        where.append("su.objective_id = :objective_id")
        params["objective_id"] = objective_id
    if agency_id is not None:
        where.append("su.agency_id = :agency_id")
        params["agency_id"] = agency_id
    sql = text(
        f"""
        SELECT {selected}, {quarter_index_sql("su")} AS qindex FROM (
            SELECT su.*, ROW_NUMBER() OVER (
                PARTITION BY su.objective_id, su.agency_id, su.fiscal_year, su.quarter
                ORDER BY su.revision DESC) AS rn
            FROM (
                SELECT su.*, COALESCE(re.decision, su.state) AS effective_state
                FROM status_update su LEFT JOIN ({LATEST_REVIEW_SQL}) re ON re.status_update_id = su.id
            ) su JOIN objective o ON o.id = su.objective_id
            WHERE {" AND ".join(where)}
        ) su WHERE su.rn = 1
        """
    ).bindparams(bindparam("states", expanding=True))
    with reading(engine) as connection:
        rows = connection.execute(sql, params).mappings().all()
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        frame["is_demo"] = frame["is_demo"].astype(bool)
        frame["progress"] = frame["progress"].astype(int)
    # a closed quarter's counted updates are those its record holds
    records = closed_records.records_of(engine, mission_id)
    return closed_records.overlay_updates(
        frame,
        records,
        first_qindex=first_qindex,
        last_qindex=last_qindex,
        objective_id=objective_id,
        agency_id=agency_id,
    )


def indicators_frame(engine: Engine, objective_ids: list[int]) -> pd.DataFrame:
    """Indicators of the given objectives with each quarter's value (its newest revision; NaN value if none yet)."""
    columns = [
        "indicator_id",
        "objective_id",
        "name",
        "unit",
        "baseline",
        "target",
        "direction",
        "fiscal_year",
        "quarter",
        "value",
    ]
    if not objective_ids:
        return pd.DataFrame(columns=columns)
    sql = text(
        """
        SELECT i.id AS indicator_id, i.objective_id, i.name, i.unit, i.baseline, i.target, i.direction,
               v.fiscal_year, v.quarter, v.value
        FROM indicator i LEFT JOIN (
            SELECT v.*, ROW_NUMBER() OVER (
                PARTITION BY v.indicator_id, v.fiscal_year, v.quarter ORDER BY v.revision DESC) AS rn
            FROM indicator_value v
        ) v ON v.indicator_id = i.id AND v.rn = 1
        WHERE i.objective_id IN :ids
        ORDER BY i.objective_id, i.name, v.fiscal_year, v.quarter
        """
    ).bindparams(bindparam("ids", expanding=True))
    with reading(engine) as connection:
        rows = connection.execute(sql, {"ids": objective_ids}).mappings().all()
    return pd.DataFrame(rows, columns=columns)


SUBMISSION_COLUMNS = [
    "status_update_id",
    "objective_id",
    "agency_id",
    "fiscal_year",
    "quarter",
    "revision",
    "state",
    "status",
    "progress",
    "risk_level",
    "author",
    "created_at",
    "review_comment",
    "reviewer",
    "is_demo",
]


def submissions_frame(engine: Engine, mission_id: int) -> pd.DataFrame:
    """The newest revision of every update of a mission, whatever its state, with the last review decision.

    This is what the tracker, the review queue and the to-do list work from (the dashboard's
    ``updates_frame`` only keeps counted states).
    """
    sql = text(
        f"""
        SELECT su.id AS status_update_id, su.objective_id, su.agency_id, su.fiscal_year, su.quarter, su.revision,
               COALESCE(re.decision, su.state) AS state, su.status, su.progress, su.risk_level, su.author,
               su.created_at, COALESCE(re.comment, '') AS review_comment, COALESCE(re.reviewer, '') AS reviewer,
               su.is_demo
        FROM (
            SELECT su.*, ROW_NUMBER() OVER (
                PARTITION BY su.objective_id, su.agency_id, su.fiscal_year, su.quarter ORDER BY su.revision DESC) AS rn
            FROM status_update su JOIN objective o ON o.id = su.objective_id
            WHERE o.mission_id = :mission_id
        ) su LEFT JOIN ({LATEST_REVIEW_SQL}) re ON re.status_update_id = su.id
        WHERE su.rn = 1
        """
    )
    with reading(engine) as connection:
        rows = connection.execute(sql, {"mission_id": mission_id}).mappings().all()
    frame = pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)
    if not frame.empty:
        frame["qindex"] = quarter_index(frame["fiscal_year"], frame["quarter"])
        frame["is_demo"] = frame["is_demo"].astype(bool)
    else:
        frame["qindex"] = pd.Series(dtype=int)
    return frame


DRAFT_COLUMNS = ["objective_id", "agency_id", "fiscal_year", "quarter", "draft_saved"]


def drafts_frame(engine: Engine, agency_ids: frozenset[int], mission_id: int) -> pd.DataFrame:
    """The saved drafts of ``agency_ids`` in a mission, each with the moment it was saved (UTC, aware).

    Drafts are work in progress for their agency: read for that agency's own to-do list only, and never cached.
    """
    with read_session(engine) as session:
        rows = session.exec(
            select(
                UpdateDraft.objective_id,
                UpdateDraft.agency_id,
                UpdateDraft.fiscal_year,
                UpdateDraft.quarter,
                UpdateDraft.saved_at,
            )
            .join(Objective, col(Objective.id) == UpdateDraft.objective_id)
            .where(Objective.mission_id == mission_id, col(UpdateDraft.agency_id).in_(agency_ids or {-1}))
        ).all()
    frame = pd.DataFrame(rows, columns=DRAFT_COLUMNS)
    frame["draft_saved"] = pd.to_datetime(frame["draft_saved"], utc=True)  # SQLite hands back naive UTC
    return frame


def reporting_pairs(engine: Engine, agency_ids: frozenset[int], mission_id: int) -> pd.DataFrame:
    """The (objective, agency) pairs of ``agency_ids`` in a mission that owe an update in some quarter
    (``sql.owed_sql``), in strategy order, each once with its latest role."""
    sql = text(
        f"""
        SELECT o.id AS objective_id, o.code, o.title, a.id AS agency_id, a.acronym AS agency, ow.role
        FROM ({owed_sql(engine.dialect.name, "o.mission_id = :mission_id")}) ow
        JOIN objective o ON o.id = ow.objective_id
        JOIN agency a ON a.id = ow.agency_id
        WHERE ow.mission_id = :mission_id AND ow.agency_id IN :agency_ids
        ORDER BY o.position, a.acronym, ow.from_qindex DESC
        """
    ).bindparams(bindparam("agency_ids", expanding=True))
    with reading(engine) as connection:
        rows = connection.execute(sql, {"mission_id": mission_id, "agency_ids": sorted(agency_ids) or [-1]}).all()
    frame = pd.DataFrame(rows, columns=["objective_id", "code", "title", "agency_id", "agency", "role"])
    # Roles are effective-dated: one row per pair, with its latest role.
    return frame.drop_duplicates(["objective_id", "agency_id"]).reset_index(drop=True)


def mission_row(engine: Engine, mission_id: int) -> Mission:
    with read_session(engine) as session:
        found = session.get(Mission, mission_id)
    assert found is not None
    return found


RETIRED_COLUMNS = [
    "code",
    "owed_until",
    "title",
    "retired_on",
    "fiscal_year",
    "quarter",
    "agency",
    "status",
    "progress",
    "revision",
]


def retired_history(engine: Engine, mission_id: int) -> pd.DataFrame:
    """Every stored status update of the mission's retired objectives, so their history stays readable, with the
    last quarter each owed updates (``owed_until``, "FY2026 Q3": the quarter before it was retired from)."""
    sql = text(
        """
        SELECT o.code, o.title, o.retired_on, o.retired_from_qindex, su.fiscal_year, su.quarter,
               a.acronym AS agency, su.status, su.progress, su.revision
        FROM objective o
        LEFT JOIN status_update su ON su.objective_id = o.id
        LEFT JOIN agency a ON a.id = su.agency_id
        WHERE o.mission_id = :mission_id AND o.retired_on IS NOT NULL
        ORDER BY o.position, su.fiscal_year, su.quarter, a.acronym, su.revision
        """
    )
    with reading(engine) as connection:
        rows = connection.execute(sql, {"mission_id": mission_id}).mappings().all()
    frame = pd.DataFrame(rows, columns=[*RETIRED_COLUMNS, "retired_from_qindex"])
    frame["owed_until"] = [quarter_label(int(q) - 1) for q in frame["retired_from_qindex"]]
    return frame[RETIRED_COLUMNS]


# Every write the app or the command line makes adds a row to one of these tables (stored records and the audit
# log are append-only) or changes a draft, so together they change whenever the data does.
DATA_VERSION_SQL = """
    SELECT (SELECT MAX(id) FROM status_update), (SELECT MAX(id) FROM review_event),
           (SELECT MAX(id) FROM indicator_value), (SELECT MAX(id) FROM audit_log),
           (SELECT COUNT(*) FROM update_draft), (SELECT MAX(saved_at) FROM update_draft)
"""


def data_version(engine: Engine) -> tuple[object, ...]:
    """A cheap fingerprint of the data: the newest id of each append-only table and the drafts' count and newest
    save. Any write, from this process, another replica or the command line, changes it. Reads index ends only."""
    with reading(engine) as connection:
        row = connection.execute(text(DATA_VERSION_SQL)).one()
    return tuple(str(value) if value is not None else None for value in row)
