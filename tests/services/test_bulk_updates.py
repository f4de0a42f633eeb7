"""Status updates through a spreadsheet: the template, reading CSV/XLSX, validation, the import and the CLI."""

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine
from sqlmodel import col, select

from dashboard.cli import main
from dashboard.domain import actor
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats import exports, spreadsheet
from dashboard.formats.spreadsheet import SpreadsheetError
from dashboard.services import admin, bulk_updates, submissions
from dashboard.services.bootstrap import init_database
from dashboard.services.bulk_updates import RowError
from dashboard.settings import Settings
from dashboard.store import queries
from dashboard.store.database import get_engine, read_session, write_session
from models import Agency, Indicator, IndicatorValue, Mission, Objective, StatusUpdate, UpdateInput, schemas
from models.schemas import FieldError

ROOT = Path(__file__).resolve().parents[2]
STRUCTURE = json.loads((ROOT / "data" / "peru_structure.json").read_text())
TODAY = date(2026, 11, 23)  # FY2027 Q1: FY2026 Q4 is the quarter being reported
Q4 = FiscalQuarter(2026, 4)
USAID_EMAIL = "ana@usaid.example.org"
DEA_EMAIL = "dan@dea.example.org"
BIG = 10 * 1024 * 1024

REQUIRED = [
    "objective",
    "agency",
    "quarter",
    "status",
    "progress",
    "risk_level",
    "accomplishments",
    "challenges",
    "next_steps",
    "risk_note",
]
# The template's layout: the objective's title beside its code, then the required columns, then the revision.
HEADERS = [REQUIRED[0], "objective_title", *REQUIRED[1:], "current_revision"]


def _letter(name: str) -> str:
    """The template's column letter of ``name``."""
    return get_column_letter(HEADERS.index(name) + 1)


def _codes_for(*acronyms: str) -> list[tuple[str, str]]:
    """(objective code, agency) pairs the agencies report on, in strategy order then acronym."""
    pairs = []
    for code, roles in STRUCTURE["objective_agencies"].items():
        on = {roles["lead"], *roles["contributing"]}
        pairs += [(code, a) for a in sorted(set(acronyms) & on, key=str.casefold)]
    return pairs


USAID_PAIRS = _codes_for("USAID")


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def db(database_url: str) -> Engine:
    """The bundled Peru strategy (no demo history) and two contributors without passwords."""
    init_database(Settings(database_url=database_url), demo=False)
    engine = get_engine(database_url)
    with write_session(engine) as session:
        for email, agency in ((USAID_EMAIL, "USAID"), (DEA_EMAIL, "DEA")):
            admin.add_user(
                session=session, actor_email=actor.SYSTEM_ACTOR, email=email, role="contributor", agencies=[agency]
            )
    return engine


def _mission_id(engine: Engine) -> int:
    with read_session(engine) as session:
        mission = session.exec(select(Mission)).one()
    assert mission.id is not None
    return mission.id


def _template(engine: Engine, email: str = USAID_EMAIL, quarter: FiscalQuarter = Q4) -> bytes:
    with read_session(engine) as session:
        return bulk_updates.template_xlsx(
            session=session, actor_email=email, mission_id=_mission_id(engine), quarter=quarter
        )


def _good(code: str, index: int) -> dict[str, Any]:
    return {
        "status": "On track",
        "progress": 10 + index * 5,
        "risk_level": "Medium" if index % 2 else "Low",
        "accomplishments": f"Trained 40 judges on objective {code}",
        "challenges": "Rains in Cusco delayed field visits",
        "next_steps": f"Second cohort in Q1 ({code})",
        "risk_note": "",
    }


def _fill(template: bytes, change: Callable[[int, dict[str, Any]], None] | None = None) -> bytes:
    """Fill every template row with good values; ``change(sheet_row, values)`` may then alter a row."""
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    column = {cell.value: cell.column for cell in sheet[1]}
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row=row, column=column["objective"]).value
        if code is None:
            continue
        values = {**_good(str(code), row), "objective": code}
        if change is not None:
            change(row, values)
        for name, value in values.items():
            sheet.cell(row=row, column=column[name]).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _as_csv(xlsx: bytes, *, bom: bool = True) -> bytes:
    """The first sheet of a workbook as CSV, the way Excel's "CSV UTF-8" saves it."""
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out)
    for row in sheet.iter_rows(values_only=True):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _import(
    engine: Engine,
    data: bytes,
    filename: str = "updates.xlsx",
    email: str = USAID_EMAIL,
    today: date = TODAY,
    dry_run: bool = False,
) -> bulk_updates.ImportReport:
    rows = spreadsheet.read_rows(data, filename, max_bytes=BIG)
    return bulk_updates.import_rows(
        engine=engine, actor_email=email, mission_id=_mission_id(engine), rows=rows, today=today, dry_run=dry_run
    )


def _stored(engine: Engine) -> list[StatusUpdate]:
    with read_session(engine) as session:
        return list(session.exec(select(StatusUpdate).order_by(col(StatusUpdate.id))).all())


def _sheet_rows(data: bytes) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def _written(pairs: list[tuple[str, str]]) -> str:
    """What the import summary says it wrote when every template row was new: rows 2, 3, ... with their update."""
    return ", ".join(f"{n} ({code} {agency} FY2026 Q4)" for n, (code, agency) in enumerate(pairs, start=2))


