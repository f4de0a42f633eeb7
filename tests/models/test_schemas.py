import pickle

import pytest
from pydantic import ValidationError

from models import AgencyCreate, IndicatorCreate, StatusUpdate, StatusUpdateCreate, UpdateInput, format_validation_error
from models.schemas import NARRATIVE_MAX_CHARS, FieldError, validation_problems

VALID = {
    "objective_id": 1,
    "agency_id": 1,
    "fiscal_year": 2024,
    "quarter": 2,
    "status": "On track",
    "progress": 40,
    "risk_level": "Medium",
    "author": "officer@state.gov",
}
VALID_INPUT = {name: value for name, value in VALID.items() if name != "author"}


def _errors(**changes: object) -> list[str]:
    with pytest.raises(ValidationError) as info:
        StatusUpdateCreate(**{**VALID, **changes})
    return format_validation_error(info.value)


def test_valid_update_builds_a_table_row() -> None:
    row = StatusUpdate.model_validate(StatusUpdateCreate(**VALID, accomplishments="  Trained 40 judges.  "))
    assert (row.progress, row.status, row.risk_level, row.revision) == (40, "On track", "Medium", 1)
    assert row.accomplishments == "Trained 40 judges."
    assert row.state == "submitted" and row.is_demo is False


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"progress": 150}, ["progress: must be at most 100"]),
        ({"progress": -1}, ["progress: must be at least 0"]),
        ({"progress": 40.5}, ["progress: must be a whole number"]),
        ({"quarter": 5}, ["quarter: must be at most 4"]),
        ({"quarter": 0}, ["quarter: must be at least 1"]),
        ({"fiscal_year": 1999}, ["fiscal_year: must be at least 2000"]),
        ({"status": "Fine"}, ["status: must be 'Not started', 'On track', 'At risk', 'Off track' or 'Completed'"]),
        ({"risk_level": "Severe"}, ["risk_level: must be 'Low', 'Medium', 'High' or 'Critical'"]),
        ({"author": ""}, ["author: is required"]),
        (
            {"challenges": "x" * (NARRATIVE_MAX_CHARS + 1)},
            [f"challenges: is too long: at most {NARRATIVE_MAX_CHARS} characters"],
        ),
        ({"colour": "red"}, ["colour: is not a known field"]),
    ],
)
def test_one_clear_message_per_bad_field(changes: dict[str, object], expected: list[str]) -> None:
    assert _errors(**changes) == expected


def test_several_bad_fields_each_get_a_message() -> None:
    messages = _errors(progress=150, quarter=9, status="??")
    assert [m.split(":")[0] for m in messages] == ["quarter", "status", "progress"]


def test_whole_float_progress_from_a_spreadsheet_is_accepted() -> None:
    assert StatusUpdateCreate(**{**VALID, "progress": 40.0}).progress == 40


def test_formula_like_text_is_kept_as_text() -> None:
    assert StatusUpdateCreate(**VALID, accomplishments="=1+1").accomplishments == "=1+1"


@pytest.mark.parametrize("acronym", ["", "X", "has space", "1ABC"])
def test_agency_acronym_rules(acronym: str) -> None:
    with pytest.raises(ValidationError):
        AgencyCreate(acronym=acronym, name="Some agency")


def test_indicator_direction_must_be_up_or_down() -> None:
    with pytest.raises(ValidationError) as info:
        IndicatorCreate(objective_id=1, name="Cases", baseline=1, target=2, direction="sideways")
    assert format_validation_error(info.value) == ["direction: must be 'up' or 'down'"]


def test_validation_problems_give_the_field_apart_from_the_message() -> None:
    with pytest.raises(ValidationError) as info:
        StatusUpdateCreate(**{**VALID, "progress": 150, "quarter": 0, "author": ""})
    problems = validation_problems(info.value)
    assert problems == [
        ("quarter", "must be at least 1"),
        ("progress", "must be at most 100"),
        ("author", "is required"),
    ]
    assert format_validation_error(info.value) == [f"{field}: {message}" for field, message in problems]


def test_narrative_problems_name_each_missing_narrative() -> None:
    form = UpdateInput(**{**VALID_INPUT, "status": "Off track", "accomplishments": "Done"})
    assert [field for field, _ in form.narrative_problems()] == ["challenges", "risk_note"]


def test_a_field_error_reads_as_field_colon_message_and_keeps_both_apart() -> None:
    error = FieldError("quarter", "Note: FY2026 Q4 has not started yet")
    assert isinstance(error, ValueError)
    assert str(error) == "quarter: Note: FY2026 Q4 has not started yet"
    assert (error.field, error.message) == ("quarter", "Note: FY2026 Q4 has not started yet")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.field, copy.message, str(copy)) == (error.field, error.message, str(error))
