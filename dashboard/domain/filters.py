"""Dashboard filters and their round trip through the URL's query parameters."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.links import parse_quarter_token, quarter_token
from models.scales import RISK_ORDER, STATUS_ORDER

# query parameter -> Filters attribute
PARAMS = {
    "mission": "mission_id",
    "goal": "goals",
    "objective": "objectives",
    "agency": "agencies",
    "wg": "working_groups",
    "from": "start",
    "to": "end",
    "status": "statuses",
    "risk": "risks",
}


@dataclass(frozen=True)
class Filters:
    """What the user has narrowed the view to. Empty tuples mean "all"."""

    mission_id: int | None = None
    goals: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    working_groups: tuple[str, ...] = ()
    start: FiscalQuarter | None = None
    end: FiscalQuarter | None = None
    statuses: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def narrows_objectives(self) -> bool:
        return bool(self.goals or self.objectives or self.working_groups or self.statuses or self.risks)

    def to_query_params(self) -> dict[str, str | list[str]]:
        """Only the filters that are set, as strings; lists for multi-value filters."""
        out: dict[str, str | list[str]] = {}
        if self.mission_id is not None:
            out["mission"] = str(self.mission_id)
        for key in ("goal", "objective", "agency", "wg", "status", "risk"):
            values = getattr(self, PARAMS[key])
            if values:
                out[key] = list(values)
        if self.start is not None:
            out["from"] = quarter_token(self.start)
        if self.end is not None:
            out["to"] = quarter_token(self.end)
        return out

    @classmethod
    def from_query_params(cls, get_all: Callable[[str], list[str]]) -> "Filters":
        """Read filters from query parameters (``get_all(key)`` returns every value of a key).

        Values that make no sense are dropped and reported in ``problems`` instead of failing.
        """
        problems: list[str] = []

        def many(key: str, allowed: list[str] | None = None, split: bool = True) -> tuple[str, ...]:
            # Codes may come comma-separated; names (working groups) may contain commas, so never split those.
            values: list[str] = []
            for raw in get_all(key):
                for part in raw.split(",") if split else [raw]:
                    part = part.strip()
                    if not part:
                        continue
                    if allowed is not None:
                        match = next((a for a in allowed if a.lower() == part.lower()), None)
                        if match is None:
                            problems.append(f"ignored unknown {key} {part!r}")
                            continue
                        part = match
                    if part not in values:
                        values.append(part)
            return tuple(values)

        def quarter(key: str) -> FiscalQuarter | None:
            values = get_all(key)
            if not values:
                return None
            try:
                return parse_quarter_token(values[-1])
            except ValueError:
                problems.append(f"ignored {key}={values[-1]!r}: expected e.g. 2026Q4")
                return None

        mission_id: int | None = None
        mission_values = get_all("mission")
        if mission_values:
            if mission_values[-1].isdigit():
                mission_id = int(mission_values[-1])
            else:
                problems.append(f"ignored mission={mission_values[-1]!r}")
        start, end = quarter("from"), quarter("to")
        if start and end and start > end:
            problems.append("the start quarter was after the end quarter; swapped them")
            start, end = end, start
        return cls(
            mission_id=mission_id,
            goals=many("goal"),
            objectives=many("objective"),
            agencies=many("agency"),
            working_groups=many("wg", split=False),
            start=start,
            end=end,
            statuses=many("status", STATUS_ORDER),
            risks=many("risk", RISK_ORDER),
            problems=tuple(problems),
        )

    @classmethod
    def from_mapping(cls, params: Mapping[str, str | list[str]]) -> "Filters":
        def get_all(key: str) -> list[str]:
            value = params.get(key)
            if value is None:
                return []
            return [value] if isinstance(value, str) else list(value)

        return cls.from_query_params(get_all)

    def replaced(self, **changes: object) -> "Filters":
        return replace(self, **changes)  # type: ignore[arg-type]
