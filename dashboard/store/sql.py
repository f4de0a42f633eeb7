"""SQL fragments derived from the vocabulary and the quarter index, so the statements in ``queries`` and
``rollup`` never spell a status, a risk level, the quarter arithmetic or the management stand-in themselves.

``owed_sql`` is the one definition of what is owed: every page's expected, received and missing figures, the
Missions roll-up, the spreadsheet template and the check on who may submit read it.
"""

from models.quarters import QUARTERS_PER_YEAR, quarter_index_sql
from models.scales import MANAGEMENT_GOAL_CODE, RiskLevel, Status

__all__ = [
    "combined_status_sql",
    "first_reporting_qindex_sql",
    "goal_code_sql",
    "owed_sql",
    "quarter_index_sql",
    "risk_of_rank_sql",
    "risk_rank_sql",
    "status_counts_sql",
]


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def goal_code_sql(goal_alias: str) -> str:
    """An objective's goal code, with management objectives (no goal) under the management stand-in."""
    return f"COALESCE({goal_alias}.code, {_quoted(MANAGEMENT_GOAL_CODE)})"


def _count_column(status: Status) -> str:
    return f"n_{status.name.lower()}"


def status_counts_sql(alias: str) -> str:
    """One ``SUM(...) AS n_<status>`` column per status: how many of a group's reports say it."""
    return ",\n".join(
        f"SUM(CASE {alias}.status WHEN {_quoted(s.value)} THEN 1 ELSE 0 END) AS {_count_column(s)}" for s in Status
    )


def combined_status_sql(alias: str, reports: str) -> str:
    """``models.scales.combine_status`` in SQL over ``status_counts_sql``'s columns: the worst troubled status any
    report says; else the status every report shares; else On track."""
    troubled = sorted((s for s in Status if s.troubled), key=lambda s: -s.severity)
    shared = [s for s in Status if not s.troubled]
    cases = [f"WHEN {alias}.{_count_column(s)} > 0 THEN {_quoted(s.value)}" for s in troubled]
    cases += [f"WHEN {alias}.{_count_column(s)} = {alias}.{reports} THEN {_quoted(s.value)}" for s in shared]
    return "CASE " + " ".join(cases) + f" ELSE {_quoted(Status.ON_TRACK.value)} END"


def risk_rank_sql(alias: str) -> str:
    """A risk level's rank (``RiskLevel.order``), so the highest can be taken with MAX."""
    return (
        "CASE " + " ".join(f"WHEN {alias}.risk_level = {_quoted(r.value)} THEN {r.order}" for r in RiskLevel) + " END"
    )


def risk_of_rank_sql(rank: str) -> str:
    """The risk level of a rank from ``risk_rank_sql``."""
    return "CASE " + " ".join(f"WHEN {rank} = {r.order} THEN {_quoted(r.value)}" for r in RiskLevel) + " END"


# The fiscal year starts in October (``FiscalQuarter.containing``).
FISCAL_YEAR_START_MONTH = 10


def _date_part_sql(part: str, column: str, dialect: str) -> str:
    """The year or month of a DATE column as an integer: SQLite keeps dates as ISO text, PostgreSQL as dates."""
    if dialect == "sqlite":
        return f"CAST(strftime('{'%Y' if part == 'year' else '%m'}', {column}) AS INTEGER)"
    return f"CAST(EXTRACT({part.upper()} FROM {column}) AS INTEGER)"


def _quarter_of_date_sql(column: str, dialect: str) -> str:
    """The quarter index of the fiscal quarter a date falls in (``FiscalQuarter.containing(day).index``)."""
    year, month = _date_part_sql("year", column, dialect), _date_part_sql("month", column, dialect)
    n = QUARTERS_PER_YEAR
    return (
        f"CASE WHEN {month} >= {FISCAL_YEAR_START_MONTH} THEN ({year} + 1) * {n} "
        f"ELSE {year} * {n} + ({month} - 1) / 3 + 1 END"
    )


def _greater(a: str, b: str) -> str:
    return f"CASE WHEN {a} > {b} THEN {a} ELSE {b} END"


def _lesser(a: str, b: str) -> str:
    return f"CASE WHEN {a} < {b} THEN {a} ELSE {b} END"


def first_reporting_qindex_sql(mission: str, dialect: str) -> str:
    """``reporting.first_reporting_quarter`` in SQL, as a quarter index, for the mission row ``mission``: the
    stored first reporting quarter, else the quarter after approval, else the strategy's first quarter; never
    before the strategy's first quarter. ``dialect`` is the engine's (``sqlite`` or ``postgresql``)."""
    floor = f"{mission}.strategy_start * {QUARTERS_PER_YEAR}"
    chosen = (
        f"CASE WHEN {mission}.reporting_from_fy IS NOT NULL AND {mission}.reporting_from_quarter IS NOT NULL "
        f"THEN {mission}.reporting_from_fy * {QUARTERS_PER_YEAR} + {mission}.reporting_from_quarter - 1 "
        f"WHEN {mission}.approved_on IS NOT NULL THEN {_quarter_of_date_sql(f'{mission}.approved_on', dialect)} + 1 "
        f"ELSE {floor} END"
    )
    return _greater(f"({chosen})", floor)


def owed_sql(dialect: str, where: str = "") -> str:
    """What is owed, as a SELECT to join: one row per (objective, agency) role and the quarters it owes an update in.

    Columns: ``mission_id``, ``objective_id``, ``agency_id``, ``role``, ``from_qindex`` and ``until_qindex``
    (inclusive quarter indexes, never NULL). A role owes from its own first quarter or the mission's first
    reporting quarter, whichever is later, to its own last quarter, the quarter before the objective was retired
    from, or the strategy's last quarter, whichever is earliest; a role left with no quarter is not listed.
    An agency's ranges on one objective never overlap (Admin closes one where the next begins), so a quarter's
    owed updates are the rows with ``from_qindex <= q <= until_qindex``, each pair once.

    ``where`` narrows the roles first (a condition on ``o``, the objective, or ``oa``, the role; e.g.
    ``o.mission_id = :mission_id``), so reading one mission does not work out every mission's. The rows are
    DISTINCT, which also keeps SQLite from folding the statement into a large join (it is worked out once).
    """
    last = f"(m.strategy_end * {QUARTERS_PER_YEAR} + {QUARTERS_PER_YEAR - 1})"
    role_end = (
        f"CASE WHEN oa.until_qindex IS NULL THEN ms.last_qindex ELSE {_lesser('oa.until_qindex', 'ms.last_qindex')} END"
    )
    retired_end = _lesser("o.retired_from_qindex - 1", role_end)
    until = f"CASE WHEN o.retired_from_qindex IS NULL THEN {role_end} ELSE {retired_end} END"
    return f"""
        SELECT DISTINCT owed.* FROM (
            SELECT o.mission_id, oa.objective_id, oa.agency_id, oa.role,
                   {_greater("oa.from_qindex", "ms.first_qindex")} AS from_qindex,
                   {until} AS until_qindex
            FROM objective_agency oa
            JOIN objective o ON o.id = oa.objective_id
            JOIN (
                SELECT m.id, {first_reporting_qindex_sql("m", dialect)} AS first_qindex, {last} AS last_qindex
                FROM mission m
            ) ms ON ms.id = o.mission_id{f" WHERE {where}" if where else ""}
        ) owed
        WHERE owed.from_qindex <= owed.until_qindex
    """
