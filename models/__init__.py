"""Data shapes: SQLModel tables and the validated input schemas that feed them."""

from models.scales import Direction, ObjectiveKind, ReviewState, RiskLevel, Role, Status
from models.schemas import (
    AgencyCreate,
    IndicatorCreate,
    IndicatorValueCreate,
    StatusUpdateCreate,
    format_validation_error,
)
from models.tables import (
    Agency,
    Goal,
    Indicator,
    IndicatorValue,
    Mission,
    Objective,
    ObjectiveAgency,
    StatusUpdate,
    WorkingGroup,
    WorkingGroupAgency,
    WorkingGroupObjective,
)

__all__ = [
    "Agency",
    "AgencyCreate",
    "Direction",
    "Goal",
    "Indicator",
    "IndicatorCreate",
    "IndicatorValue",
    "IndicatorValueCreate",
    "Mission",
    "Objective",
    "ObjectiveAgency",
    "ObjectiveKind",
    "ReviewState",
    "RiskLevel",
    "Role",
    "Status",
    "StatusUpdate",
    "StatusUpdateCreate",
    "WorkingGroup",
    "WorkingGroupAgency",
    "WorkingGroupObjective",
    "format_validation_error",
]