def _header(*names: str) -> str:
    return ",".join(names) + "\n"


CSV_HEADER = _header(*REQUIRED)


# --------------------------------------------------------------------------- template


def test_template_has_one_row_per_objective_the_agency_reports_on_and_drop_downs(db: Engine) -> None:
    data = _template(db)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Updates", "Instructions"]
    sheet = workbook["Updates"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "C2"  # the code and title stay in view
    rows = _sheet_rows(data)
    assert [(r["objective"], r["agency"]) for r in rows] == USAID_PAIRS
    assert len(USAID_PAIRS) == 9 and USAID_PAIRS[0] == ("1.1", "USAID") and USAID_PAIRS[-1] == ("M1", "USAID")
    assert {r["quarter"] for r in rows} == {"FY2026 Q4"}
    assert {r["current_revision"] for r in rows} == {0}
    assert all(r["objective_title"] for r in rows)
    assert all(r[name] is None for r in rows for name in ("status", "progress", "risk_level", "accomplishments"))

    checks = sheet.data_validations.dataValidation
    status = [v for v in checks if v.type == "list" and "On track" in (v.formula1 or "")]
    risk = [v for v in checks if v.type == "list" and "Critical" in (v.formula1 or "")]
    percent = [v for v in checks if v.type == "whole"]
    assert len(status) == len(risk) == len(percent) == 1
    assert status[0].formula1 == '"Not started,On track,At risk,Off track,Completed"'
    assert risk[0].formula1 == '"Low,Medium,High,Critical"'
    assert (percent[0].operator, percent[0].formula1, percent[0].formula2) == ("between", "0", "100")
    for check, name in ((status[0], "status"), (risk[0], "risk_level"), (percent[0], "progress")):
        column = _letter(name)
        assert f"{column}2" in check.sqref and f"{column}{len(rows) + 1}" in check.sqref
    instructions = " ".join(str(c.value) for row in workbook["Instructions"].iter_rows() for c in row if c.value)
    for name in HEADERS:
        assert name in instructions
    assert not [c for ws in workbook for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_template_orders_by_objective_then_agency_for_several_agencies(db: Engine) -> None:
    with write_session(db) as session:
        admin.add_user(
            session=session,
            actor_email=actor.SYSTEM_ACTOR,
            email="sam@state.example.org",
            role="contributor",
            agencies=["USAID", "State"],
        )
    rows = _sheet_rows(_template(db, "sam@state.example.org"))
    assert [(r["objective"], r["agency"]) for r in rows] == _codes_for("USAID", "State")
    assert [(r["objective"], r["agency"]) for r in rows[:2]] == [("1.1", "State"), ("1.1", "USAID")]


def test_template_refuses_someone_who_cannot_report(db: Engine) -> None:
    with write_session(db) as session:
        admin.add_user(session=session, actor_email=actor.SYSTEM_ACTOR, email="vi@example.org", role="viewer")
    for email in ("vi@example.org", "nobody@example.org", None):
        with pytest.raises(actor.AccessDenied):
            _template(db, email)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- round trip


def test_round_trip_xlsx_then_the_same_file_again_writes_nothing(db: Engine) -> None:
    filled = _fill(_template(db))
    report = _import(db, filled)
    assert report.ok and (report.written, report.unchanged) == (9, 0)
    assert report.summary() == f"wrote 9 updates: rows {_written(USAID_PAIRS)}; 0 unchanged"
    stored = _stored(db)
    assert len(stored) == 9
    assert {r.author for r in stored} == {USAID_EMAIL}
    assert {(r.fiscal_year, r.quarter, r.revision, r.state) for r in stored} == {(2026, 4, 1, "submitted")}
    first = stored[0]
    assert (first.status, first.progress, first.risk_level) == ("On track", 20, "Low")
    assert first.accomplishments == "Trained 40 judges on objective 1.1"
    assert first.risk_note == ""

    again = _import(db, filled)
    assert again.ok and (again.written, again.unchanged) == (0, 9)
    assert len(_stored(db)) == 9

    # A fresh template is pre-filled from the stored revisions and knows their numbers.
    fresh = _template(db)
    rows = _sheet_rows(fresh)
    assert {r["current_revision"] for r in rows} == {1}
    assert (rows[0]["status"], rows[0]["progress"], rows[0]["risk_level"]) == ("On track", 20, "Low")
    assert rows[0]["accomplishments"] == "Trained 40 judges on objective 1.1"
    assert _import(db, fresh).unchanged == 9

    workbook = openpyxl.load_workbook(io.BytesIO(fresh))
    workbook.worksheets[0][f"{_letter('progress')}2"] = 15
    workbook.worksheets[0][f"{_letter('status')}2"] = "At risk"
    workbook.worksheets[0][f"{_letter('risk_note')}2"] = "Funding gap; the working group watches it."
    workbook.worksheets[0][f"{_letter('challenges')}2"] = "The judicial budget was cut by a third."
    buffer = io.BytesIO()
    workbook.save(buffer)
    changed = _import(db, buffer.getvalue())
    assert (changed.written, changed.unchanged) == (1, 8)
    newest = _stored(db)[-1]
    assert (newest.revision, newest.progress, newest.status, newest.supersedes_id) == (2, 15, "At risk", first.id)


@pytest.mark.parametrize("bom", [True, False])
def test_the_same_data_as_csv(db: Engine, bom: bool) -> None:
    filled = _fill(_template(db))
    report = _import(db, _as_csv(filled, bom=bom), "updates.csv")
    assert report.ok and (report.written, report.unchanged) == (9, 0)
    assert _import(db, filled).unchanged == 9  # the XLSX holds the same data
    assert len(_stored(db)) == 9


def test_dry_run_validates_and_writes_nothing(db: Engine) -> None:
    report = _import(db, _fill(_template(db)), dry_run=True)
    assert report.ok and report.written == 9
    assert report.summary() == (
        f"would write 9 updates: rows {_written(USAID_PAIRS)}; 0 unchanged (dry run: nothing written)"
    )
    assert _stored(db) == []


# --------------------------------------------------------------------------- bad rows


def test_one_bad_row_among_good_rows_writes_nothing(db: Engine) -> None:
    def bad(row: int, values: dict[str, Any]) -> None:
        if row == 3:
            values["progress"] = 150

    report = _import(db, _fill(_template(db), bad))
    assert not report.ok and report.written == 0
    assert report.errors == [RowError(3, "progress", "150 is not between 0 and 100")]
    assert report.lines() == ["row 3, progress: 150 is not between 0 and 100"]
    assert _stored(db) == []


LONG = "x" * 100_000


@pytest.mark.parametrize(
    ("column", "value", "error_column", "expected"),
    [
        ("objective", "9.9", "objective", "unknown objective code 9.9"),
        ("progress", 150, "progress", "150 is not between 0 and 100"),
        ("progress", 40.5, "progress", "40.5 is not a whole number from 0 to 100"),
        ("progress", "lots", "progress", "lots is not a whole number"),
        ("quarter", "FY2030 Q1", "quarter", "FY2030 Q1 is outside the strategy period (FY2022 Q1 to FY2026 Q4)"),
        ("quarter", "next one", "quarter", "not a fiscal quarter"),
        ("agency", "DEA", "agency", "You report for USAID, not for DEA."),
        ("agency", "XYZ", "agency", "unknown agency XYZ"),
        ("objective", "2.1", "agency", "USAID is not a lead or contributing agency on objective 2.1"),
        ("status", "Great", "status", "Great is not a status"),
        ("risk_level", None, "risk_level", "is required"),
        ("accomplishments", LONG, "accomplishments", "is 100,000 characters long; the limit is 5,000"),
    ],
)
def test_each_bad_value_writes_nothing_and_says_why(
    db: Engine, column: str, value: object, error_column: str, expected: str
) -> None:
    def bad(row: int, values: dict[str, Any]) -> None:
        if row == 2:
            values[column] = value

    if value is LONG:
        # An Excel cell holds at most 32,767 characters (openpyxl cuts longer text), so this comes as CSV.
        lines = list(csv.reader(io.StringIO(_as_csv(_fill(_template(db))).decode("utf-8-sig"))))
        lines[1][HEADERS.index(column)] = LONG
        out = io.StringIO()
        csv.writer(out).writerows(lines)
        report = _import(db, out.getvalue().encode(), "u.csv")
    else:
        report = _import(db, _fill(_template(db), bad))
    assert not report.ok and report.written == 0
    assert [(e.row, e.column) for e in report.errors] == [(2, error_column)], report.lines()
    assert expected in report.errors[0].message
    assert _stored(db) == []


def _csv_with_cell(engine: Engine, row: int, column: str, text: str) -> bytes:
    """The filled-in template as CSV, with ``text`` in that row's cell of ``column``."""
    lines = list(csv.reader(io.StringIO(_as_csv(_fill(_template(engine))).decode("utf-8-sig"))))
    lines[row - 1][HEADERS.index(column)] = text
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return out.getvalue().encode()


def test_a_csv_cell_up_to_the_cell_limit_is_read_and_checked_like_any_text(db: Engine) -> None:
    # Past 131,072 characters Python's CSV reader stops on its own limit; the reader promises 200,000.
    report = _import(db, _csv_with_cell(db, 2, "accomplishments", "x" * spreadsheet.MAX_CELL_CHARS), "u.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "accomplishments")], report.lines()
    assert "is 200,000 characters long; the limit is 5,000" in report.errors[0].message
    assert _stored(db) == []


def test_a_csv_cell_past_the_cell_limit_is_refused_naming_its_row_and_column(db: Engine) -> None:
    data = _csv_with_cell(db, 3, "risk_note", "x" * (spreadsheet.MAX_CELL_CHARS + 1))
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheet.read_rows(data, "u.csv", max_bytes=BIG)
    assert str(caught.value) == (
        f"Row 3, column {_letter('risk_note')} has 200,001 characters; a cell may hold at most 200,000."
    )
    assert _stored(db) == []


def test_a_quarter_that_has_not_started_yet_is_refused(db: Engine) -> None:
    report = _import(db, _fill(_template(db)), today=date(2026, 6, 30))
    assert len(report.errors) == 9
    assert {(e.column, e.message) for e in report.errors} == {("quarter", "FY2026 Q4 has not started yet")}
    assert _stored(db) == []


def test_every_error_in_every_row_is_reported_in_row_order(db: Engine) -> None:
    def bad(row: int, values: dict[str, Any]) -> None:
        if row == 2:
            values.update(progress=-5, status="Fine", challenges=LONG)
        if row == 5:
            values.update(objective="9.9", agency="DEA")
        if row == 7:
            values["quarter"] = "FY2030 Q1"

    report = _import(db, _fill(_template(db), bad))
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "status"),
        (2, "progress"),
        (2, "challenges"),
        (5, "objective"),
        (5, "agency"),
        (7, "quarter"),
    ]
    assert report.summary() == "nothing written: 6 problem(s) in 3 row(s)"
    assert _stored(db) == []


def test_the_same_update_twice_in_one_file_is_an_error_on_the_second_row(db: Engine) -> None:
    data = (
        CSV_HEADER + "1.1,USAID,FY2026 Q4,On track,40,Low,Done,,,\n"
        "1.2,USAID,FY2026 Q4,On track,40,Low,Done,,,\n"
        "1.1,usaid,fy2026 q4,At risk,30,High,Done,Rains,,Floods\n"
    ).encode()
    report = _import(db, data, "u.csv")
    assert [(e.row, e.column) for e in report.errors] == [(4, "objective")]
    assert "already on row 2" in report.errors[0].message
    assert _stored(db) == []


def test_values_are_matched_loosely_but_stored_canonically(db: Engine) -> None:
    data = (CSV_HEADER + "m1 , usaid, FY2026-Q4 , on TRACK , 40% , low ,  Done.  ,,,\n").encode()
    report = _import(db, data, "u.csv")
    assert report.ok and report.written == 1, report.lines()
    row = _stored(db)[0]
    assert (row.status, row.progress, row.risk_level, row.accomplishments) == ("On track", 40, "Low", "Done.")


def test_text_that_looks_like_a_formula_is_stored_as_text_and_exported_neutralised(db: Engine) -> None:
    def formulas(row: int, values: dict[str, Any]) -> None:
        if row == 2:
            values.update(accomplishments="=SUM(A1:A3)", challenges="'=1+1", next_steps="+51 1 618 2000")

    filled = _fill(_template(db), formulas)
    typed = openpyxl.load_workbook(io.BytesIO(filled)).worksheets[0][f"{_letter('accomplishments')}2"]
    assert typed.data_type == "f"  # typed as a formula
    assert _import(db, filled).written == 9
    row = _stored(db)[0]
    assert (row.accomplishments, row.challenges, row.next_steps) == ("=SUM(A1:A3)", "=1+1", "+51 1 618 2000")
    assert _import(db, _as_csv(filled), "u.csv").unchanged == 9

    # The export neutralises it: an apostrophe in front, and no formula cell anywhere.
    mission_id = _mission_id(db)
    expected = queries.expected_frame(db, mission_id)
    updates = queries.updates_frame(db, mission_id, narratives=True)
    frame = exports.export_frame(expected, updates)
    exported = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(frame))).worksheets[0]
    header = [c.value for c in exported[1]]
    cells = [r[header.index("accomplishments")] for r in exported.iter_rows(min_row=2)]
    sums = [c for c in cells if "SUM" in str(c.value)]
    assert [(c.value, c.data_type) for c in sums] == [("'=SUM(A1:A3)", "s")]
    assert not [c for r in exported.iter_rows() for c in r if c.data_type == "f"]

    # So does a fresh template, and uploading it again changes nothing.
    fresh = _template(db)
    sheet = openpyxl.load_workbook(io.BytesIO(fresh)).worksheets[0]
    cell = sheet[f"{_letter('accomplishments')}2"]
    assert (cell.value, cell.data_type) == ("'=SUM(A1:A3)", "s")
    assert not [c for r in sheet.iter_rows() for c in r if c.data_type == "f"]
    assert _import(db, fresh).unchanged == 9


