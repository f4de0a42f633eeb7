"""Validated input schemas. Every write goes through one of these first.

Each bad field yields one clear message; ``format_validation_error`` turns a
pydantic ``ValidationError`` into ``["progress: must be between 0 and 100", ...]``, and
``validation_problems`` into ``[("progress", "must be between 0 and 100"), ...]``.
"""

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from models.fields import labelled, required_narratives
from models.scales import Direction, ReviewState, RiskLevel, Status
from models.text import clean_text

NARRATIVE_MAX_CHARS = 5000
"""Longest narrative a status update accepts: about two pages of text."""

MIN_FISCAL_YEAR = 2000
MAX_FISCAL_YEAR = 2100

Narrative = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NARRATIVE_MAX_CHARS)]
ObjectiveCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^(\d+\.\d+|M\d+)$")]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        # Every text a schema accepts is cleaned first (control characters out, NFC), whatever its source.
        return clean_text(value) if isinstance(value, str) else value


class AgencyCreate(_Input):
    acronym: Annotated[str, StringConstraints(min_length=2, max_length=20, pattern=r"^[A-Za-z][A-Za-z0-9&/\-]*$")]
    name: Annotated[str, StringConstraints(min_length=2, max_length=200)]


class _UpdateFields(_Input):
    """One agency's update on one objective for one fiscal quarter: the fields every kind of input shares."""

    objective_id: int
    agency_id: int
    fiscal_year: int = Field(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)
    quarter: int = Field(ge=1, le=4)
    status: Status
    progress: int = Field(ge=0, le=100)
    risk_level: RiskLevel
    accomplishments: Narrative = ""
    challenges: Narrative = ""
    next_steps: Narrative = ""
    risk_note: Narrative = ""

    @field_validator("progress", mode="before")
    @classmethod
    def _whole_percent(cls, value: object) -> object:
        # Spreadsheets hand over 40.0 for 40; accept it, refuse 40.5.
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value


class StatusUpdateCreate(_UpdateFields):
    """A stored revision: the update plus its working group, state and author (set by the service)."""

    working_group_id: int | None = None
    state: ReviewState = ReviewState.SUBMITTED
    author: Annotated[str, StringConstraints(min_length=1, max_length=254)]
    is_demo: bool = False


class UpdateInput(_UpdateFields):
    """What a contributor types: the form, a spreadsheet row or a draft. The author comes from the sign-in."""

    indicator_values: dict[int, float] = Field(default_factory=dict)

    @field_validator("indicator_values")
    @classmethod
    def _finite(cls, values: dict[int, float]) -> dict[int, float]:
        for value in values.values():
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError("must be a number")
        return values

    def narrative_problems(self) -> list[tuple[str, str]]:
        """``(field, message)`` per narrative a submission needs and this one leaves empty.

        Checked on submit (form and spreadsheet), not on a draft: work in progress may be incomplete.
        """
        return [
            (name, _REQUIRED_MESSAGES[name].format(status=self.status))
            for name in required_narratives(self.status)
            if not getattr(self, name).strip()
        ]


_REQUIRED_MESSAGES = {
    "accomplishments": "is required: say what was achieved this quarter",
    "challenges": "is required when the status is {status}: say what held progress back",
    "risk_note": "is required when the status is {status}: say what the risk is and how it is mitigated",
}


class IndicatorCreate(_Input):
    objective_id: int
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    unit: Annotated[str, StringConstraints(max_length=40)] = ""
    baseline: float
    target: float
    direction: Direction = Direction.UP
    is_demo: bool = False


class IndicatorValueCreate(_Input):
    indicator_id: int
    fiscal_year: int = Field(ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR)
    quarter: int = Field(ge=1, le=4)
    value: float
    author: Annotated[str, StringConstraints(min_length=1, max_length=254)]
    is_demo: bool = False


_FRIENDLY = [
    (re.compile(r"^Input should be greater than or equal to (\S+)$"), "must be at least {0}"),
    (re.compile(r"^Input should be less than or equal to (\S+)$"), "must be at most {0}"),
    (re.compile(r"^String should have at most (\d+) characters?$"), "is too long: at most {0} characters"),
    (re.compile(r"^String should have at least 1 character$"), "is required"),
    (re.compile(r"^Input should be a valid integer.*$"), "must be a whole number"),
    (re.compile(r"^Input should be (.+)$"), "must be {0}"),
    (re.compile(r"^Field required$"), "is required"),
    (re.compile(r"^Extra inputs are not permitted$"), "is not a known field"),
]


def _friendly(message: str) -> str:
    for pattern, template in _FRIENDLY:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message[0].lower() + message[1:] if message else message


def validation_problems(error: ValidationError) -> list[tuple[str, str]]:
    """``(field, message)`` per bad field, in field order, without pydantic's URLs.

    ``field`` is the dotted location (``"progress"``, ``"indicator_values.7"``; ``"input"`` for the whole).
    """
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "input"
        if field in seen:
            continue
        seen.add(field)
        problems.append((field, _friendly(item["msg"])))
    return problems


def format_validation_error(error: ValidationError) -> list[str]:
    """One ``"field: message"`` line per bad field, in field order, without pydantic's URLs."""
    return [f"{field}: {message}" for field, message in validation_problems(error)]


def labelled_validation_error(error: ValidationError) -> list[str]:
    """One line per bad field, the field named as the form labels it: ``"Progress (%): must be at most 100"``."""
    return [labelled(field, message) for field, message in validation_problems(error)]


class FieldError(ValueError):
    """Input refused because of one field: ``field`` names it, ``message`` says why in free text.

    ``str()`` reads ``"field: message"`` like the services' other ValueErrors; code that needs the
    field (a spreadsheet's column) reads ``field``, never the text.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def __reduce__(self) -> tuple[type["FieldError"], tuple[str, str]]:
        return type(self), (self.field, self.message)
