# ruff: noqa: E501  (the refused-row table reads best one case per line)
"""Indicator actuals: only the responsible agency reports them, per its frequency, as append-only revisions; the
status of a quarter reads them against the targets, beside the status the agencies report."""

import pytest
from sqlmodel import select

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import indicator_values
from dashboard.services.indicator_values import ValueRow, ValueRowsError
from dashboard.store.database import read_session, write_session
from dashboard.views import evidence
from models import Agency, Indicator, IndicatorTarget, IndicatorValue, Mission
from models.scales import Frequency, Rating, ReviewState
from tests.people import DEA, QUARTER, TODAY, USAID, World, build

COUNTED = (ReviewState.SUBMITTED.value, ReviewState.APPROVED.value)


@pytest.fixture
def world(database_url: str) -> World:
    """Peru with its cast; objective 1.1 (USAID leads) has indicator 1.1.a: baseline 10 in FY2022, targets 30 in
    FY2025 and 50 in FY2026; 2.1 has an annual indicator DEA does not report."""
    world = build(database_url)
    with write_session(world.engine) as session:
        usaid = session.exec(select(Agency).where(Agency.acronym == "USAID")).one()
        state = session.exec(select(Agency).where(Agency.acronym == "State")).one()
        one = Indicator(objective_id=world.objectives["1.1"], code="1.1.a", name="Firms exporting", unit="firms",
                        baseline=10, baseline_fy=2022, target=50, agency_id=usaid.id)  # fmt: skip
        two = Indicator(objective_id=world.objectives["2.1"], code="2.1.a", name="Seizures", unit="percent",
                        baseline=20, baseline_fy=2022, target=60, agency_id=state.id, frequency=Frequency.ANNUAL.value)  # fmt: skip
        session.add_all([one, two])
        session.flush()
        session.add_all(
            [
                IndicatorTarget(indicator_id=one.id, fiscal_year=2025, value=30),
                IndicatorTarget(indicator_id=one.id, fiscal_year=2026, value=50),
                IndicatorTarget(indicator_id=two.id, fiscal_year=2026, value=60),
            ]
        )
    return world


def _report(world: World, email: str, *rows: ValueRow) -> list[IndicatorValue]:
    with write_session(world.engine) as session:
        return indicator_values.report(session=session, actor_email=email, rows=list(rows), today=TODAY)


def _values(world: World) -> list[tuple[str, int, int, float | None, int, str]]:
    with read_session(world.engine) as session:
        rows = session.exec(select(IndicatorValue, Indicator).join(Indicator)).all()
        return sorted((i.code, v.fiscal_year, v.quarter, v.value, v.revision, v.note) for v, i in rows)


def test_the_responsible_agency_reports_values_as_revisions_and_not_yet_available_with_a_reason(world: World) -> None:
    _report(world, USAID, ValueRow(2, "1.1.a", "FY2026 Q4", "44"), ValueRow(3, "1.1.A", "FY2026 Q3", "", "survey late"))
    _report(world, USAID, ValueRow(2, "1.1.a", "FY2026 Q4", "46"))
    assert _values(world) == [
        ("1.1.a", 2026, 3, None, 1, "survey late"),
        ("1.1.a", 2026, 4, 44.0, 1, ""),
        ("1.1.a", 2026, 4, 46.0, 2, ""),  # the first one is kept: values are append-only revisions
    ]


@pytest.mark.parametrize(
    ("email", "row", "problem"),
    [
        (DEA, ValueRow(2, "1.1.a", "FY2026 Q4", "44"), "row 2, indicator: You report for DEA, not for USAID. USAID reports 1.1.a."),
        (USAID, ValueRow(4, "9.9.z", "FY2026 Q4", "1"), "row 4, indicator: no indicator '9.9.z' in use"),
        (USAID, ValueRow(2, "1.1.a", "FY2026 Q4", "lots"), "row 2, value: 'lots' is not a number"),
        (USAID, ValueRow(2, "1.1.a", "FY2026 Q4", ""), "row 2, value: give a number, or leave it empty and say in note why"),
        (USAID, ValueRow(2, "1.1.a", "Q4", "1"), "row 2, quarter: not a fiscal quarter"),
        (USAID, ValueRow(2, "1.1.a", "FY2027 Q3", "1"), "row 2, quarter: FY2027 Q3 is outside the strategy"),
        (USAID, ValueRow(2, "2.1.a", "FY2026 Q4", "1"), "row 2, indicator: You report for USAID, not for State"),
    ],
)  # fmt: skip
def test_a_refused_row_is_named_and_nothing_is_written(world: World, email: str, row: ValueRow, problem: str) -> None:
    with pytest.raises(ValueRowsError) as refused:
        _report(world, USAID, ValueRow(1, "1.1.a", "FY2026 Q2", "12"), row) if email == USAID else _report(
            world, email, row
        )
    assert refused.value.problems[-1].startswith(problem)
    assert _values(world) == []  # the good row beside it was not written either


def test_the_frequency_and_the_unit_bound_what_a_value_may_be(world: World) -> None:
    from tests.people import STATE

    with pytest.raises(ValueRowsError) as refused:
        _report(world, STATE, ValueRow(2, "2.1.a", "FY2026 Q3", "40"), ValueRow(3, "2.1.a", "FY2026 Q4", "140"))
    assert refused.value.problems == [
        "row 2, quarter: 2.1.a is reported annual, not in FY2026 Q3",
        "row 3, value: 140 is not a percentage between 0 and 100",
    ]


