# ruff: noqa: E501  (the refused-row table reads best one case per line)
"""Indicator reference sheets: an admin creates, changes, retires and reinstates a mission's indicators from a sheet
file or the form; each change is audited with its targets; bad input names the row and column and writes nothing;
what the export writes imports again with no change."""

import json
from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats import indicator_sheet
from dashboard.formats.indicator_sheet import SheetRow
from dashboard.services import indicator_sheets
from dashboard.services.indicator_sheets import SheetsRefused
from dashboard.store.database import read_session, write_session
from models import AuditEntry, Indicator, IndicatorTarget, IndicatorValue, Objective
from tests.people import ADMIN, USAID, World, build

HEADER = "objective,code,name,definition,unit,direction,baseline,baseline_fy,frequency,agency,data_source,target_FY2025,target_FY2026,target_FY2026_Q2"
FIRMS = "1.1,1.1.a,Firms exporting,Firms that export at least once,firms,increase,10,FY2022,quarterly,USAID,Customs,30,50,40"
CASES = "2.1,2.1.a,Cases still open,Share of cases open at year end,percent,decrease,60,2022,semiannual,state,Court data,,30,"


@pytest.fixture
def world(database_url: str) -> World:
    return build(database_url)


def _rows(*lines: str, header: str = HEADER) -> list[SheetRow]:
    return indicator_sheet.read_sheets("\n".join([header, *lines]).encode(), "sheets.csv", max_bytes=1_000_000)


def _import(world: World, *lines: str, actor: Any = ADMIN, header: str = HEADER) -> indicator_sheets.SheetsReport:
    rows = _rows(*lines, header=header)
    return indicator_sheets.import_sheets(world.engine, actor_email=actor, mission_id=world.mission_id, rows=rows)


def _stored(world: World) -> dict[str, dict[str, Any]]:
    """Each indicator by code: its fields as stored, and its targets as ``{(year, quarter): value}``."""
    with read_session(world.engine) as session:
        found = {}
        for indicator in session.exec(select(Indicator)).all():
            targets = session.exec(select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id)).all()
            fields = indicator.model_dump(exclude={"id"})
            found[indicator.code] = {**fields, "targets": {(t.fiscal_year, t.quarter): t.value for t in targets}}
        return found


def _audit(world: World) -> list[tuple[str, str, str, Any, Any]]:
    with read_session(world.engine) as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.entity == "indicator").order_by(AuditEntry.id)).all()
        return [(r.actor, r.action, r.entity_key, json.loads(r.before), json.loads(r.after)) for r in rows]


def test_an_admin_creates_indicators_from_a_sheet_file_each_audited_with_its_targets(world: World) -> None:
    report = _import(world, FIRMS, CASES)
    assert report.ok and report.summary() == "indicators: 2 created, 0 changed, 0 retired, 0 unchanged"
    stored = _stored(world)
    firms, cases = stored["1.1.a"], stored["2.1.a"]
    assert firms["objective_id"] == world.objectives["1.1"] and firms["agency_id"] == world.agencies["USAID"]
    assert (firms["baseline"], firms["baseline_fy"], firms["direction"], firms["frequency"]) == (
        10,
        2022,
        "up",
        "quarterly",
    )
    assert firms["targets"] == {(2025, 0): 30, (2026, 0): 50, (2026, 2): 40}  # yearly targets are quarter 0
    assert firms["target"] == 50  # the latest year's target, for the code that reads one target
    assert (cases["direction"], cases["frequency"], cases["agency_id"]) == (
        "down",
        "semiannual",
        world.agencies["State"],
    )
    assert cases["targets"] == {(2026, 0): 30}  # an empty cell is no target that year
    audit = _audit(world)
    assert [(a[0], a[1], a[2], a[3]) for a in audit] == [
        (ADMIN, "create indicator", "1.1.a", None),
        (ADMIN, "create indicator", "2.1.a", None),
    ]
    assert audit[0][4]["targets"] == ["FY2025: 30", "FY2026: 50", "FY2026 Q2: 40"]
    assert audit[1][4]["direction"] == "decrease" and audit[1][4]["baseline_fy"] == "FY2022"


