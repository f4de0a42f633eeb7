"""A tiny hand-built mission, as the plain DataFrames that ``dashboard.queries`` returns.

Goals "1" and "2" plus the management objective; four objectives; three agencies;
three quarters (FY2026 Q1..Q3, qindex 8104..8106). The latest quarter is FY2026 Q3.

Expected (objective, agency) pairs, in ``expected_frame`` order (position, lead first, acronym):

    obj  code  goal  working group    agencies
    11   1.1   1     Security WG      State (lead), DEA
    12   1.2   1     Security WG      USAID (lead), State
    21   2.1   2     Prosperity WG    USAID (lead), DEA, State
    31   M1    M     Management WG    State (lead), USAID

Updates (status, progress, risk) per quarter:

    pair          FY2026 Q1            FY2026 Q2             FY2026 Q3
    1.1 State     On track 20 Low      On track 40 Medium    On track 60 Medium
    1.1 DEA       On track 10 Medium   On track 30 Medium    Off track 30 High     <- disagreement
    1.2 USAID     Not started 0 Low    On track 20 Low       -                     <- objective: no update at all
    1.2 State     Not started 0 Low    Not started 10 Low    -
    2.1 USAID     On track 30 Low      On track 60 Low       On track 80 Low
    2.1 DEA       At risk 10 High      On track 40 Medium    -                     <- DEA misses the latest quarter
    2.1 State     On track 20 Medium   At risk 50 Critical   On track 70 Medium (revision 2)
    M1 State      On track 50 Low      On track 80 Low       Completed 100 Low     <- all Completed
    M1 USAID      On track 40 Low      Completed 90 Low      Completed 100 Low

The 2.1 State update for Q3 was revised: revision 1 said "At risk 60 High"; revisions are resolved
in SQL, so only revision 2 is in ``make_updates()`` (``SUPERSEDED_REVISION`` keeps the old values
for reference).
"""

from datetime import UTC, datetime

import pandas as pd

from dashboard.domain.fiscal import FiscalQuarter

Q1 = FiscalQuarter(2026, 1)
Q2 = FiscalQuarter(2026, 2)
Q3 = FiscalQuarter(2026, 3)
LATEST = Q3

STATE, USAID, DEA = 1, 2, 3
AGENCY = {STATE: "State", USAID: "USAID", DEA: "DEA"}

O11, O12, O21, OM1 = 11, 12, 21, 31

OBJECTIVES = {
    # id: (code, kind, title, position, goal_code, goal_title, wg_id, wg_name)
    O11: ("1.1", "mission", "Counter transnational crime", 1, "1", "Security", 1, "Security WG"),
    O12: ("1.2", "mission", "Strengthen citizen security", 2, "1", "Security", 1, "Security WG"),
    O21: ("2.1", "mission", "Expand bilateral trade", 3, "2", "Prosperity", 2, "Prosperity WG"),
    OM1: ("M1", "management", "Modernise the embassy platform", 4, "M", "Management", 3, "Management WG"),
}

PAIRS = [
    # (objective_id, agency_id, role), in expected_frame order
    (O11, STATE, "lead"),
    (O11, DEA, "contributing"),
    (O12, USAID, "lead"),
    (O12, STATE, "contributing"),
    (O21, USAID, "lead"),
    (O21, DEA, "contributing"),
    (O21, STATE, "contributing"),
    (OM1, STATE, "lead"),
    (OM1, USAID, "contributing"),
]

UPDATES = [
    # (objective_id, agency_id, quarter, status, progress, risk_level, revision)
    (O11, STATE, Q1, "On track", 20, "Low", 1),
    (O11, DEA, Q1, "On track", 10, "Medium", 1),
    (O12, USAID, Q1, "Not started", 0, "Low", 1),
    (O12, STATE, Q1, "Not started", 0, "Low", 1),
    (O21, USAID, Q1, "On track", 30, "Low", 1),
    (O21, DEA, Q1, "At risk", 10, "High", 1),
    (O21, STATE, Q1, "On track", 20, "Medium", 1),
    (OM1, STATE, Q1, "On track", 50, "Low", 1),
    (OM1, USAID, Q1, "On track", 40, "Low", 1),
    (O11, STATE, Q2, "On track", 40, "Medium", 1),
    (O11, DEA, Q2, "On track", 30, "Medium", 1),
    (O12, USAID, Q2, "On track", 20, "Low", 1),
    (O12, STATE, Q2, "Not started", 10, "Low", 1),
    (O21, USAID, Q2, "On track", 60, "Low", 1),
    (O21, DEA, Q2, "On track", 40, "Medium", 1),
    (O21, STATE, Q2, "At risk", 50, "Critical", 1),
    (OM1, STATE, Q2, "On track", 80, "Low", 1),
    (OM1, USAID, Q2, "Completed", 90, "Low", 1),
    (O11, STATE, Q3, "On track", 60, "Medium", 1),
    (O11, DEA, Q3, "Off track", 30, "High", 1),
    (O21, USAID, Q3, "On track", 80, "Low", 1),
    (O21, STATE, Q3, "On track", 70, "Medium", 2),
    (OM1, STATE, Q3, "Completed", 100, "Low", 1),
    (OM1, USAID, Q3, "Completed", 100, "Low", 1),
]

SUPERSEDED_REVISION = (O21, STATE, Q3, "At risk", 60, "High", 1)

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
]
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


def make_expected() -> pd.DataFrame:
    rows = []
    for objective_id, agency_id, role in PAIRS:
        code, kind, title, position, goal_code, goal_title, wg_id, wg = OBJECTIVES[objective_id]
        rows.append(
            {
                "objective_id": objective_id,
                "code": code,
                "kind": kind,
                "objective_title": title,
                "position": position,
                "goal_code": goal_code,
                "goal_title": goal_title,
                "agency_id": agency_id,
                "agency": AGENCY[agency_id],
                "role": role,
                "working_group_id": wg_id,
                "working_group": wg,
            }
        )
    return pd.DataFrame(rows, columns=EXPECTED_COLUMNS)


def make_updates(narratives: bool = False) -> pd.DataFrame:
    rows = []
    for number, (objective_id, agency_id, quarter, status, progress, risk, revision) in enumerate(UPDATES, start=1):
        row = {
            "id": number,
            "objective_id": objective_id,
            "agency_id": agency_id,
            "fiscal_year": quarter.fiscal_year,
            "quarter": quarter.quarter,
            "qindex": quarter.index,
            "status": status,
            "progress": progress,
            "risk_level": risk,
            "revision": revision,
            "author": f"{AGENCY[agency_id].lower()}@example.gov",
            "created_at": datetime(quarter.end.year, quarter.end.month, quarter.end.day, 12, 0, tzinfo=UTC),
            "is_demo": False,
        }
        if narratives:
            row.update(accomplishments="", challenges="", next_steps="", risk_note="")
        rows.append(row)
    columns = UPDATE_COLUMNS + (["accomplishments", "challenges", "next_steps", "risk_note"] if narratives else [])
    return pd.DataFrame(rows, columns=columns)
