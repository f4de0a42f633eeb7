"""The fields of a quarterly status update and the key that names one update."""

from typing import NamedTuple

NARRATIVE_FIELDS: tuple[str, ...] = ("accomplishments", "challenges", "next_steps", "risk_note")
UPDATE_FIELDS: tuple[str, ...] = ("status", "progress", "risk_level", *NARRATIVE_FIELDS)
FIELD_LABELS: dict[str, str] = {
    "status": "Status",
    "progress": "Progress (%)",
    "risk_level": "Risk level",
    "accomplishments": "Accomplishments",
    "challenges": "Challenges",
    "next_steps": "Next steps",
    "risk_note": "Risk and mitigation",
}
# How a message names a field the form shows: its label, never the internal name ("risk_note").
MESSAGE_LABELS: dict[str, str] = FIELD_LABELS | {
    "objective": "Objective",
    "objective_id": "Objective",
    "agency": "Agency",
    "agency_id": "Agency",
    "quarter": "Quarter",
    "fiscal_year": "Quarter",
    "indicator_values": "Indicators",
    "base_revision": "Revision",
    "comment": "Comment",
}


def labelled(field: str, message: str) -> str:
    """``"Risk and mitigation: is required …"``: a field's problem as the form's label names it. A field the
    form does not show keeps its name."""
    return f"{MESSAGE_LABELS.get(field.split('.')[0], field)}: {message}"


class UpdateKey(NamedTuple):
    """One update: an agency's report on an objective for a fiscal quarter (its revisions share the key)."""

    objective_id: int
    agency_id: int
    fiscal_year: int
    quarter: int


ALWAYS_REQUIRED: tuple[str, ...] = ("accomplishments",)
REQUIRED_WHEN_TROUBLED: tuple[str, ...] = ("challenges", "risk_note")
TROUBLED_STATUSES: tuple[str, ...] = ("At risk", "Off track")


def required_narratives(status: str) -> tuple[str, ...]:
    """The narratives a submitted update must fill in: accomplishments always; challenges and the risk note
    too when the status is At risk or Off track (a draft may leave any of them empty)."""
    return ALWAYS_REQUIRED + (REQUIRED_WHEN_TROUBLED if status in TROUBLED_STATUSES else ())


def required_hint(name: str) -> str:
    """What a form label adds to say a narrative is required: "" when it never is."""
    if name in ALWAYS_REQUIRED:
        return " (required)"
    if name in REQUIRED_WHEN_TROUBLED:
        return " (required when " + " or ".join(TROUBLED_STATUSES) + ")"
    return ""