def test_a_row_with_a_stored_code_changes_that_indicator_its_values_stay_and_others_are_left_alone(
    world: World,
) -> None:
    _import(world, FIRMS, CASES)
    with write_session(world.engine) as session:
        firms = session.exec(select(Indicator).where(Indicator.code == "1.1.a")).one()
        session.add(IndicatorValue(indicator_id=firms.id, fiscal_year=2025, quarter=4, value=28, author=USAID))  # type: ignore[arg-type]
    changed = FIRMS.replace("Firms exporting", "Firms exporting goods").replace(",30,50,40", ",,60,")
    report = _import(world, changed)
    assert report.summary() == "indicators: 0 created, 1 changed, 0 retired, 0 unchanged"
    stored = _stored(world)
    assert stored["1.1.a"]["name"] == "Firms exporting goods"
    assert stored["1.1.a"]["targets"] == {(2026, 0): 60} and stored["1.1.a"]["target"] == 60
    assert stored["2.1.a"]["targets"] == {(2026, 0): 30}  # not in the file: left alone
    assert world.count(IndicatorValue) == 1  # its value stays
    *_, (actor, action, key, before, after) = _audit(world)
    assert (actor, action, key) == (ADMIN, "change indicator", "1.1.a")
    assert before["targets"] == ["FY2025: 30", "FY2026: 50", "FY2026 Q2: 40"] and after["targets"] == ["FY2026: 60"]
    assert (before["name"], after["name"]) == ("Firms exporting", "Firms exporting goods")
    assert _import(world, changed).summary() == "indicators: 0 created, 0 changed, 0 retired, 1 unchanged"
    assert len(_audit(world)) == 3  # the same file again: nothing changes, nothing is audited


def test_an_indicator_is_retired_never_deleted_and_can_be_reinstated(world: World) -> None:
    _import(world, FIRMS)
    indicator_id = _id(world, "1.1.a")
    with write_session(world.engine) as session:
        session.add(IndicatorValue(indicator_id=indicator_id, fiscal_year=2025, quarter=4, value=28, author=USAID))
        change = indicator_sheets.retire_indicator(
            session=session,
            actor_email=ADMIN,
            mission_id=world.mission_id,
            indicator_id=indicator_id,
            on=date(2026, 11, 2),
        )
    assert change.action == "retire indicator"
    assert _stored(world)["1.1.a"]["retired_on"] == date(2026, 11, 2) and world.count(IndicatorValue) == 1
    *_, (_, action, _, before, after) = _audit(world)
    assert (action, before["retired"], after["retired"]) == ("retire indicator", None, "2026-11-02")
    with write_session(world.engine) as session, pytest.raises(ValueError, match="1.1.a is already retired"):
        indicator_sheets.retire_indicator(session=session, actor_email=ADMIN, mission_id=world.mission_id,
                                          indicator_id=indicator_id, on=date(2026, 12, 1))  # fmt: skip
    retired_header = HEADER + ",retired"
    assert _import(world, FIRMS + ",", header=retired_header).summary() == (
        "indicators: 0 created, 0 changed, 0 retired, 1 reinstated, 0 unchanged"
    )
    assert _stored(world)["1.1.a"]["retired_on"] is None
    report = _import(world, FIRMS + ",2026-12-01", header=retired_header)  # and retired again, from the file
    assert report.changes[0].action == "retire indicator" and _stored(world)["1.1.a"]["retired_on"] == date(2026, 12, 1)


def _id(world: World, code: str) -> int:
    with read_session(world.engine) as session:
        return int(session.exec(select(Indicator.id).where(Indicator.code == code)).one())  # type: ignore[arg-type]


def test_an_indicator_from_before_reference_sheets_is_matched_by_objective_and_name_and_gets_its_code(
    world: World,
) -> None:
    with write_session(world.engine) as session:
        session.add(
            Indicator(
                objective_id=world.objectives["1.1"], name="Firms exporting", unit="firms", baseline=10, target=24
            )
        )
    report = _import(world, FIRMS)
    assert [c.action for c in report.changes] == ["change indicator"] and world.count(Indicator) == 1
    assert report.changes[0].before["code"] == "" and _stored(world)["1.1.a"]["target"] == 50  # type: ignore[index]


