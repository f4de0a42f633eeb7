"""Washington's roll-up on a small fixture, on SQLite and PostgreSQL, against numbers worked out by hand.

Fixture (quarter Q = FY2026 Q1, previous P = FY2025 Q4; agencies X, Y, and Z who is on no objective):

* Aland (WHA): 1.1 (X lead, Y), 1.2 (X), 2.1 (Y): 4 updates owed.
  Q: 1.1 X rev 1 On track 60 Low, rev 2 At risk 40 High (submitted) -> rev 2 counts;
     1.1 Y On track 80 Medium; 1.1 Z Off track (Z is not on 1.1: ignored);
     1.2 X rev 1 Completed 100 Low approved, rev 2 Off track 10 Critical *returned* -> rev 1 counts;
     2.1 Y Off track as a draft -> not counted.
  P: 1.1 X On track 50 Medium.
* Borduria (EUR): 1.1 (X lead, Y), 1.2 (X, retired in 2020): 2 updates owed.
  Q: 1.1 X Off track 20 Critical.  P: 1.1 X On track 30 Low.
* Carpathia (WHA): 1.1 (X): 1 owed, nothing reported.
"""

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlmodel import select

from dashboard.domain import rollup
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.store import rollup as rollup_sql
from dashboard.store.database import write_session
from models import Agency, Goal, Mission, Objective, ObjectiveAgency, ReviewEvent, StatusUpdate

Q = FiscalQuarter(2026, 1)
P = Q.previous()
TODAY = date(2026, 2, 9)  # Q's updates fell due on 2026-01-30 (30 days after 2025-12-31): 10 days late


def _update(objective: Objective, agency: Agency, quarter: FiscalQuarter, status: str, progress: int, risk: str,
            *, state: str = "approved", revision: int = 1) -> StatusUpdate:  # fmt: skip
    return StatusUpdate(
        objective_id=objective.id,
        agency_id=agency.id,
        fiscal_year=quarter.fiscal_year,
        quarter=quarter.quarter,
        status=status,
        progress=progress,
        risk_level=risk,
        state=state,
        author="fixture@example.gov",
        created_at=datetime(2026, 1, 5),
        revision=revision,
    )


@pytest.fixture
def fixture(engine: Engine) -> Engine:
    with write_session(engine) as s:
        x, y, z = Agency(acronym="X", name="X"), Agency(acronym="Y", name="Y"), Agency(acronym="Z", name="Z")
        aland = Mission(country="Aland", post="Embassy A", strategy_start=2025, strategy_end=2028, bureau="WHA")
        bord = Mission(country="Borduria", post="Embassy B", strategy_start=2025, strategy_end=2028, bureau="EUR")
        carp = Mission(country="Carpathia", post="Embassy C", strategy_start=2025, strategy_end=2028, bureau="WHA")
        s.add_all([x, y, z, aland, bord, carp])
        s.flush()
        goals = {}
        for mission, code in [(aland, "1"), (aland, "2"), (bord, "1"), (carp, "1")]:
            goals[mission.country, code] = Goal(mission_id=mission.id, code=code, title=f"Goal {code}")
            s.add(goals[mission.country, code])
        s.flush()

        def objective(mission: Mission, code: str, retired: date | None = None) -> Objective:
            o = Objective(
                mission_id=mission.id,
                goal_id=goals[mission.country, code[0]].id,
                code=code,
                title=f"Objective {code} of {mission.country}",
                retired_on=retired,
                retired_from_qindex=None if retired is None else FiscalQuarter.containing(retired).index,
            )
            s.add(o)
            s.flush()
            return o

        a11, a12, a21 = objective(aland, "1.1"), objective(aland, "1.2"), objective(aland, "2.1")
        b11, b12 = objective(bord, "1.1"), objective(bord, "1.2", retired=date(2020, 1, 1))
        c11 = objective(carp, "1.1")
        roles = [(a11, x, "lead"), (a11, y, "contributing"), (a12, x, "lead"), (a21, y, "lead"),
                 (b11, x, "lead"), (b11, y, "contributing"), (b12, x, "lead"), (c11, x, "lead")]  # fmt: skip
        for o, agency, role in roles:
            s.add(ObjectiveAgency(objective_id=o.id, agency_id=agency.id, role=role))
        s.add_all(
            [
                _update(a11, x, Q, "On track", 60, "Low"),
                _update(a11, x, Q, "At risk", 40, "High", state="submitted", revision=2),
                _update(a11, y, Q, "On track", 80, "Medium"),
                _update(a11, z, Q, "Off track", 0, "Critical"),
                _update(a12, x, Q, "Completed", 100, "Low"),
                _update(a21, y, Q, "Off track", 5, "Critical", state="draft"),
                _update(a11, x, P, "On track", 50, "Medium"),
                _update(b11, x, Q, "Off track", 20, "Critical"),
                _update(b11, x, P, "On track", 30, "Low"),
            ]
        )
        returned = _update(a12, x, Q, "Off track", 10, "Critical", state="submitted", revision=2)
        s.add(returned)
        s.flush()
        s.add(ReviewEvent(status_update_id=returned.id, decision="returned", comment="fix", reviewer="c@example.gov"))
    return engine


