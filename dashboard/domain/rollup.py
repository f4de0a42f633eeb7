"""Washington's roll-up across missions: pure functions over the two grouped frames of ``store.rollup``.

* A mission's (or a goal's) status in a quarter combines its objectives' statuses with the same rule as an
  objective's agencies (``aggregation.combine_status``): Off track if any objective is, else At risk, ...
  With no report at all it is "No update".
* Reporting completeness: the updates received for the quarter over the updates owed (lead and contributing
  agencies of every objective not retired). Days late: days past the due date while any update is missing.
* Risk hotspots: the objectives at High or Critical risk in the quarter, across missions.
"""

from datetime import date

import pandas as pd

from dashboard.domain.aggregation import HIGH_RISK, NO_UPDATE, RISK_SEVERITY, combine_status, quarter_label
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.reporting import due_date, mission_due_days
from models.scales import GOOD_STATUSES, is_management

SUMMARY_COLUMNS = [
    "mission_id",
    "mission",
    "bureau",
    "status",
    "progress",
    "high_risk",
    "received",
    "expected",
    "completeness",
    "days_late",
]
HOTSPOT_COLUMNS = ["mission_id", "mission", "bureau", "code", "title", "status", "risk_level", "progress"]
TREND_COLUMNS = ["bureau", "qindex", "quarter", "objectives", "progress", "on_track_share", "high_risk"]


def mission_label(country: str, post: str) -> str:
    return f"{country} ({post})"


def _at(objective_quarters: pd.DataFrame, quarter: FiscalQuarter) -> pd.DataFrame:
    return objective_quarters[objective_quarters["qindex"] == quarter.index]


def mission_summary(
    missions: pd.DataFrame, objective_quarters: pd.DataFrame, quarter: FiscalQuarter, *, today: date, due_days: int
) -> pd.DataFrame:
    """One row per mission for ``quarter``: combined status, mean objective progress, objectives at High or
    Critical risk, updates received and owed, completeness (%) and days late (past each mission's due date:
    its own ``due_days`` column when set, else ``due_days``, the deployment's)."""
    now = _at(objective_quarters, quarter)
    per = (
        now.groupby("mission_id")
        .agg(
            status=("status", combine_status),
            progress=("progress", "mean"),
            high_risk=("risk_level", lambda r: int(r.isin(HIGH_RISK).sum())),
            received=("reports", "sum"),
        )
        .reset_index()
    )
    out = missions.merge(per, on="mission_id", how="left")
    out["status"] = out["status"].fillna(NO_UPDATE)
    out["high_risk"] = out["high_risk"].fillna(0).astype(int)
    out["received"] = out["received"].fillna(0).astype(int)
    out["progress"] = out["progress"].astype(float)
    owed = out["expected"].where(out["expected"] > 0)
    out["completeness"] = out["received"] / owed * 100  # rounded once, where it is shown
    own = out["due_days"] if "due_days" in out else pd.Series(None, index=out.index, dtype=object)
    dues = [due_date(quarter, mission_due_days(days, due_days)) for days in own]
    out["days_late"] = [
        max((today - due).days, 0) if r < e else 0
        for due, r, e in zip(dues, out["received"], out["expected"], strict=True)
    ]
    out["mission"] = [mission_label(c, p) for c, p in zip(out["country"], out["post"], strict=True)]
    return out[SUMMARY_COLUMNS].reset_index(drop=True)


def goal_matrix(
    missions: pd.DataFrame, goals: pd.DataFrame, objective_quarters: pd.DataFrame, quarter: FiscalQuarter
) -> pd.DataFrame:
    """Mission x goal code: each goal's combined status in ``quarter``; "No update" when none of its objectives
    reported, "" when the mission has no such goal. Index: mission label, in ``missions`` order; columns: goal
    codes in order, Management ("M") last."""
    now = _at(objective_quarters, quarter)
    ids = [int(m) for m in missions["mission_id"]]
    labels = [mission_label(c, p) for c, p in zip(missions["country"], missions["post"], strict=True)]
    goals = goals[goals["mission_id"].isin(ids)]
    codes = sorted(set(goals["goal_code"]), key=lambda g: (is_management(g), len(g), g))
    table = pd.DataFrame("", index=ids, columns=codes, dtype=object)
    for mission_id, code in zip(goals["mission_id"], goals["goal_code"], strict=True):
        table.at[int(mission_id), code] = NO_UPDATE
    if not now.empty:
        cells = now.groupby(["mission_id", "goal_code"])["status"].agg(combine_status)
        for (mission_id, code), status in cells.items():
            if int(mission_id) in table.index and code in table.columns:
                table.at[int(mission_id), code] = status
    table.index = pd.Index(labels)
    return table


def hotspots(missions: pd.DataFrame, objective_quarters: pd.DataFrame, quarter: FiscalQuarter) -> pd.DataFrame:
    """The objectives at High or Critical risk in ``quarter`` across the missions, Critical first."""
    now = _at(objective_quarters, quarter)
    hot = now[now["risk_level"].isin(HIGH_RISK) & now["mission_id"].isin(missions["mission_id"])]
    names = missions.set_index("mission_id")
    hot = hot.assign(
        mission=[mission_label(names.at[m, "country"], names.at[m, "post"]) for m in hot["mission_id"]],
        severity=hot["risk_level"].map(RISK_SEVERITY),
    )
    hot = hot.sort_values(["severity", "mission", "code"], ascending=[False, True, True])
    return hot[HOTSPOT_COLUMNS].reset_index(drop=True)


def bureau_trend(objective_quarters: pd.DataFrame) -> pd.DataFrame:
    """Per bureau and quarter: objectives reporting, their mean progress, the share On track or Completed (%)
    and how many are at High or Critical risk."""
    if objective_quarters.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    frame = objective_quarters.assign(
        bureau=objective_quarters["bureau"].fillna("(no bureau)"),
        good=objective_quarters["status"].isin(GOOD_STATUSES),
        high=objective_quarters["risk_level"].isin(HIGH_RISK),
    )
    out = (
        frame.groupby(["bureau", "qindex"], sort=True)
        .agg(
            objectives=("objective_id", "size"),
            progress=("progress", "mean"),
            good=("good", "sum"),
            high=("high", "sum"),
        )
        .reset_index()
    )
    out["on_track_share"] = out["good"] / out["objectives"] * 100
    out["high_risk"] = out["high"].astype(int)
    out["quarter"] = out["qindex"].map(quarter_label)
    return out[TREND_COLUMNS]