def test_only_an_admin_changes_sheets_and_the_operator_may(world: World) -> None:
    with pytest.raises(AccessDenied, match="Only an admin can do this"):
        _import(world, FIRMS, actor=USAID)
    assert world.count(Indicator) == 0 and _audit(world) == []
    assert _import(world, FIRMS, actor=SYSTEM_ACTOR).ok
    assert _audit(world)[0][0] == str(SYSTEM_ACTOR)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (CASES.replace(",60,2022", ",120,2022"), "row 3, baseline: 120 is not a percentage between 0 and 100"),
        (CASES.replace(",,30,", ",,101,"), "row 3, target_FY2026: 101 is not a percentage between 0 and 100"),
        (CASES.replace(",60,2022", ",sixty,2022"), "row 3, baseline: 'sixty' is not a number"),
        (CASES.replace(",,30,", ",n/a,30,"), "row 3, target_FY2025: 'n/a' is not a number"),
        (CASES.replace("2.1,", "9.9,", 1), "row 3, objective: unknown objective 9.9 (not in the Peru strategy)"),
        (
            CASES.replace(",state,", ",NASA,"),
            "row 3, agency: unknown agency NASA (known: DAO, DEA, DHS, FAS, FCS, MAAG, State, USAID)",
        ),
        (
            CASES.replace(",semiannual,", ",monthly,"),
            "row 3, frequency: unknown frequency 'monthly': write quarterly, semiannual, annual",
        ),
        (
            CASES.replace(",decrease,", ",sideways,"),
            "row 3, direction: 'sideways' is not a direction: write increase or decrease",
        ),
        (CASES.replace("2.1,2.1.a,", "2.1,1.1.A,"), "row 3, code: 1.1.A is also on row 2: one row per indicator"),
        (
            CASES.replace(",,30,", ",,60,"),
            "row 3, target_FY2026: 60 equals the baseline: a target must differ from its baseline (it would measure nothing)",
        ),
        (CASES.replace(",,30,", ",,30,60"), "row 3, target_FY2026_Q2: 60 equals the baseline"),
        (
            CASES.replace(",2022,", ",2026,"),
            "row 3, target_FY2026: FY2026 is not after the baseline year FY2026: targets start the year after it",
        ),
        (CASES.replace(",2022,", ",FY22,"), "row 3, baseline_fy: 'FY22' is not a fiscal year such as FY2022"),
        (CASES.replace(",Cases still open,", ",,"), "row 3, name: is required"),
        (
            CASES.replace(",semiannual,", ",annual,").replace(",,30,", ",,30,40"),
            "row 3, target_FY2026_Q2: an annual indicator has no value in Q2, so no target there",
        ),
    ],
)
def test_bad_input_names_the_row_and_column_and_nothing_is_written(world: World, line: str, problem: str) -> None:
    report = _import(world, FIRMS, line)
    assert not report.ok and report.summary().startswith("nothing written")
    assert [p.line() for p in report.problems][-1].startswith(problem), report.problems
    assert all(p.row == 3 for p in report.problems)  # the good row beside it is not blamed ...
    assert world.count(Indicator) == 0 and world.count(IndicatorTarget) == 0 and _audit(world) == []  # ... nor written


def test_every_problem_of_a_file_is_listed_at_once(world: World) -> None:
    report = _import(
        world, FIRMS.replace(",10,", ",ten,").replace(",USAID,", ",NASA,"), CASES.replace("2.1,", "9.9,", 1)
    )
    assert [p.line().split(":")[0] for p in report.problems] == [
        "row 2, baseline",
        "row 2, agency",
        "row 3, objective",
    ]


def _form(world: World, indicator_id: int | None, **cells: str) -> Any:
    row = indicator_sheet.read_sheets(f"{HEADER}\n{FIRMS}".encode(), "f.csv", max_bytes=10_000)[0]
    form = SheetRow(0, {**row.cells, **cells}, row.targets)
    with write_session(world.engine) as session:
        return indicator_sheets.save_sheet(
            session=session, actor_email=ADMIN, mission_id=world.mission_id, row=form, indicator_id=indicator_id
        )