def _read(engine: Engine, bureau: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    missions = rollup_sql.mission_expected_frame(engine, qindex=Q.index, bureau=bureau)
    per = rollup_sql.objective_quarters_frame(engine, first_qindex=P.index, last_qindex=Q.index, bureau=bureau)
    return missions, per


def test_objective_quarters_are_grouped_in_the_database(fixture: Engine) -> None:
    _, per = _read(fixture)
    now = per[per["qindex"] == Q.index].set_index("code")[["reports", "progress", "status", "risk_level"]]
    aland = per[(per["qindex"] == Q.index) & (per["mission_id"] == per["mission_id"].min())]
    assert list(aland["code"]) == ["1.1", "1.2"]  # 2.1 only has a draft
    got = aland.set_index("code")[["reports", "progress", "status", "risk_level"]].to_dict("index")
    assert got == {
        "1.1": {"reports": 2, "progress": 60.0, "status": "At risk", "risk_level": "High"},
        "1.2": {"reports": 1, "progress": 100.0, "status": "Completed", "risk_level": "Low"},
    }
    assert len(now) == 3  # Aland 1.1, 1.2 and Borduria 1.1
    assert len(per[per["qindex"] == P.index]) == 2


def test_mission_summary_completeness_and_days_late(fixture: Engine) -> None:
    missions, per = _read(fixture)
    summary = rollup.mission_summary(missions, per, Q, today=TODAY, due_days=30).set_index("mission")
    assert summary.loc["Aland (Embassy A)", ["status", "progress", "high_risk", "received", "expected"]].tolist() == [
        "At risk",
        80.0,
        1,
        3,
        4,  # fmt: skip
    ]
    assert summary["completeness"].tolist() == [75.0, 50.0, 0.0]
    assert summary["days_late"].tolist() == [10, 10, 10]
    assert summary.loc["Borduria (Embassy B)", "status"] == "Off track"
    assert summary.loc["Carpathia (Embassy C)", "status"] == "No update"
    before_due = rollup.mission_summary(missions, per, Q, today=date(2026, 1, 30), due_days=30)
    assert before_due["days_late"].tolist() == [0, 0, 0]


def test_goal_matrix_hotspots_and_trends(fixture: Engine) -> None:
    missions, per = _read(fixture)
    matrix = rollup.goal_matrix(missions, rollup_sql.mission_goals_frame(fixture), per, Q)
    assert matrix.to_dict("index") == {
        "Aland (Embassy A)": {"1": "At risk", "2": "No update"},
        "Borduria (Embassy B)": {"1": "Off track", "2": ""},
        "Carpathia (Embassy C)": {"1": "No update", "2": ""},
    }
    hot = rollup.hotspots(missions, per, Q)
    assert hot[["mission", "code", "risk_level"]].values.tolist() == [
        ["Borduria (Embassy B)", "1.1", "Critical"],
        ["Aland (Embassy A)", "1.1", "High"],
    ]
    trend = rollup.bureau_trend(per).set_index(["bureau", "quarter"])
    assert trend.loc[("WHA", P.label), ["objectives", "progress", "on_track_share", "high_risk"]].tolist() == [
        1,
        50.0,
        100.0,
        0,  # fmt: skip
    ]
    assert trend.loc[("WHA", Q.label), ["objectives", "progress", "on_track_share", "high_risk"]].tolist() == [
        2,
        80.0,
        50.0,
        1,  # fmt: skip
    ]
    assert trend.loc[("EUR", Q.label), ["objectives", "progress", "on_track_share", "high_risk"]].tolist() == [
        1,
        20.0,
        0.0,
        1,  # fmt: skip
    ]


def test_a_bureau_keeps_only_its_missions(fixture: Engine) -> None:
    missions, per = _read(fixture, bureau="WHA")
    assert missions["country"].tolist() == ["Aland", "Carpathia"]
    assert set(per["bureau"]) == {"WHA"}
    assert rollup.hotspots(missions, per, Q)["code"].tolist() == ["1.1"]


def test_what_is_owed_follows_effective_dates_the_first_reporting_quarter_and_retirement(fixture: Engine) -> None:
    """The roll-up owes by the rule the mission's own pages use: an agency on two date ranges of one objective
    owes once, a report from a quarter its agency held no role in does not count, nothing is owed before a
    mission's first reporting quarter, and a retired objective owes up to the quarter before it was retired from."""
    with write_session(fixture) as s:
        ids = {
            (m.country, o.code): o
            for m in s.exec(select(Mission))
            for o in s.exec(select(Objective).where(Objective.mission_id == m.id))
        }
        agencies = {a.acronym: a for a in s.exec(select(Agency))}
        a11, b11 = ids["Aland", "1.1"], ids["Borduria", "1.1"]
        # Y on Aland 1.1: contributing to P, then again from Q (two ranges); Z joins only after Q.
        y_role = s.get(ObjectiveAgency, (a11.id, agencies["Y"].id, 0))
        y_role.until_qindex = P.index
        s.add(
            ObjectiveAgency(objective_id=a11.id, agency_id=agencies["Y"].id, role="contributing", from_qindex=Q.index)
        )
        s.add(
            ObjectiveAgency(
                objective_id=a11.id, agency_id=agencies["Z"].id, role="contributing", from_qindex=Q.index + 1
            )
        )
        carpathia = s.exec(select(Mission).where(Mission.country == "Carpathia")).one()
        carpathia.reporting_from_fy, carpathia.reporting_from_quarter = Q.fiscal_year, Q.quarter
        # Borduria 1.1 is retired from Q: it owes in P, not in Q.
        b11.retired_on, b11.retired_from_qindex = date(2026, 1, 5), Q.index
        s.add_all([y_role, carpathia, b11])
    owed = {
        quarter: rollup_sql.mission_expected_frame(fixture, qindex=quarter.index)
        .set_index("country")["expected"]
        .to_dict()
        for quarter in (P, Q)
    }
    assert owed == {P: {"Aland": 4, "Borduria": 2, "Carpathia": 0}, Q: {"Aland": 4, "Borduria": 0, "Carpathia": 1}}
    per = rollup_sql.objective_quarters_frame(fixture, first_qindex=P.index, last_qindex=Q.index)
    got = {(r.mission_id, r.code, r.qindex): (r.reports, r.status) for r in per.itertuples()}
    aland, bord = per["mission_id"].min(), per["mission_id"].max()
    # Aland 1.1 in Q: X (At risk) and Y once; Z's Off track report is not counted. Borduria 1.1 in P only.
    assert got == {
        (aland, "1.1", P.index): (1, "On track"),
        (aland, "1.1", Q.index): (2, "At risk"),
        (aland, "1.2", Q.index): (1, "Completed"),
        (bord, "1.1", P.index): (1, "On track"),
    }
