"""``views.bulk_import``: the Submit page's spreadsheet upload, as a result the page shows (never an exception)."""

import pytest

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.views import bulk_import
from models import StatusUpdate
from tests import people
from tests.people import DEA, USAID, World

HEADER = "objective,agency,quarter,status,progress,risk_level,accomplishments,challenges,next_steps,risk_note\n"
GOOD = "1.1,USAID,FY2026 Q4,On track,40,Low,Trade mission held,,,\n"
BAD = "1.3,USAID,FY2026 Q4,On track,150,Low,Scholarships awarded,,,\n"


@pytest.fixture
def world(database_url: str) -> World:
    return people.build(database_url)


def _import(
    world: World, content: str, email: str = USAID, name: str = "q4.csv", max_bytes: int = 10**6
) -> bulk_import.ImportResult:
    return bulk_import.import_file(
        world.engine,
        actor_email=email,
        mission_id=world.mission_id,
        name=name,
        data=content.encode(),
        on_top=False,
        max_bytes=max_bytes,
    )


def test_a_good_file_is_stored_and_summarised(world: World) -> None:
    result = _import(world, HEADER + GOOD)
    assert (result.ok, result.message, result.errors) == (
        True,
        "wrote 1 update: row 2 (1.1 USAID FY2026 Q4); 0 unchanged",
        None,
    )
    assert world.count(StatusUpdate) == 1


def test_one_bad_row_stores_nothing_and_lists_the_row(world: World) -> None:
    result = _import(world, HEADER + GOOD + BAD)
    assert not result.ok and "nothing" in result.message.lower()
    assert result.errors is not None and result.errors[["Row", "Column"]].values.tolist() == [[3, "progress"]]
    assert world.count(StatusUpdate) == 0


@pytest.mark.parametrize(
    ("content", "email", "max_bytes", "said"),
    [
        (HEADER + GOOD, USAID, 10, "q4.csv: The file is 158 bytes; the limit is 10 bytes."),
        ("not,a,template\n1,2,3\n", USAID, 10**6, "q4.csv: The header row does not match the template"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_sentence_naming_it(
    world: World, content: str, email: str, max_bytes: int, said: str
) -> None:
    result = _import(world, content, email=email, max_bytes=max_bytes)
    assert not result.ok and result.message.startswith(said) and result.errors is None
    assert world.count(StatusUpdate) == 0


def test_rows_of_another_agency_are_refused(world: World) -> None:
    result = _import(world, HEADER + GOOD, email=DEA)
    assert not result.ok and result.message == "nothing written: 1 problem(s) in 1 row(s)"
    assert result.errors is not None
    assert result.errors.values.tolist() == [[2, "agency", "You report for DEA, not for USAID."]]
    assert world.count(StatusUpdate) == 0


def test_the_template_is_a_workbook_named_after_its_quarter(world: World) -> None:
    quarter = FiscalQuarter(2026, 4)
    assert bulk_import.template_name(quarter) == "status-updates-2026-Q4.xlsx"
    data = bulk_import.template(world.engine, USAID, world.mission_id, quarter)
    assert data[:2] == b"PK"  # an .xlsx is a zip archive