# --------------------------------------------------------------------------- conflicts and rollback


def _submit_directly(engine: Engine, code: str, progress: int, email: str = USAID_EMAIL) -> StatusUpdate:
    with write_session(engine) as session:
        objective = session.exec(select(Objective).where(Objective.code == code)).one()
        agency = session.exec(select(Agency).where(Agency.acronym == "USAID")).one()
        assert objective.id is not None and agency.id is not None
        latest = submissions.latest_revision(session, (objective.id, agency.id, 2026, 4))
        form = UpdateInput(
            objective_id=objective.id,
            agency_id=agency.id,
            fiscal_year=2026,
            quarter=4,
            status="At risk",
            progress=progress,
            risk_level="High",
            accomplishments="Second cohort trained",
            challenges="Rains delayed field visits",
            risk_note="Funding gap; the working group watches it.",
        )
        return submissions.submit(
            session=session,
            actor_email=email,
            form=form,
            base_revision=latest.revision if latest else 0,
            today=TODAY,
        )


def test_a_revision_saved_since_the_template_was_downloaded_is_a_conflict(db: Engine) -> None:
    filled = _fill(_template(db))  # current_revision 0 everywhere
    _submit_directly(db, "1.2", 55)  # someone saves revision 1 of row 3's update meanwhile
    report = _import(db, filled)
    assert [(e.row, e.column) for e in report.errors] == [(3, "current_revision")]
    message = report.errors[0].message
    assert f"{USAID_EMAIL} saved revision 1 of 1.2 USAID FY2026 Q4 since this template was downloaded" in message
    assert len(_stored(db)) == 1

    # A blank current_revision does not switch the check off: the row is refused with the reason ...
    rows = spreadsheet.read_rows(filled, "u.xlsx", max_bytes=BIG)
    for row in rows:
        row["current_revision"] = ""
    report = bulk_updates.import_rows(
        engine=db, actor_email=USAID_EMAIL, mission_id=_mission_id(db), rows=rows, today=TODAY
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, "current_revision")]
    assert f"already has revision 1 by {USAID_EMAIL}" in report.errors[0].message
    assert "submit on top" in report.errors[0].message
    assert len(_stored(db)) == 1

    # ... unless the user chooses to submit on top: then the upload becomes revision 2.
    report = bulk_updates.import_rows(
        engine=db, actor_email=USAID_EMAIL, mission_id=_mission_id(db), rows=rows, today=TODAY, on_top=True
    )
    assert report.written == 9
    assert max(r.revision for r in _stored(db)) == 2


