"""The quarterly brief as plain data: what ``views.brief`` computes and the PowerPoint and PDF writers draw.

Nothing here reads the database or decides visibility: a ``Brief`` already holds only what the person
generating it may see.
"""

from dataclasses import dataclass, field
from datetime import date

from dashboard.domain.numbers import percent as _percent
from models.scales import NoStatus, RiskLevel, Status, goal_name, is_management

# The symbol and colour (hex without "#", as the brief's writers take it) beside each status and risk level,
# from the vocabulary, so the brief never rests on colour alone and matches the dashboard's colours.
STATUS_SYMBOLS = {m.value: m.symbol for m in [*Status, NoStatus.NO_UPDATE]}
STATUS_COLORS = {m.value: m.colour.lstrip("#") for m in [*Status, NoStatus.NO_UPDATE]}
RISK_COLORS = {r.value: r.colour.lstrip("#") for r in RiskLevel}


@dataclass(frozen=True)
class Figure:
    """One headline figure: its value now and its change since last quarter, both as printed."""

    label: str
    value: str
    change: str


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartData:
    """A chart's categories and series, exactly as the overview's chart computes them."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    summary: str


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    baseline: float
    target: float
    latest: float | None
    latest_quarter: str


@dataclass(frozen=True)
class AgencyReport:
    """One agency's counted update on an objective for the brief's quarter."""

    agency: str
    status: str
    progress: int
    risk_level: str
    accomplishments: str
    challenges: str
    next_steps: str
    risk_note: str


@dataclass(frozen=True)
class ObjectiveLine:
    code: str
    title: str
    goal_code: str
    status: str
    progress: float | None
    risk_level: str | None
    lead_agency: str
    accomplishments: str  # the latest accomplishments, agency by agency
    challenges: str
    mitigation: str
    reports: tuple[AgencyReport, ...] = ()
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class GoalSection:
    code: str
    title: str
    progress: float | None
    objectives: tuple[ObjectiveLine, ...]

    @property
    def name(self) -> str:
        return goal_name(self.code)

    @property
    def heading(self) -> str:
        return "Management objectives" if is_management(self.code) else f"{self.name}: {self.title}"


@dataclass(frozen=True)
class Change:
    code: str
    title: str
    status_before: str
    status_now: str
    risk_before: str
    risk_now: str
    direction: str


@dataclass(frozen=True)
class Outstanding:
    """An expected update not received for the quarter; ``comment`` only when the reader may see it."""

    agency: str
    working_group: str
    code: str
    state: str
    overdue: bool
    comment: str


@dataclass(frozen=True)
class Tally:
    """Outstanding reports for one agency or working group."""

    name: str
    outstanding: int
    overdue: int
    objectives: str


@dataclass(frozen=True)
class Brief:
    mission: str
    post: str
    quarter: str
    previous_quarter: str
    generated_on: date
    marking: str
    scope: str  # the filters in words ("All goals and agencies" or "Goal 2; agency DEA")
    prepared_for: str  # who generated it ("anonymous viewer", an e-mail, "operator (command line)")
    figures: tuple[Figure, ...]
    goal_chart: ChartData
    status_chart: ChartData
    risk_chart: ChartData
    goals: tuple[GoalSection, ...]
    attention: tuple[ObjectiveLine, ...]  # at risk or off track
    changes: tuple[Change, ...]
    outstanding: tuple[Outstanding, ...]
    by_agency: tuple[Tally, ...]
    by_working_group: tuple[Tally, ...]
    appendix: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def objectives(self) -> tuple[ObjectiveLine, ...]:
        return tuple(o for g in self.goals for o in g.objectives)

    @property
    def file_stem(self) -> str:
        country = "".join(c if c.isalnum() else "-" for c in self.mission).strip("-").lower() or "mission"
        return f"ics-brief-{country}-{self.quarter.replace(' ', '')}"


def status_text(status: str, symbols: bool = True) -> str:
    """A status as symbol and word ("▲ At risk"), or the word alone when the font lacks the symbols."""
    return f"{STATUS_SYMBOLS.get(status, '')} {status}".strip() if symbols else status


def percent(value: float | None, none: str = "—") -> str:
    """A percentage in the brief, rounded as everywhere else (``domain.numbers.percent``)."""
    return _percent(value, none=none)
