"""The quarterly brief as plain data: what ``views.brief`` computes and the PowerPoint and PDF writers draw.

Nothing here reads the database or decides visibility: a ``Brief`` already holds only what the person
generating it may see.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from dashboard.domain.numbers import half_up
from dashboard.domain.numbers import percent as _percent
from models.scales import NoStatus, Rating, RiskLevel, Status, goal_name, is_management

# The symbol and colour (hex without "#", as the brief's writers take it) beside each status and risk level,
# from the vocabulary, so the brief never rests on colour alone and matches the dashboard's colours.
STATUS_SYMBOLS = {m.value: m.symbol for m in [*Status, NoStatus.NO_UPDATE]}
STATUS_COLORS = {m.value: m.colour.lstrip("#") for m in [*Status, NoStatus.NO_UPDATE]}
RISK_COLORS = {r.value: r.colour.lstrip("#") for r in RiskLevel}
RATING_SYMBOLS = {r.value: r.symbol for r in Rating}
RATING_COLORS = {r.value: r.colour.lstrip("#") for r in Rating}


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
class IndicatorLine:
    """One indicator in the brief's quarter, as ``views.evidence`` reads it (the Overview's Evidence section and
    ``indicators status``): this quarter's target and counted actual, nothing carried forward."""

    code: str
    name: str
    objective_code: str
    goal_code: str
    unit: str
    target: float | None
    actual: float | None
    achievement: float | None  # the share of the way from baseline to target, unrounded (0.6 reads "60%")
    rating: str

    @property
    def achieved(self) -> str:
        """The achievement as people read it ("60%"), by the one rounding rule."""
        return percent(None if self.achievement is None else 100 * self.achievement)

    @property
    def against(self) -> str:
        """The actual against this quarter's target: "30 vs 50 firms", "no value vs 50 firms", "30 firms, no target"."""
        if self.target is None:
            return f"{quantity(self.actual, self.unit)}, no target" if self.actual is not None else "no target"
        actual = "no value" if self.actual is None else quantity(self.actual)
        return f"{actual} vs {quantity(self.target, self.unit)}"


@dataclass(frozen=True)
class Disagreement:
    """An objective whose reported status and indicators disagree, in both sides' words."""

    code: str
    title: str
    status: str  # the objective's combined reported status
    both: str  # ``domain.evidence.disagreement_text``: "reported On track; indicators 48% of the way to target …"
    reports: tuple[AgencyReport, ...]  # the agencies' own updates for the quarter, with their narratives


@dataclass(frozen=True)
class EvidenceSection:
    """What the indicators say about the objectives in the brief's scope."""

    indicators: tuple[IndicatorLine, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def behind(self) -> tuple[IndicatorLine, ...]:
        return tuple(i for i in self.indicators if i.rating == Rating.BEHIND)

    @property
    def summary(self) -> str:
        """The indicators by rating in words: "11 indicators: 2 on target, 9 behind"."""
        n = len(self.indicators)
        counts = [(r.value, sum(i.rating == r for i in self.indicators)) for r in Rating]
        parts = ", ".join(f"{k} {rating}" for rating, k in counts if k)
        return f"{n} indicator{'s' * (n != 1)}" + (f": {parts}" if parts else "")


@dataclass(frozen=True)
class GoalSection:
    code: str
    title: str
    progress: float | None
    objectives: tuple[ObjectiveLine, ...]
    indicators: tuple[IndicatorLine, ...] = ()

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
    days_late: int = 0


@dataclass(frozen=True)
class Action:
    """One decision or action for the quarter ahead: an attention objective's next step or mitigation, with the
    agency that owns it."""

    code: str
    status: str
    text: str
    owner: str
    quarter: str  # the quarter it is for: the one after the brief's
    kind: str  # "Next step" or "Mitigation"


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
    evidence: EvidenceSection = field(default_factory=EvidenceSection)
    bluf: tuple[str, ...] = ()  # the bottom line: three to five sentences written from the figures
    actions: tuple[Action, ...] = ()
    trend_chart: ChartData | None = None  # per goal, the share on track or completed over four quarters

    @property
    def objectives(self) -> tuple[ObjectiveLine, ...]:
        return tuple(o for g in self.goals for o in g.objectives)

    @property
    def file_stem(self) -> str:
        country = "".join(c if c.isalnum() else "-" for c in self.mission).strip("-").lower() or "mission"
        return f"ics-brief-{country}-{self.quarter.replace(' ', '')}"


def indicator_chart_data(goal: GoalSection, quarter: str) -> ChartData | None:
    """The goal's indicators against this quarter's target as a chart: each indicator's achievement (the share of
    the way from its baseline to the target, 100% = target met; no bar where there is no value or no target),
    by the one rounding rule. None when the goal has no indicator."""
    if not goal.indicators:
        return None
    values = tuple(None if i.achievement is None else half_up(100 * i.achievement) for i in goal.indicators)
    met = sum(v is not None and v >= 100 for v in values)
    return ChartData(
        f"{goal.name}: indicators against the {quarter} target (% of the way from baseline; 100% = met)",
        tuple(i.code for i in goal.indicators),
        (Series("Achieved (%)", values),),
        f"{met} of {len(values)} indicators at or past their target.",
    )


def status_text(status: str, symbols: bool = True) -> str:
    """A status as symbol and word ("▲ At risk"), or the word alone when the font lacks the symbols."""
    return f"{STATUS_SYMBOLS.get(status, '')} {status}".strip() if symbols else status


def percent(value: float | None, none: str = "—") -> str:
    """A percentage in the brief, rounded as everywhere else (``domain.numbers.percent``)."""
    return _percent(value, none=none)


def rating_text(rating: str, symbols: bool = True) -> str:
    """An indicator's rating as symbol and word ("▼ behind"), or the word alone when the font lacks the symbols."""
    return f"{RATING_SYMBOLS.get(rating, '')} {rating}".strip() if symbols else rating


def quantity(value: float | None, unit: str = "") -> str:
    """An indicator's figure with its unit: "1,250 firms", "12.5%", "—" when there is none."""
    if value is None:
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}%" if unit.strip() == "%" else f"{text} {unit}".strip()


def no_indicators(quarter: str) -> str:
    """The one sentence that stands for the evidence when no objective in the brief has an indicator."""
    return f"No objective in this brief has an indicator to read against a target in {quarter}."


def none_behind(quarter: str) -> str:
    return f"No indicator is behind its target in {quarter}."


def none_disagree(quarter: str) -> str:
    return f"In {quarter} no objective's reported status disagrees with its indicators."


AGENCY_WORDS = 220  # characters of each agency's words beside a disagreement, so every agency is heard


def agency_words(reports: Sequence[AgencyReport], quarter: str, symbols: bool) -> str:
    """Each agency's update in its own words, one paragraph each: status and progress, accomplishments, then
    challenges, each agency's words cut at a word after ``AGENCY_WORDS`` characters so that all agencies show."""
    if not reports:
        return f"No agency update counted for {quarter}."
    parts = []
    for r in reports:
        words = " ".join(r.accomplishments.split()) or "No accomplishments reported."
        if r.challenges.strip():
            words += " Challenges: " + " ".join(r.challenges.split())
        if len(words) > AGENCY_WORDS:
            words = words[:AGENCY_WORDS].rsplit(" ", 1)[0].rstrip(" ,;:.-") + "…"
        parts.append(f"{r.agency} ({status_text(r.status, symbols)}, {r.progress}%): {words}")
    return "\n".join(parts)
