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


class UpdateKey(NamedTuple):
    """One update: an agency's report on an objective for a fiscal quarter (its revisions share the key)."""

    objective_id: int
    agency_id: int
    fiscal_year: int
    quarter: int