@pytest.mark.parametrize(("value", "expected"), [("7", "revision 7 of 1.1 USAID"), ("abc", "not a revision number")])
def test_a_current_revision_that_cannot_be_right_is_an_error(db: Engine, value: str, expected: str) -> None:
    rows = spreadsheet.read_rows(_fill(_template(db)), "u.xlsx", max_bytes=BIG)
    rows[0]["current_revision"] = value
    report = bulk_updates.import_rows(
        engine=db, actor_email=USAID_EMAIL, mission_id=_mission_id(db), rows=rows, today=TODAY
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "current_revision")]
    assert expected in report.errors[0].message
    assert _stored(db) == []


def test_a_failure_while_writing_rolls_back_every_row(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    real = submissions.submit
    calls = []

    def flaky(**kwargs: Any) -> StatusUpdate:
        calls.append(kwargs["form"].objective_id)
        if len(calls) == 3:
            raise submissions.Conflict(StatusUpdate(author="eve@usaid.example.org", revision=1), 0)
        return real(**kwargs)

    monkeypatch.setattr(submissions, "submit", flaky)
    report = _import(db, _fill(_template(db)))
    assert [(e.row, e.column) for e in report.errors] == [(4, "current_revision")]
    assert "Nothing was overwritten" in report.errors[0].message
    assert report.written == 0
    assert _stored(db) == []


def test_only_an_account_that_may_write_can_import(db: Engine) -> None:
    filled = _fill(_template(db))
    with write_session(db) as session:
        admin.add_user(session=session, actor_email=actor.SYSTEM_ACTOR, email="vi@example.org", role="viewer")
        admin.update_user(session=session, actor_email=actor.SYSTEM_ACTOR, email=DEA_EMAIL, disabled=True)
    for email, expected in (
        ("nobody@example.org", "has no account here"),
        ("vi@example.org", "viewer access"),
        (DEA_EMAIL, "is disabled"),
    ):
        with pytest.raises(actor.AccessDenied, match=expected):
            _import(db, filled, email=email)
    assert _stored(db) == []


def test_another_agency_cannot_import_usaid_rows(db: Engine) -> None:
    report = _import(db, _fill(_template(db)), email=DEA_EMAIL)
    assert len(report.errors) == 9
    assert {(e.column, e.message) for e in report.errors} == {("agency", "You report for DEA, not for USAID.")}
    assert _stored(db) == []


# --------------------------------------------------------------------------- reading files (no database)


def _minimal_csv(*lines: str, header: str = CSV_HEADER) -> bytes:
    return (header + "".join(line + "\n" for line in lines)).encode()


def test_read_rows_keeps_text_strips_whitespace_and_only_the_neutralising_apostrophe() -> None:
    data = _minimal_csv(
        " 1.1 ,USAID,FY2026 Q4,On track,40,Low,  '=1+1 ,'-5,'plain quote,\"a, b\"",
        ",,,,,,,,,",
        "1.2,USAID,FY2026 Q4,On track,40,Low,'@home,'\t=x,,",
    )
    rows = spreadsheet.read_rows(data, "u.CSV", max_bytes=BIG)
    assert [r["_row"] for r in rows] == [2, 4]  # the empty row is skipped, numbers stay as the user sees them
    assert rows[0]["objective"] == "1.1"
    assert (rows[0]["accomplishments"], rows[0]["challenges"]) == ("=1+1", "-5")
    assert (rows[0]["next_steps"], rows[0]["risk_note"]) == ("'plain quote", "a, b")
    assert (rows[1]["accomplishments"], rows[1]["challenges"]) == ("@home", "=x")
    assert rows[0]["current_revision"] == ""


def test_read_rows_accepts_semicolons_a_bom_and_headers_in_any_case_and_order() -> None:
    header = "Risk Level;Objective;agency;QUARTER;status;progress;next_steps;challenges;accomplishments;risk_note\n"
    data = (header + "Low;1.1;USAID;FY2026 Q4;On track;40;;;Perú: 50 %;\n").encode("utf-8-sig")
    (row,) = spreadsheet.read_rows(data, "u.csv", max_bytes=BIG)
    assert (row["risk_level"], row["objective"], row["accomplishments"]) == ("Low", "1.1", "Perú: 50 %")


def test_read_rows_ignores_the_helper_title_and_keeps_current_revision() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([*REQUIRED, "objective_title", "current_revision"])  # the earlier layout reads the same
    sheet.append(["1.1", "USAID", "FY2026 Q4", "On track", 40.0, "Low", None, None, None, None, "Title", 3])
    sheet.append([None] * 12)
    sheet.append(["M1", "USAID", "FY2026 Q4", "Completed", 100, "Low", "ok", None, None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = spreadsheet.read_rows(buffer.getvalue(), "u.xlsx", max_bytes=BIG)
    assert [r["_row"] for r in rows] == [2, 4]
    assert "objective_title" not in rows[0]
    assert (rows[0]["progress"], rows[0]["current_revision"], rows[1]["current_revision"]) == ("40", "3", "")


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"x" * 2048, "u.csv", "The file is 2,048 bytes; the limit is 1,024 bytes."),
        (b"", "u.csv", "The file is empty."),
        (CSV_HEADER.encode(), "u.csv", "no data rows"),
        (b",,,\n,,,\n", "u.csv", "needs a header row"),
        (_minimal_csv("1.1,USAID", header="objective,agency\n"), "u.csv", "missing columns: quarter, status"),
        (
            _minimal_csv("1.1,USAID,FY2026 Q4,On track,40,Low,,,,,x", header=CSV_HEADER.strip() + ",comment,owner\n"),
            "u.csv",
            "unknown columns: comment, owner",
        ),
        (_minimal_csv("1.1,USAID,FY2026 Q4,On track,40,Low,,,,,extra"), "u.csv", "column K, which has no header"),
        (_minimal_csv("1.1"), "updates.txt", "updates.txt is not a .csv or .xlsx file"),
        (_minimal_csv("1.1"), "updates.xls", "Old Excel .xls files are not supported"),
        (b"PK\x03\x04 not really a workbook", "u.xlsx", "cannot be read as an Excel workbook"),
        ((CSV_HEADER + "1.1,Perú\n").encode("latin-1"), "u.csv", "not UTF-8"),
    ],
)
def test_read_rows_refuses_unusable_files_with_one_clear_message(data: bytes, filename: str, expected: str) -> None:
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheet.read_rows(data, filename, max_bytes=1024)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_size_limit_is_in_megabytes() -> None:
    with pytest.raises(SpreadsheetError, match=r"^The file is 12\.0 MB; the limit is 10\.0 MB\.$"):
        spreadsheet.check_size(12 * 1024 * 1024, BIG)
    spreadsheet.check_size(BIG, BIG)