def test_the_form_edits_one_sheet_and_refuses_another_indicators_code(world: World) -> None:
    _import(world, FIRMS, CASES)
    firms = _id(world, "1.1.a")
    change = _form(world, firms, code="1.1.b", unit="exporting firms")
    assert change.action == "change indicator" and _stored(world)["1.1.b"]["unit"] == "exporting firms"
    assert _form(world, firms, code="1.1.b", unit="exporting firms") is None  # nothing to change
    with pytest.raises(SheetsRefused) as refused:
        _form(world, firms, code="2.1.A", baseline="abc")
    assert (
        str(refused.value)
        == "baseline: 'abc' is not a number; code: 2.1.A is already the code of 'Cases still open' (objective 2.1)"
    )
    with pytest.raises(SheetsRefused, match="code: 2.1.a is already the code of"):
        _form(world, None, code="2.1.a")  # a new indicator cannot take a stored code either
    assert sorted(_stored(world)) == ["1.1.b", "2.1.a"]


def test_an_objective_that_is_retired_takes_no_indicator(world: World) -> None:
    with write_session(world.engine) as session:
        objective = session.get(Objective, world.objectives["1.1"])
        assert objective is not None
        objective.retired_on = date(2026, 1, 1)
        objective.retired_from_qindex = FiscalQuarter(2026, 2).index  # retired from the quarter in progress then
        session.add(objective)
    report = _import(world, FIRMS)
    assert [p.line() for p in report.problems] == ["row 2, objective: objective 1.1 is retired"]


def _full_sheets(world: World) -> None:
    """Sheets using every column: decimals, a negative target, interim targets, dates, text a spreadsheet would
    run as a formula, a retired indicator, and a target outside the strategy's years."""
    base = HEADER.split(",target_")[0]
    header = f"{base},calculation,collection_method,disaggregation,data_quality,established,reviewed,retired,target_FY2025,target_FY2026,target_FY2026_Q4,target_FY2027"
    firms = (
        "1.1,1.1.a,Firms exporting,Firms that export,firms,increase,10,FY2022,quarterly,USAID,Customs,,,,,,,,30,50,,"
    )
    rich = (
        '1.2,1.2.a,"=SUM(A1:A3) trained, by sex",Officers trained,officers,increase,0.1,FY2022,annual,DEA,'
        '"INL records, ""quarterly""",count,+survey,sex; region,-self reported,2022-10-01,2025-09-30,,12.5,25,24.75,40'
    )
    retired = "2.2,2.2.a,Old measure,,number,decrease,-5,FY2021,quarterly,FAS,,,,,,,,2026-03-31,-7,-9,-8.25,"
    report = _import(world, firms, rich, retired, header=header)
    assert report.ok, report.problems


@pytest.mark.parametrize("name", ["indicators.csv", "indicators.xlsx"])
def test_the_export_imports_again_with_no_change(world: World, name: str) -> None:
    _full_sheets(world)
    before, audited = _stored(world), len(_audit(world))
    with read_session(world.engine) as session:
        data, count = indicator_sheets.export_sheets(session=session, mission_id=world.mission_id, filename=name)
    assert count == 3
    rows = indicator_sheet.read_sheets(data, name, max_bytes=1_000_000)
    report = indicator_sheets.import_sheets(world.engine, actor_email=ADMIN, mission_id=world.mission_id, rows=rows)
    assert report.ok and not report.changes and report.unchanged == 3, report.changes
    assert _stored(world) == before and len(_audit(world)) == audited
    assert before["1.2.a"]["name"] == "=SUM(A1:A3) trained, by sex" and before["2.2.a"]["retired_on"] == date(
        2026, 3, 31
    )


def test_a_dry_run_lists_the_changes_and_writes_nothing(world: World) -> None:
    report = indicator_sheets.import_sheets(
        world.engine, actor_email=ADMIN, mission_id=world.mission_id, rows=_rows(FIRMS), dry_run=True
    )
    assert report.summary() == "indicators: 1 created, 0 changed, 0 retired, 0 unchanged (dry run: nothing written)"
    assert world.count(Indicator) == 0 and _audit(world) == []