def test_the_status_of_a_quarter_reads_values_against_targets_and_flags_a_disagreement(world: World) -> None:
    world.submit(USAID, world.form("1.1", "USAID", QUARTER, status="On track", progress=80))
    _report(world, USAID, ValueRow(2, "1.1.a", "FY2026 Q4", "34"), ValueRow(3, "1.1.a", "FY2026 Q2", "40"))
    found = evidence.for_mission(world.engine, world.mission_id, QUARTER, states=COUNTED, on_target=0.9)
    row = found.indicators.set_index("code").loc["1.1.a"]
    assert (row["baseline"], row["target"], row["actual"]) == (10, 50, 34)
    assert row["achievement"] == pytest.approx(0.6) and row["rating"] == Rating.BEHIND
    objective = found.objectives.set_index("code").loc["1.1"]
    assert objective["status"] == "On track" and objective["evidence"] == Rating.BEHIND and objective["disagrees"]
    # FY2026 Q2: the straight line from FY2025's 30 to FY2026's 50, half way: 40, reached exactly
    earlier = evidence.for_mission(
        world.engine, world.mission_id, FiscalQuarter(2026, 2), states=COUNTED, on_target=0.9
    )
    assert earlier.indicators.set_index("code").loc["1.1.a", "rating"] == Rating.MET
    annual = found.indicators.set_index("code").loc["2.1.a"]
    assert annual["rating"] == Rating.NO_DATA and annual["target"] == 60
    document = evidence.status_document(found)
    assert document["quarter"] == "FY2026 Q4"
    assert {
        "code": "1.1",
        "status": "On track",
        "evidence": "behind",
        "achievement": pytest.approx(0.6),
        "disagrees": True,
    } in document["objectives"]


def test_status_on_the_command_line(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from dashboard.cli import main

    _report(world, USAID, ValueRow(2, "1.1.a", "FY2026 Q4", "50"))
    monkeypatch.setenv("DATABASE_URL", world.url)
    assert main(["indicators", "status", "--quarter", "FY2026Q4", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    rows = {r["code"]: r for r in document["indicators"]}
    assert rows["1.1.a"] == {"code": "1.1.a", "objective": "1.1", "baseline": 10.0, "target": 50.0, "actual": 50.0,
                             "achievement": 1.0, "rating": "met"}  # fmt: skip


def test_a_new_demo_database_rates_its_indicators_as_an_upgraded_one_does(tmp_path) -> None:  # noqa: ANN001
    from dashboard.services.bootstrap import init_database
    from dashboard.settings import Settings
    from dashboard.store.database import get_engine

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    init_database(Settings(database_url=url), demo=True)
    engine = get_engine(url)
    with read_session(engine) as session:
        mission_id = session.exec(select(Mission.id)).one()
    found = evidence.for_mission(engine, mission_id, QUARTER, states=COUNTED, on_target=0.9)
    # two or three measures per objective, each with a target in the last year: the bundled catalog, all of it
    assert len(found.indicators) == 25 and not (found.indicators["rating"] == Rating.NO_TARGET).any()
    assert set(found.indicators["objective_code"].value_counts()) <= {2, 3}
    assert set(found.indicators["code"]) >= {"1.1.a", "1.1.c", "M1.b"}
    # the measures mostly agree with the statuses, and a few honestly do not, both ways
    split = found.disagreements.set_index("code")["status"].to_dict()
    assert 2 <= len(split) <= 4 and "Off track" in split.values() and {"On track", "Completed"} & set(split.values())


def test_the_missions_roll_up_reads_each_mission_s_evidence_as_its_own_status_does(world: World) -> None:
    from dashboard.views import missions

    world.submit(USAID, world.form("1.1", "USAID", QUARTER, status="On track", progress=80))
    _report(world, USAID, ValueRow(2, "1.1.a", "FY2026 Q4", "34"))
    own = evidence.for_mission(world.engine, world.mission_id, QUARTER, states=COUNTED, on_target=0.9)

    def every(bureau: str | None) -> evidence.Evidence:
        return evidence.for_missions(world.engine, QUARTER, states=COUNTED, on_target=0.9, bureau=bureau)

    # read for every mission at once, the mission's evidence is what its own status reads, row for row
    assert evidence.status_documents(every(None))[world.mission_id] == evidence.status_document(own)
    row = missions.mission_evidence(every(None)).set_index("mission_id").loc[world.mission_id]
    # 1.1.a is behind (34 of the way from 10 to 50: 60%) and 2.1.a has no value yet: one rated, none on target
    assert (row["indicators"], row["rated"], row["on_target"]) == (len(own.indicators), 1, 0) == (2, 1, 0)
    assert row["disagreements"] == len(own.disagreements) == 1
    assert row["on_target_share"] == 0
    with read_session(world.engine) as session:
        bureau = session.get(Mission, world.mission_id).bureau
    assert world.mission_id in evidence.status_documents(every(bureau))
    assert evidence.status_documents(every(next(b for b in ("AF", "EUR") if b != bureau))) == {}
