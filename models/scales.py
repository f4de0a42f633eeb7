"""The fixed scales of the domain: status, risk level, roles and review states. Stored as their string values."""

from enum import StrEnum


class Status(StrEnum):
    NOT_STARTED = "Not started"
    ON_TRACK = "On track"
    AT_RISK = "At risk"
    OFF_TRACK = "Off track"
    COMPLETED = "Completed"


class RiskLevel(StrEnum):
    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"
    CRITICAL = "Critical"


class ObjectiveKind(StrEnum):
    MISSION = "mission"
    MANAGEMENT = "management"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


class ReviewState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class Role(StrEnum):
    VIEWER = "viewer"
    CONTRIBUTOR = "contributor"
    CHAIR = "chair"
    ADMIN = "admin"


# The State Department's regional bureaus; every post belongs to one.
BUREAUS: dict[str, str] = {
    "AF": "Africa",
    "EAP": "East Asia and Pacific",
    "EUR": "Europe and Eurasia",
    "NEA": "Near East",
    "SCA": "South and Central Asia",
    "WHA": "Western Hemisphere",
}
RELEASE_MARKINGS: tuple[str, ...] = ("FOR PUBLIC RELEASE", "UNCLASSIFIED", "SENSITIVE BUT UNCLASSIFIED")

STATUS_ORDER: list[str] = [s.value for s in Status]
RISK_ORDER: list[str] = [r.value for r in RiskLevel]