# --------------------------------------------------------------------------- command line


@pytest.fixture
def cli_db(db: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("ICS_MAX_IMPORT_BYTES", "ICS_DEMO_ON_NEW_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    return db


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(code: int, err: str) -> str:
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_cli_import_writes_then_finds_everything_unchanged(
    cli_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "usaid.xlsx"
    path.write_bytes(_fill(_template(cli_db)))
    code, out, err = _cli(capsys, "updates", "import", str(path), "--as", USAID_EMAIL, "--dry-run")
    rows = _written(USAID_PAIRS)
    assert (code, out.strip(), err) == (
        0,
        f"would write 9 updates: rows {rows}; 0 unchanged (dry run: nothing written)",
        "",
    )
    assert _stored(cli_db) == []
    code, out, err = _cli(capsys, "updates", "import", str(path), "--as", USAID_EMAIL)
    assert (code, out.strip(), err) == (0, f"wrote 9 updates: rows {rows}; 0 unchanged", "")
    code, out, _ = _cli(capsys, "updates", "import", str(path), "--as", USAID_EMAIL.upper(), "--mission", "peru")
    assert (code, out.strip()) == (0, "wrote 0 updates, 9 unchanged")
    assert {r.author for r in _stored(cli_db)} == {USAID_EMAIL} and len(_stored(cli_db)) == 9


def test_cli_import_of_a_bad_file_prints_each_row_error_and_writes_nothing(
    cli_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def bad(row: int, values: dict[str, Any]) -> None:
        if row == 2:
            values["progress"] = 150
        if row == 4:
            values["objective"] = "9.9"

    path = tmp_path / "usaid.csv"
    path.write_bytes(_as_csv(_fill(_template(cli_db), bad)))
    code, out, err = _cli(capsys, "updates", "import", str(path), "--as", USAID_EMAIL)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "row 2, progress: 150 is not between 0 and 100",
        "row 4, objective: unknown objective code 9.9 (not in the Peru strategy)",
        "error: nothing written: 2 problem(s) in 2 row(s)",
    ]
    assert _stored(cli_db) == []


def test_cli_import_one_line_errors(
    cli_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "usaid.xlsx"
    path.write_bytes(_fill(_template(cli_db)))
    code, _, err = _cli(capsys, "updates", "import", str(path), "--as", "nobody@example.org")
    assert "nobody@example.org has no account here" in _one_line_error(code, err)
    code, _, err = _cli(capsys, "updates", "import", str(tmp_path / "missing.xlsx"), "--as", USAID_EMAIL)
    assert "file not found" in _one_line_error(code, err)
    code, _, err = _cli(capsys, "updates", "import", str(path), "--as", USAID_EMAIL, "--mission", "Chile")
    assert "unknown mission 'Chile'" in _one_line_error(code, err)
    monkeypatch.setenv("ICS_MAX_IMPORT_BYTES", "1024")
    code, _, err = _cli(capsys, "updates", "import", str(path), "--as", USAID_EMAIL)
    assert "usaid.xlsx: The file is" in _one_line_error(code, err) and "the limit is 1,024 bytes" in err
    assert _stored(cli_db) == []


def test_the_error_report_is_a_row_column_problem_table() -> None:
    errors = [
        bulk_updates.RowError(3, "progress", "150 is not between 0 and 100"),
        bulk_updates.RowError(4, "objective", "x"),
    ]
    frame = bulk_updates.errors_frame(errors)
    assert list(frame.columns) == ["Row", "Column", "Problem"]
    assert frame.values.tolist() == [[3, "progress", "150 is not between 0 and 100"], [4, "objective", "x"]]


def test_rows_missing_a_required_narrative_are_row_errors(db: Engine) -> None:
    data = (
        CSV_HEADER + "1.1,USAID,FY2026 Q4,On track,40,Low,,,,\n"
        "1.2,USAID,FY2026 Q4,Off track,10,High,Nothing moved,,,Funding cut\n"
        "1.3,USAID,FY2026 Q4,On track,40,Low,Done,,,\n"
    ).encode()
    report = _import(db, data, "u.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "accomplishments"), (3, "challenges")]
    assert "is required" in report.errors[0].message and "Off track" in report.errors[1].message
    assert _stored(db) == []


def test_indicator_columns_round_trip(db: Engine) -> None:
    with write_session(db) as session:
        objective = session.exec(select(Objective).where(Objective.code == "1.2")).one()
        session.add(Indicator(objective_id=objective.id, name="Judges trained", unit="people", baseline=0, target=80))
    template = _template(db)
    header = [c.value for c in openpyxl.load_workbook(io.BytesIO(template)).worksheets[0][1]]
    assert header == [*HEADERS, "Indicator 1.2: Judges trained"]

    def measured(row: int, values: dict[str, Any]) -> None:
        if values["objective"] == "1.2":
            values["Indicator 1.2: Judges trained"] = 35

    filled = _fill(template, measured)
    report = _import(db, filled)
    assert report.ok and report.written == 9, report.lines()
    with read_session(db) as session:
        assert [(v.value, v.revision) for v in session.exec(select(IndicatorValue))] == [(35.0, 1)]
    # the fresh template carries the value on 1.2's row only, and uploading it again changes nothing
    rows = _sheet_rows(_template(db))
    assert [r["Indicator 1.2: Judges trained"] for r in rows if r["objective"] == "1.2"] == [35]
    assert _import(db, _template(db)).unchanged == 9

    def misplaced(row: int, values: dict[str, Any]) -> None:
        if values["objective"] == "1.1":
            values["Indicator 1.2: Judges trained"] = "many"

    bad = _import(db, _fill(_template(db), misplaced))
    assert [(e.row, e.column) for e in bad.errors] == [(2, "Indicator 1.2: Judges trained")]
    assert "belongs to objective 1.2, not 1.1" in bad.errors[0].message


# --------------------------------------------------------------------------- each error in its column


def test_errors_frame_puts_each_error_of_several_bad_rows_in_its_column(db: Engine) -> None:
    data = (
        CSV_HEADER + "1.1,USAID,FY2026 Q4,Fine,40,Low,Done,,,\n"
        "1.2,USAID,FY2030 Q1,On track,40,Low,Done,,,\n"
        "1.3,DEA,FY2026 Q4,On track,140,Low,Done,,,\n"
        "2.1,USAID,FY2026 Q4,On track,40,Low,Done,,,\n"
        "1.1,USAID,FY2026 Q4,On track,40,Low,Done,,,\n"
        "M1,USAID,FY2026 Q4,Off track,10,High,Done,,,\n"
    ).encode()
    report = _import(db, data, "u.csv")
    frame = bulk_updates.errors_frame(report.errors)
    assert frame.values.tolist() == [
        [2, "status", "Fine is not a status (use one of: Not started, On track, At risk, Off track, Completed)"],
        [3, "quarter", "FY2030 Q1 is outside the strategy period (FY2022 Q1 to FY2026 Q4)"],
        [4, "agency", "You report for USAID, not for DEA."],
        [4, "progress", "140 is not between 0 and 100"],
        [5, "agency", "USAID is not a lead or contributing agency on objective 2.1"],
        [6, "objective", "1.1 USAID FY2026 Q4 is already on row 2: keep one row per objective, agency and quarter"],
        [7, "challenges", "is required when the status is Off track: say what held progress back"],
        [7, "risk_note", "is required when the status is Off track: say what the risk is and how it is mitigated"],
    ]
    assert _stored(db) == []


REWORDED = [
    "Note: the quarter closed while you were editing",
    "objective 1.1: reporting for this quarter has closed",
    "agency: closed",
    "closed",
]


@pytest.mark.parametrize("message", REWORDED)
@pytest.mark.parametrize(
    ("field", "column"), [("quarter", "quarter"), ("fiscal_year", "quarter"), ("base_revision", "current_revision")]
)
def test_a_reworded_message_stays_in_its_fields_column_while_checking(
    db: Engine, monkeypatch: pytest.MonkeyPatch, field: str, column: str, message: str
) -> None:
    """The column comes from the error's field, never from its text, whatever the text says."""

    def refuse(*args: object) -> None:
        raise FieldError(field, message)

    monkeypatch.setattr(submissions, "resolve_target", refuse)
    report = _import(db, (CSV_HEADER + "1.1,USAID,FY2026 Q4,On track,40,Low,Done,,,\n").encode(), "u.csv")
    assert report.errors == [RowError(2, column, message)]
    assert report.lines() == [f"row 2, {column}: {message}"]


@pytest.mark.parametrize("message", REWORDED)
def test_a_reworded_message_stays_in_its_fields_column_while_writing(
    db: Engine, monkeypatch: pytest.MonkeyPatch, message: str
) -> None:
    def refuse(**kwargs: object) -> None:
        raise FieldError("indicator_values", message)

    monkeypatch.setattr(submissions, "submit", refuse)
    report = _import(db, (CSV_HEADER + "1.1,USAID,FY2026 Q4,On track,40,Low,Done,,,\n").encode(), "u.csv")
    assert report.errors == [RowError(2, "indicator_values", message)]
    assert _stored(db) == []


def test_a_reworded_narrative_message_stays_in_the_narratives_column(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(schemas._REQUIRED_MESSAGES, "challenges", "Status {status}: progress: say what held it back")
    data = (CSV_HEADER + "1.1,USAID,FY2026 Q4,At risk,40,High,Done,,,Floods\n").encode()
    report = _import(db, data, "u.csv")
    assert report.errors == [RowError(2, "challenges", "Status At risk: progress: say what held it back")]


def test_a_rejected_form_puts_each_field_in_its_column(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """pydantic's own refusals (a fiscal year out of range, a missing field) land in the template's column."""

    def refuse(*args: object) -> None:
        UpdateInput(objective_id=1, agency_id=1, fiscal_year=1999, quarter=4, status="On track", progress=1)

    monkeypatch.setattr(submissions, "resolve_target", refuse)
    report = _import(db, (CSV_HEADER + "1.1,USAID,FY2026 Q4,On track,40,Low,Done,,,\n").encode(), "u.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "quarter"), (2, "risk_level")]
    assert report.errors[0].message == "must be at least 2000"


# --------------------------------------------------------------------------- completed, and switching into trouble


def test_a_completed_row_below_100_is_a_row_error_and_100_is_stored(db: Engine) -> None:
    data = (
        CSV_HEADER + "1.1,USAID,FY2026 Q4,Completed,95,Low,Reform law passed,,,\n"
        "1.2,USAID,FY2026 Q4,Completed,100,Low,Exchange programme ended,,,\n"
    ).encode()
    report = _import(db, data, "u.csv")
    assert report.lines() == [
        'row 2, progress: Completed with progress 95% would read "95% ✔ Completed" on every page and in the brief: '
        "set progress to 100, or choose the status that fits"
    ]
    assert _stored(db) == []
    report = _import(db, data.replace(b"Completed,95", b"Completed,100"), "u.csv")
    assert report.ok and report.written == 2


def test_a_row_switched_to_at_risk_with_its_on_track_texts_is_refused(db: Engine) -> None:
    on_track = "1.1,USAID,FY2026 Q4,On track,40,Low,Trained judges,No significant challenges this quarter.,,Low risk\n"
    assert _import(db, (CSV_HEADER + on_track).encode(), "u.csv").written == 1
    rows = _sheet_rows(_template(db))
    assert (rows[0]["objective"], rows[0]["challenges"], rows[0]["current_revision"]) == (
        "1.1",
        "No significant challenges this quarter.",
        1,
    )
    header = CSV_HEADER.strip() + ",current_revision\n"
    switched = on_track.strip().replace("On track,40,Low", "At risk,35,High") + ",1\n"
    report = _import(db, (header + switched).encode(), "u.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "challenges"), (2, "risk_note")]
    assert report.errors[0].message.startswith("still holds the text of revision 1, when the status was On track")
    assert len(_stored(db)) == 1

    rewritten = switched.replace("No significant challenges this quarter.", "Judges struck for a month").replace(
        "Low risk", "A longer strike would void the year"
    )
    assert _import(db, (header + rewritten).encode(), "u.csv").written == 1


def test_what_is_not_owed_is_neither_in_the_template_nor_accepted(db: Engine) -> None:
    """The template and the upload owe by the rule every page counts with: 3.2, retired from FY2026 Q4, is in
    the FY2026 Q3 template and not in Q4's, and a Q4 row for it is refused; so is a row for a quarter before
    reporting began (FY2022 Q3, the quarter after approval). Each refusal names its row and column."""
    q3 = FiscalQuarter(2026, 3)
    with write_session(db) as session:
        retired = session.exec(select(Objective).where(Objective.code == "3.2")).one()
        retired.retired_on, retired.retired_from_qindex = date(2026, 10, 15), Q4.index
        session.add(retired)
    codes = {q: [r["objective"] for r in _sheet_rows(_template(db, quarter=q))] for q in (q3, Q4)}
    assert "3.2" in codes[q3] and "3.2" not in codes[Q4]
    late_row = 2 + codes[q3].index("3.2")

    def moved(row: int, values: dict[str, Any]) -> None:
        if row in (2, late_row):
            values["quarter"] = "FY2022 Q2" if row == 2 else "FY2026 Q4"

    report = _import(db, _fill(_template(db, quarter=q3), moved))
    assert not report.ok and report.written == 0
    assert {(e.row, e.column, e.message) for e in report.errors} == {
        (2, "quarter", "FY2022 Q2 is before reporting began (FY2022 Q3): nothing is owed for it"),
        (late_row, "objective", "objective 3.2 was retired from FY2026 Q4: nothing is owed on it since"),
    }, report.lines()
    assert _stored(db) == []
