"""SQL fragments derived from the vocabulary and the quarter index, so the statements in ``queries`` and
``rollup`` never spell a status, a risk level, the quarter arithmetic or the management stand-in themselves."""

from models.quarters import quarter_index_sql
from models.scales import MANAGEMENT_GOAL_CODE, RiskLevel, Status

__all__ = [
    "combined_status_sql",
    "goal_code_sql",
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
