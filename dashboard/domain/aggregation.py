"""Aggregation: pure functions over the expected-pairs and updates frames. No Streamlit, no SQL.

The rules, also written in README.md:

* "As of quarter Q" uses, for each (objective, agency), the latest counted revision
  of its update *for Q*. Nothing is carried forward from earlier quarters: an agency
  that did not report for Q is missing for Q.
* An objective's progress in Q is the unweighted mean of its agencies' progress in Q.
* An objective's status in Q is Off track if any agency says Off track; else At risk
  if any says At risk; else Completed if all say Completed; else Not started if all
  say Not started; else On track. With no update at all it is "No update".
* An objective's risk level in Q is the highest level any of its agencies reports.
"""

from dataclasses import dataclass

import pandas as pd

from dashboard.domain import effective
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from models.scales import (
    ELEVATED_RISKS,
    RISK_ORDER,
    STATUS_LEVELS,
    NoStatus,
    RiskLevel,
    Status,
    combine_risk,
    combine_status,
    goal_name,
)

NO_UPDATE = NoStatus.NO_UPDATE.value
MISSING = NoStatus.MISSING.value
RECEIVED_TEXT = "✓ Received"
NOT_OWED_TEXT = "Not owed"  # an agency whose role on the objective does not cover that quarter
# Higher is worse; used for "what changed" direction.
STATUS_SEVERITY = {s.value: s.severity for s in Status}
RISK_SEVERITY = {r.value: r.order for r in RiskLevel}
HIGH_RISK = ELEVATED_RISKS

__all__ = ["STATUS_LEVELS", "combine_risk", "combine_status"]


