"""One control character must never break a download: text is cleaned on the way in and on the way out."""

import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text
from sqlmodel import select

from dashboard import cli
from dashboard.formats import exports, spreadsheet
from dashboard.services import admin, bulk_updates
from dashboard.store import queries
from dashboard.store.database import read_session, write_session
from models import Agency, StatusUpdate, UpdateInput
from models.text import clean_text
from tests.hostile.payloads import CONTROL_CHARACTERS
from tests.people import ADMIN, TODAY, USAID, World

CONTROL = [chr(c) for c in range(32) if chr(c) not in "\t\n"] + ["\x7f"]


def _has_control(value: str) -> bool:
    return any(c in value for c in CONTROL)


@pytest.mark.parametrize("payload", CONTROL_CHARACTERS)
def test_clean_text_removes_control_characters_and_keeps_the_words(payload: str) -> None:
    cleaned = clean_text(payload)
    assert not _has_control(cleaned)
    assert cleaned.split()[0] == payload.split()[0]


def test_clean_text_keeps_tabs_and_newlines_and_normalises() -> None:
    assert clean_text("a\tb\r\nc\rd") == "a\tb\nc\nd"
    assert clean_text("Cafe\u0301") == "Caf\u00e9"  # NFC


def test_the_form_stores_clean_text(world: World) -> None:
    row = world.submit(USAID, world.form(accomplishments=" ".join(CONTROL_CHARACTERS), challenges="x\x00y"))
    stored = world.all(StatusUpdate)[-1]
    assert stored.id == row.id
    assert not _has_control(stored.accomplishments) and stored.challenges == "xy"
    assert "bell" in stored.accomplishments and "red" in stored.accomplishments


def test_a_spreadsheet_upload_stores_clean_text(world: World) -> None:
    csv = (
        b"objective,agency,quarter,status,progress,risk_level,accomplishments,challenges,next_steps,risk_note\n"
        b"1.1,USAID,FY2026 Q4,On track,40,Low,rings \x07 twice,\x1b[31mred,,\n"
    )
    rows = spreadsheet.read_rows(csv, "u.csv", max_bytes=1_000_000)
    report = bulk_updates.import_rows(
        engine=world.engine, actor_email=USAID, mission_id=world.mission_id, rows=rows, today=TODAY
    )
    assert report.ok, report.lines()
    stored = world.all(StatusUpdate)[-1]
    assert (stored.accomplishments, stored.challenges) == ("rings  twice", "[31mred")


def test_admin_text_is_cleaned(world: World) -> None:
    with write_session(world.engine) as session:
        admin.save_agency(session=session, actor_email=ADMIN, acronym="NEW", name="New \x1b[2J agency\x07")
    with read_session(world.engine) as session:
        agency = session.exec(select(Agency).where(Agency.acronym == "NEW")).one()
    assert agency.name == "New [2J agency"


def test_no_write_path_lets_a_control_character_into_a_table(world: World) -> None:
    """Even a row built by hand, past every schema, is cleaned when it is flushed."""
    with write_session(world.engine) as session:
        agency = session.exec(select(Agency).where(Agency.acronym == "USAID")).one()
        agency.name = "U.S. Agency\x00 for International Development\x07"
        session.add(agency)
    with read_session(world.engine) as session:
        assert session.exec(select(Agency.name).where(Agency.acronym == "USAID")).one() == (
            "U.S. Agency for International Development"
        )


def _store_raw_control_characters(world: World) -> None:
    """A revision stored before text was cleaned: written with SQL, past the ORM."""
    world.submit(USAID, world.form(accomplishments="clean for now"))
    with write_session(world.engine) as session:
        if world.engine.dialect.name == "postgresql":
            session.execute(text("DROP TRIGGER IF EXISTS status_update_no_change ON status_update"))
        else:
            session.execute(text("DROP TRIGGER IF EXISTS status_update_no_update"))
        session.execute(text("UPDATE status_update SET accomplishments = :v"), {"v": "bell \x07 and escape \x1b here"})


def test_rows_stored_before_the_rule_never_break_the_excel_export(world: World, tmp_path: Path) -> None:
    _store_raw_control_characters(world)
    frame = exports.export_frame(
        queries.expected_frame(world.engine, world.mission_id),
        queries.updates_frame(world.engine, world.mission_id, narratives=True),
    )
    assert "\x07" in frame["accomplishments"].iloc[0]  # really stored raw
    workbook = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(frame)))
    assert workbook.active is not None
    values = [str(c.value) for row in workbook.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert "bell  and escape  here" in values
    assert not any(_has_control(v) for v in values)
    assert not _has_control(exports.to_csv_bytes(frame).decode("utf-8-sig").replace("\r", "").replace("\n", ""))

    out = tmp_path / "export.xlsx"
    code = cli.main(["updates", "export", "--format", "xlsx", "--out", str(out)])
    assert code == 0 and out.stat().st_size > 0


@pytest.fixture
def world(database_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    from tests import people

    monkeypatch.setenv("DATABASE_URL", database_url)
    return people.build(database_url)


def test_form_schema_cleans_before_validating() -> None:
    form = UpdateInput(
        objective_id=1,
        agency_id=1,
        fiscal_year=2026,
        quarter=4,
        status="On track",
        progress=5,
        risk_level="Low",
        accomplishments="\x07\x07done\x1b",
    )
    assert form.accomplishments == "done"


@pytest.mark.parametrize(
    "invisible",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
    + ["\u200b", "\u2060", "\ufeff", "\u00ad", "\U000e0041"],
)
def test_clean_text_removes_bidi_overrides_isolates_and_invisible_format_characters(invisible: str) -> None:
    assert clean_text(f"SIGN {invisible}AGREEMENT{invisible}") == "SIGN AGREEMENT"


@pytest.mark.parametrize(
    "text",
    [
        "\u05e9\u05dc\u05d5\u05dd\u200f (2026)",  # Hebrew with a right-to-left mark
        "\u200eABC \u0645\u0631\u062d\u0628\u0627\u061c",  # a left-to-right mark, an Arabic letter mark
        "\U0001f469\u200d\U0001f4bb",  # an emoji sequence joined by ZWJ
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian with a zero-width non-joiner
    ],
)
def test_clean_text_keeps_the_marks_and_joiners_languages_need(text: str) -> None:
    assert clean_text(text) == text


def test_a_narrative_with_a_bidi_override_is_stored_without_it(world: World) -> None:
    world.submit(USAID, world.form(accomplishments="SIGN \u202eTNEMEERGA\u202c today", challenges="x\u2066y\u2069"))
    stored = world.all(StatusUpdate)[-1]
    assert (stored.accomplishments, stored.challenges) == ("SIGN TNEMEERGA today", "xy")
