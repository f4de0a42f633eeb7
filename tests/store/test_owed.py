"""``sql.owed_sql``: the one definition of what is owed, on SQLite and PostgreSQL.

A role owes from its own first quarter or the mission's first reporting quarter, whichever is later, to its own
last quarter, the quarter before its objective was retired from, or the strategy's last quarter, whichever is
earliest. The first reporting quarter in SQL is the Python rule (``reporting.first_reporting_quarter``), held to
the same cases.
"""

from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from dashboard.domain import reporting
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.store import queries, roles
from dashboard.store.database import read_session, write_session
from dashboard.store.sql import first_reporting_qindex_sql, owed_sql
from models import Agency, Mission, Objective, ObjectiveAgency
from tests.domain.test_reporting import FIRST_QUARTER_CASES


@pytest.mark.parametrize(("mission", "first"), FIRST_QUARTER_CASES)
def test_the_first_reporting_quarter_in_sql_is_the_python_rule(
    engine: Engine, mission: Mission, first: FiscalQuarter
) -> None:
    with write_session(engine) as session:
        row = Mission.model_validate(mission.model_dump(exclude={"id"}) | {"country": "Aland", "post": "A"})
        session.add(row)
        session.flush()
        mission_id = row.id
    sql = text(f"SELECT {first_reporting_qindex_sql('m', engine.dialect.name)} FROM mission m WHERE m.id = :id")
    with engine.connect() as connection:
        got = connection.execute(sql, {"id": mission_id}).scalar_one()
    assert FiscalQuarter.of_index(got) == first == reporting.first_reporting_quarter(mission)


Q = FiscalQuarter


def _world(session: Session) -> dict[str, int]:
    """Strategy FY2025-FY2027, reporting from FY2025 Q3; objective 1.1 (current) and 1.2 (retired from FY2026 Q2)."""
    mission = Mission(country="Aland", post="A", strategy_start=2025, strategy_end=2027,
                      reporting_from_fy=2025, reporting_from_quarter=3)  # fmt: skip
    session.add(mission)
    session.flush()
    current = Objective(mission_id=mission.id, code="1.1", title="Current")
    retired = Objective(mission_id=mission.id, code="1.2", title="Retired", retired_on=date(2026, 1, 20),
                        retired_from_qindex=Q(2026, 2).index)  # fmt: skip
    agencies = [Agency(acronym=a, name=a) for a in ("X", "Y", "Z", "W")]
    session.add_all([current, retired, *agencies])
    session.flush()
    x, y, z, w = (a.id for a in agencies)
    session.add_all(
        [
            # X leads 1.1 since the beginning: owed from the first reporting quarter to the strategy's end.
            ObjectiveAgency(objective_id=current.id, agency_id=x, role="lead"),
            # Y: two ranges with a gap (to FY2025 Q4, again from FY2026 Q3).
            ObjectiveAgency(objective_id=current.id, agency_id=y, until_qindex=Q(2025, 4).index),
            ObjectiveAgency(objective_id=current.id, agency_id=y, from_qindex=Q(2026, 3).index),
            # Z: only before reporting began, so it never owes anything.
            ObjectiveAgency(objective_id=current.id, agency_id=z, until_qindex=Q(2025, 2).index),
            # W on the retired objective: owed until the quarter before the retirement.
            ObjectiveAgency(objective_id=retired.id, agency_id=w, role="lead"),
        ]
    )
    session.flush()
    return {"mission": mission.id, "1.1": current.id, "1.2": retired.id, "X": x, "Y": y, "Z": z, "W": w}  # type: ignore[dict-item]


def test_owed_ranges_are_clipped_by_reporting_start_strategy_end_and_retirement(engine: Engine) -> None:
    with write_session(engine) as session:
        ids = _world(session)
    sql = text(
        f"SELECT objective_id, agency_id, role, from_qindex, until_qindex FROM ({owed_sql(engine.dialect.name)}) ow"
    )
    with engine.connect() as connection:
        rows = {
            (r[0], r[1], r[3]): (r[2], Q.of_index(r[3]).label, Q.of_index(r[4]).label) for r in connection.execute(sql)
        }
    assert sorted(rows.values()) == [
        ("contributing", "FY2025 Q3", "FY2025 Q4"),  # Y's first range, from the first reporting quarter
        ("contributing", "FY2026 Q3", "FY2027 Q4"),  # Y again, to the strategy's end
        ("lead", "FY2025 Q3", "FY2026 Q1"),  # W on 1.2, retired from FY2026 Q2
        ("lead", "FY2025 Q3", "FY2027 Q4"),  # X
    ]
    assert ids["Z"] not in {agency for _, agency, _ in rows}


@pytest.mark.parametrize(
    ("quarter", "owed"),
    [
        (Q(2025, 2), set()),  # before reporting began
        (Q(2025, 3), {("1.1", "X"), ("1.1", "Y"), ("1.2", "W")}),
        (Q(2026, 1), {("1.1", "X"), ("1.2", "W")}),  # Y's gap; 1.2's last quarter
        (Q(2026, 2), {("1.1", "X")}),  # 1.2 retired
        (Q(2026, 3), {("1.1", "X"), ("1.1", "Y")}),  # Y back, counted once
        (Q(2028, 1), set()),  # after the strategy
    ],
    ids=lambda v: str(v) if isinstance(v, FiscalQuarter) else f"{len(v)} owed",
)
def test_every_reader_of_the_rule_owes_the_same_updates(engine: Engine, quarter: FiscalQuarter, owed: set) -> None:
    """The per-mission frame, the quarter check on a write and the template's pairs agree, quarter by quarter."""
    with write_session(engine) as session:
        ids = _world(session)
    codes = {ids["1.1"]: "1.1", ids["1.2"]: "1.2"}
    acronyms = {ids[a]: a for a in "XYZW"}
    frame = queries.expected_frame(engine, ids["mission"])
    held = frame[(frame["from_qindex"] <= quarter.index) & (frame["until_qindex"] >= quarter.index)]
    assert {(code, agency) for code, agency in zip(held["code"], held["agency"], strict=True)} == owed
    assert len(held) == len(owed)  # an agency on two ranges is one update
    with read_session(engine) as session:
        agencies = {ids[a] for a in "XYZW"}
        pairs = roles.owed_pairs(session, ids["mission"], quarter.index, agencies)
        assert {(codes[o], acronyms[a]) for o, a, _ in pairs} == owed
        checked = {
            (codes[o], acronyms[a])
            for o in codes
            for a in agencies
            if roles.owed_role(session, o, a, quarter.index) is not None
        }
        assert checked == owed