def scope(expected: pd.DataFrame, updates: pd.DataFrame, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Narrow both frames by goal, objective, agency and working group (not by status or risk)."""
    mask = pd.Series(True, index=expected.index)
    if filters.goals:
        mask &= expected["goal_code"].isin(filters.goals)
    if filters.objectives:
        mask &= expected["code"].isin(filters.objectives)
    if filters.agencies:
        mask &= expected["agency"].isin(filters.agencies)
    if filters.working_groups:
        mask &= expected["working_group"].isin(filters.working_groups)
    expected = expected[mask]
    if updates.empty:
        return expected, updates
    if effective.dated(expected):
        # An update counts when its (objective, agency) pair is in scope in the update's quarter.
        return expected, updates[effective.in_effect_for_rows(updates, expected)].reset_index(drop=True)
    # An update counts when its (objective, agency) pair is in scope.
    keys = expected[["objective_id", "agency_id"]].drop_duplicates()
    updates = updates.merge(keys, on=["objective_id", "agency_id"], how="inner")
    return expected, updates


def objective_quarters(updates: pd.DataFrame) -> pd.DataFrame:
    """Per objective and quarter: combined status, mean progress, highest risk, number of reports."""
    columns = ["objective_id", "qindex", "status", "progress", "risk_level", "reports"]
    if updates.empty:
        return pd.DataFrame(columns=columns)
    grouped = updates.groupby(["objective_id", "qindex"], sort=True)
    out = grouped.agg(
        status=("status", combine_status),
        progress=("progress", "mean"),
        risk_level=("risk_level", combine_risk),
        reports=("agency_id", "size"),
    ).reset_index()
    return out[columns]


def objectives_as_of(expected: pd.DataFrame, updates: pd.DataFrame, quarter: FiscalQuarter) -> pd.DataFrame:
    """One row per objective in scope for ``quarter``; objectives with no update show "No update"."""
    expected = effective.in_effect(expected, quarter)
    objectives = (
        expected.groupby("objective_id", sort=False)
        .agg(
            code=("code", "first"),
            title=("objective_title", "first"),
            goal_code=("goal_code", "first"),
            goal_title=("goal_title", "first"),
            position=("position", "first"),
            working_group=("working_group", "first"),
            expected=("agency_id", "size"),
        )
        .reset_index()
    )
    current = objective_quarters(updates[updates["qindex"] == quarter.index] if not updates.empty else updates)
    merged = objectives.merge(current.drop(columns=["qindex"]), on="objective_id", how="left")
    merged["status"] = merged["status"].fillna(NO_UPDATE)
    merged["reports"] = merged["reports"].fillna(0).astype(int)
    merged["progress"] = merged["progress"].astype(float)
    return merged.sort_values("position").reset_index(drop=True)


def apply_outcome_filters(as_of: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Keep the objectives whose as-of status and risk level are among those selected."""
    mask = pd.Series(True, index=as_of.index)
    if filters.statuses:
        mask &= as_of["status"].isin(filters.statuses)
    if filters.risks:
        mask &= as_of["risk_level"].isin(filters.risks)
    return as_of[mask]


@dataclass(frozen=True)
class Headline:
    status_counts: dict[str, int]
    mean_progress: float | None
    high_risk: int
    received: int
    expected: int
    objectives: int

    @property
    def summary(self) -> str:
        progress = "no progress reported" if self.mean_progress is None else f"mean progress {self.mean_progress:.0f}%"
        parts = [f"{n} {status.lower()}" for status, n in self.status_counts.items() if n]
        return (
            f"{self.objectives} objectives: " + (", ".join(parts) or "none") + f"; {progress}; "
            f"{self.high_risk} at High or Critical risk; {self.received} of {self.expected} updates received."
        )


def headline(as_of: pd.DataFrame, expected: pd.DataFrame, updates: pd.DataFrame, quarter: FiscalQuarter) -> Headline:
    """The headline figures for the objectives in ``as_of`` for ``quarter``."""
    counts = {status: int((as_of["status"] == status).sum()) for status in STATUS_LEVELS}
    progress = as_of["progress"].dropna()
    in_scope = effective.in_effect(expected[expected["objective_id"].isin(as_of["objective_id"])], quarter)
    received = received_pairs(in_scope, updates, quarter)
    return Headline(
        status_counts=counts,
        mean_progress=float(progress.mean()) if not progress.empty else None,
        high_risk=int(as_of["risk_level"].isin(HIGH_RISK).sum()),
        received=int(received["received"].sum()),
        expected=len(in_scope),
        objectives=len(as_of),
    )


def received_pairs(expected: pd.DataFrame, updates: pd.DataFrame, quarter: FiscalQuarter) -> pd.DataFrame:
    """Each (objective, agency) pair expected in ``quarter`` with ``received`` True/False and its update's fields."""
    expected = effective.in_effect(expected, quarter)
    current = updates[updates["qindex"] == quarter.index] if not updates.empty else updates
    keep = ["objective_id", "agency_id", "status", "progress", "risk_level"]
    current = current[keep] if not current.empty else pd.DataFrame(columns=keep)
    merged = expected.merge(current, on=["objective_id", "agency_id"], how="left")
    merged["received"] = merged["status"].notna()
    return merged


def missing_reports(expected: pd.DataFrame, updates: pd.DataFrame, quarter: FiscalQuarter) -> pd.DataFrame:
    """The expected updates not received for ``quarter``: agency, objective, working group."""
    pairs = received_pairs(expected, updates, quarter)
    missing = pairs[~pairs["received"]]
    return missing[["agency", "code", "objective_title", "role", "working_group"]].reset_index(drop=True)


def goal_progress(as_of: pd.DataFrame) -> pd.DataFrame:
    """Per goal: mean progress of its objectives that reported, and how many objectives."""
    grouped = as_of.groupby(["goal_code", "goal_title"], sort=False)
    out = grouped.agg(
        progress=("progress", "mean"), objectives=("objective_id", "size"), reporting=("progress", "count")
    ).reset_index()
    return out


def risk_by_goal(as_of: pd.DataFrame) -> pd.DataFrame:
    """Goal x risk level: number of objectives (objectives with no update are left out)."""
    reported = as_of[as_of["risk_level"].notna()]
    table = pd.crosstab(reported["goal_code"], reported["risk_level"]) if not reported.empty else pd.DataFrame()
    table = table.reindex(index=as_of["goal_code"].drop_duplicates(), columns=RISK_ORDER, fill_value=0)
    return table.fillna(0).astype(int)


def risk_trend(expected: pd.DataFrame, updates: pd.DataFrame) -> pd.DataFrame:
    """Per quarter and risk level: number of objectives at that level."""
    in_scope = updates[updates["objective_id"].isin(expected["objective_id"])] if not updates.empty else updates
    per = objective_quarters(in_scope)
    if per.empty:
        return pd.DataFrame(columns=["qindex", "quarter", "risk_level", "objectives"])
    counts = per.groupby(["qindex", "risk_level"]).size().rename("objectives").reset_index()
    counts["quarter"] = counts["qindex"].map(quarter_label)
    counts["risk_level"] = pd.Categorical(counts["risk_level"], categories=RISK_ORDER, ordered=True)
    return counts.sort_values(["qindex", "risk_level"])[["qindex", "quarter", "risk_level", "objectives"]]


def progress_trend(expected: pd.DataFrame, updates: pd.DataFrame, by: str = "goal") -> pd.DataFrame:
    """Per quarter: mean objective progress by goal (``by="goal"``) or per objective (``by="objective"``).

    A goal's value is the mean over its objectives that reported that quarter.
    """
    columns = ["qindex", "quarter", "series", "progress"]
    in_scope = updates[updates["objective_id"].isin(expected["objective_id"])] if not updates.empty else updates
    per = objective_quarters(in_scope)
    if per.empty:
        return pd.DataFrame(columns=columns)
    meta = expected.drop_duplicates("objective_id")[["objective_id", "code", "goal_code"]]
    per = per.merge(meta, on="objective_id")
    if by == "goal":
        per["series"] = per["goal_code"].map(goal_name)
        out = per.groupby(["qindex", "series"], sort=True)["progress"].mean().reset_index()
    else:
        per["series"] = per["code"]
        out = per[["qindex", "series", "progress"]]
    out = out.assign(quarter=out["qindex"].map(quarter_label))
    return out[columns].sort_values(["series", "qindex"]).reset_index(drop=True)


def agency_progress(expected: pd.DataFrame, updates: pd.DataFrame, quarter: FiscalQuarter) -> pd.DataFrame:
    """Per agency for ``quarter``: mean reported progress, updates received and expected."""
    pairs = received_pairs(expected, updates, quarter)
    out = (
        pairs.groupby("agency", sort=True)
        .agg(progress=("progress", "mean"), received=("received", "sum"), expected=("received", "size"))
        .reset_index()
    )
    out["received"] = out["received"].astype(int)
    out["missing"] = out["expected"] - out["received"]
    return out


def agency_heatmap(expected: pd.DataFrame, updates: pd.DataFrame, quarter: FiscalQuarter) -> pd.DataFrame:
    """Agency x objective code: the agency's status for ``quarter``, "Missing" if owed and not sent, "" if not owed."""
    pairs = received_pairs(expected, updates, quarter)
    pairs["cell"] = pairs["status"].fillna(MISSING)
    codes = list(dict.fromkeys(expected.sort_values("position")["code"]))
    table = pairs.pivot_table(index="agency", columns="code", values="cell", aggfunc="first")
    return table.reindex(columns=codes).fillna("").sort_index()


def changes_since(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Objectives whose status or risk level moved between two as-of frames, with the direction.

    Objectives with no update in either quarter are not compared: a missing update is not a change.
    """
    columns = ["code", "title", "status_before", "status_now", "risk_before", "risk_now", "direction"]
    both = current.merge(
        previous[["objective_id", "status", "risk_level"]], on="objective_id", suffixes=("_now", "_before")
    )
    both = both[(both["status_now"] != NO_UPDATE) & (both["status_before"] != NO_UPDATE)]
    moved = both[(both["status_now"] != both["status_before"]) | (both["risk_level_now"] != both["risk_level_before"])]
    if moved.empty:
        return pd.DataFrame(columns=columns)

    def direction(row: pd.Series) -> str:
        delta = (STATUS_SEVERITY[row["status_now"]] - STATUS_SEVERITY[row["status_before"]]) + (
            RISK_SEVERITY[row["risk_level_now"]] - RISK_SEVERITY[row["risk_level_before"]]
        )
        return "worse" if delta > 0 else "better" if delta < 0 else "mixed"

    out = moved.assign(direction=moved.apply(direction, axis=1)).rename(
        columns={"risk_level_now": "risk_now", "risk_level_before": "risk_before"}
    )
    return out[columns].reset_index(drop=True)


def quarter_label(qindex: int) -> str:
    return FiscalQuarter.of_index(int(qindex)).label


@dataclass
class Overview:
    """Everything the overview page shows, for one set of filters."""

    quarter: FiscalQuarter
    expected: pd.DataFrame
    updates: pd.DataFrame
    as_of: pd.DataFrame
    previous: pd.DataFrame
    headline: Headline

    @property
    def empty(self) -> bool:
        return self.as_of.empty


def in_range(updates: pd.DataFrame, start: FiscalQuarter | None, end: FiscalQuarter) -> pd.DataFrame:
    if updates.empty:
        return updates
    mask = updates["qindex"] <= end.index
    if start is not None:
        mask &= updates["qindex"] >= start.index
    return updates[mask]


def overview(expected: pd.DataFrame, updates: pd.DataFrame, filters: Filters, quarter: FiscalQuarter) -> Overview:
    """Scope the data by the filters and compute the as-of figures for ``quarter``.

    Status and risk filters keep the objectives whose as-of status and risk match;
    every other figure is then computed over those objectives only.
    """
    owed, scoped = scope(expected, updates, filters)
    as_of = apply_outcome_filters(objectives_as_of(owed, scoped, quarter), filters)
    keep = set(as_of["objective_id"])
    owed = owed[owed["objective_id"].isin(keep)]
    scoped = scoped[scoped["objective_id"].isin(keep)] if not scoped.empty else scoped
    # "Since last quarter" compares with the quarter before, whatever the start of the range.
    previous = objectives_as_of(owed, scoped, quarter.previous()) if not owed.empty else as_of.iloc[0:0]
    reported = in_range(scoped, filters.start, quarter)
    return Overview(
        quarter,
        owed,
        reported,
        as_of,
        previous,
        headline(as_of, owed, reported, quarter),
    )


def objective_history(expected: pd.DataFrame, updates: pd.DataFrame, objective_id: int) -> pd.DataFrame:
    """One objective's combined status, progress and risk per quarter, with a row for each quarter it had reports."""
    per = objective_quarters(updates[updates["objective_id"] == objective_id] if not updates.empty else updates)
    per = per.assign(quarter=per["qindex"].map(quarter_label))
    return per[["qindex", "quarter", "status", "progress", "risk_level", "reports"]]


def agency_history(updates: pd.DataFrame, agency_id: int, expected: pd.DataFrame) -> pd.DataFrame:
    """One agency's own reports per quarter and objective: status, progress, risk (latest revisions)."""
    mine = updates[updates["agency_id"] == agency_id] if not updates.empty else updates
    meta = expected.drop_duplicates("objective_id")[["objective_id", "code"]]
    mine = mine.merge(meta, on="objective_id")
    return mine.assign(quarter=mine["qindex"].map(quarter_label))[
        ["qindex", "quarter", "code", "status", "progress", "risk_level", "revision"]
    ].sort_values(["qindex", "code"])


def latest_by_agency(
    updates: pd.DataFrame, expected: pd.DataFrame, objective_id: int, as_of: FiscalQuarter | None = None
) -> pd.DataFrame:
    """Each agency on an objective with its most recent update in range (or none), newest quarter first.

    With ``as_of`` (the quarter shown), ``as_of_quarter`` says for each agency whether that quarter's update is in:
    "Received", or "Missing" when its latest update is older, so an old row never passes for a current one.
    """
    owed = effective.latest(expected[expected["objective_id"] == objective_id])[["agency_id", "agency", "role"]]
    mine = updates[updates["objective_id"] == objective_id] if not updates.empty else updates
    latest = mine.sort_values("qindex").groupby("agency_id").tail(1) if not mine.empty else mine
    out = owed.merge(latest, on="agency_id", how="left")
    out["quarter"] = out["qindex"].map(lambda q: "" if pd.isna(q) else quarter_label(int(q)))
    if as_of is not None:
        due = effective.in_effect(expected[expected["objective_id"] == objective_id], as_of)["agency_id"]
        received = out["qindex"].eq(as_of.index)
        out["as_of_quarter"] = [
            RECEIVED_TEXT if got else (NoStatus.MISSING.text if owes else NOT_OWED_TEXT)
            for got, owes in zip(received, out["agency_id"].isin(set(due)), strict=True)
        ]
    return out


def narrative_history(updates: pd.DataFrame, expected: pd.DataFrame, objective_id: int) -> pd.DataFrame:
    """Every narrative reported on one objective, newest first, with agency and quarter."""
    columns = [
        "quarter",
        "agency",
        "status",
        "progress",
        "risk_level",
        "accomplishments",
        "challenges",
        "next_steps",
        "risk_note",
        "author",
        "revision",
    ]
    mine = updates[updates["objective_id"] == objective_id] if not updates.empty else updates
    if mine.empty or "accomplishments" not in mine:
        return pd.DataFrame(columns=columns)
    names = expected.drop_duplicates("agency_id").set_index("agency_id")["agency"]
    mine = mine.sort_values(["qindex", "agency_id"], ascending=[False, True])
    out = mine.assign(quarter=mine["qindex"].map(quarter_label), agency=mine["agency_id"].map(names))
    return out[columns].reset_index(drop=True)


def missed_quarters(
    expected: pd.DataFrame, updates: pd.DataFrame, start: FiscalQuarter | None, end: FiscalQuarter
) -> pd.DataFrame:
    """Every (quarter, agency, objective) owed from ``start`` to ``end`` with no update: the missed reports."""
    first = start or end
    rows = []
    sent = set()
    if not updates.empty:
        sent = set(zip(updates["objective_id"], updates["agency_id"], updates["qindex"], strict=True))
    quarter = first
    while quarter <= end:
        for pair in effective.in_effect(expected, quarter).itertuples():
            if (pair.objective_id, pair.agency_id, quarter.index) not in sent:
                rows.append(
                    {
                        "quarter": quarter.label,
                        "agency": pair.agency,
                        "code": pair.code,
                        "objective_title": pair.objective_title,
                        "role": pair.role,
                    }
                )
        quarter = quarter.next()
    columns = ["quarter", "agency", "code", "objective_title", "role"]
    return pd.DataFrame(rows, columns=columns).iloc[::-1].reset_index(drop=True)
