"""The domain's words, in one place: status, risk level, review state, roles and the other fixed scales.

Each status, risk level and review state is a member that carries what the app needs to know about it: its
order (the order members are declared in), severity, group, label, symbol and colour. Everything else is
derived from these members: the database CHECK constraints (``check_sql``), the combine rules
(``combine_status``, ``combine_risk``), every colour map, legend and symbol in pages, charts, the Missions
table and the brief, the spreadsheet's drop-downs and the schemas' validation. No other module spells these
words (an architecture test holds this); stored values are the members' string values.

To add a status (say "Paused"): one member below, with its severity, group, symbol and colours, and a
migration that calls ``migrations/vocabulary.recreate_checks`` so the database accepts it.
"""

from collections.abc import Iterable
from enum import StrEnum


class Group(StrEnum):
    """How a status reads at a glance; the rules in ``combine_status`` and the headline counts use it."""

    PENDING = "pending"  # nothing under way yet
    GOOD = "good"  # under way as planned, or done
    TROUBLED = "troubled"  # needs attention: it dominates when agencies' statuses are combined


class _Word(StrEnum):
    """A word of the vocabulary: its stored value, then its traits, named by the subclass's ``__traits__``.
    Members are ordered as declared (``order``); ``label`` is the value unless a ``_label`` trait says otherwise."""

    __traits__: tuple[str, ...] = ()

    def __new__(cls, value: str, *traits: object) -> "_Word":
        member = str.__new__(cls, value)
        member._value_ = value
        for name, trait in zip(cls.__traits__, traits, strict=True):
            setattr(member, name, trait)
        return member

    @property
    def label(self) -> str:
        return str(self.__dict__.get("_label", self.value))

    @property
    def order(self) -> int:
        return list(type(self)).index(self)


class Status(_Word):
    """An objective's status in a quarter, as an agency reports it. Declared in the order forms list them."""

    # value, severity (higher is worse: "what changed" reads its direction), group, symbol, colour, tint, marker
    NOT_STARTED = ("Not started", 2, Group.PENDING, "○", "#999999", "#EBEBEB", "circle-open")
    ON_TRACK = ("On track", 1, Group.GOOD, "●", "#009E73", "#CCEBE3", "circle")
    AT_RISK = ("At risk", 3, Group.TROUBLED, "▲", "#E69F00", "#FAE7C2", "triangle-up")
    OFF_TRACK = ("Off track", 4, Group.TROUBLED, "✖", "#D55E00", "#F5D5C2", "x")
    COMPLETED = ("Completed", 0, Group.GOOD, "✔", "#0072B2", "#CCE3F0", "star")

    __traits__ = ("severity", "group", "symbol", "colour", "tint", "marker")
    severity: int
    group: Group
    symbol: str
    colour: str  # Okabe-Ito, colour-blind safe; never the only cue (the symbol goes with it)
    tint: str  # a light version of the colour, behind dark text (the Missions table's labels)
    marker: str  # plotly marker symbol for the trend charts

    @property
    def text(self) -> str:
        """Symbol and word: "▲ At risk"."""
        return f"{self.symbol} {self.value}"

    @property
    def troubled(self) -> bool:
        return self.group is Group.TROUBLED

    @property
    def good(self) -> bool:
        return self.group is Group.GOOD


class NoStatus(_Word):
    """What a chart or table shows where there is no status: no update at all, or one agency's missing one."""

    # value, symbol, colour, tint
    NO_UPDATE = ("No update", "–", "#E5E5E5", "#FFFFFF")
    MISSING = ("Missing", "?", "#FFFFFF", "#FFFFFF")

    __traits__ = ("symbol", "colour", "tint")
    symbol: str
    colour: str
    tint: str

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.value}"


class RiskLevel(_Word):
    """An objective's risk level, lowest first."""

    # value, colour, fill pattern (so bars differ without colour), elevated (counts as "High or Critical")
    LOW = ("Low", "#56B4E9", "", False)
    MEDIUM = ("Medium", "#F0E442", ".", False)
    HIGH = ("High", "#E69F00", "/", True)
    CRITICAL = ("Critical", "#882255", "x", True)

    __traits__ = ("colour", "pattern", "elevated")
    colour: str
    pattern: str
    elevated: bool


class ReviewState(_Word):
    """Where a stored revision stands in review. The newest review event decides it."""

    # value, label, phrase (what a saved revision is, in a sentence), received (counts as sent for the tracker),
    # decision (a chair can decide it)
    DRAFT = ("draft", "Draft", "draft", False, False)
    SUBMITTED = ("submitted", "Submitted", "waiting for review", True, False)
    RETURNED = ("returned", "Returned", "returned", False, True)
    APPROVED = ("approved", "Approved", "approved", True, True)

    __traits__ = ("_label", "phrase", "received", "decision")
    phrase: str
    received: bool
    decision: bool

    @property
    def description(self) -> str:
        """How a revision's state reads in its history: "Submitted, waiting for review", "Approved"."""
        return self.label if self.phrase.lower() == self.label.lower() else f"{self.label}, {self.phrase}"


# An expected update with no stored revision, as the tracker and My to-do show it (not a stored state).
NOT_SUBMITTED = "missing"
TRACKER_LABELS: dict[str, str] = {NOT_SUBMITTED: "Not submitted"} | {
    s.value: s.label for s in ReviewState if s is not ReviewState.DRAFT
}
# Still owed by its agency: never sent, or sent back by the chair.
OUTSTANDING_STATES: tuple[str, ...] = (NOT_SUBMITTED, ReviewState.RETURNED.value)


class ObjectiveKind(StrEnum):
    MISSION = "mission"
    MANAGEMENT = "management"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


class Frequency(_Word):
    """How often an indicator is reported: the quarters of each fiscal year it has a value for."""

    # value, the quarters it reports in
    QUARTERLY = ("quarterly", (1, 2, 3, 4))
    SEMIANNUAL = ("semiannual", (2, 4))
    ANNUAL = ("annual", (4,))

    __traits__ = ("quarters",)
    quarters: tuple[int, ...]


class Rating(_Word):
    """An indicator's actual against its target in a quarter, or an objective's evidence (its indicators together).
    Declared best first."""

    # value, colour (colour-blind safe, as the statuses), symbol
    MET = ("met", "#0072B2", "✔")
    ON_TARGET = ("on target", "#009E73", "●")
    BEHIND = ("behind", "#D55E00", "▼")
    NO_DATA = ("no data", "#999999", "–")
    NO_TARGET = ("no target", "#BBBBBB", "·")

    __traits__ = ("colour", "symbol")
    colour: str
    symbol: str

    @property
    def rated(self) -> bool:
        """Whether this is a judgement against a target (met, on target, behind), not a gap."""
        return self in (Rating.MET, Rating.ON_TARGET, Rating.BEHIND)


class Role(StrEnum):
    VIEWER = "viewer"
    CONTRIBUTOR = "contributor"
    CHAIR = "chair"
    ADMIN = "admin"


class AgencyRole(StrEnum):
    LEAD = "lead"
    CONTRIBUTING = "contributing"


# Management objectives belong to no mission goal; figures group them under this stand-in, last.
MANAGEMENT_GOAL_CODE = "M"
MANAGEMENT_GOAL_NAME = "Management"


def goal_name(code: str) -> str:
    """How a goal is named beside its figures: "Goal 2", or "Management" for the management objectives."""
    return MANAGEMENT_GOAL_NAME if code == MANAGEMENT_GOAL_CODE else f"Goal {code}"


def is_management(code: str) -> bool:
    return code == MANAGEMENT_GOAL_CODE


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
# Every status a figure can show, "No update" last.
STATUS_LEVELS: list[str] = [*STATUS_ORDER, NoStatus.NO_UPDATE.value]
# The statuses the headline counts: every one that says how work stands (not "Not started").
HEADLINE_STATUSES: tuple[str, ...] = tuple(s.value for s in Status if s.group is not Group.PENDING)
GOOD_STATUSES: tuple[str, ...] = tuple(s.value for s in Status if s.good)
TROUBLED_STATUSES: tuple[str, ...] = tuple(s.value for s in Status if s.troubled)
WORST_FIRST: tuple[str, ...] = tuple(s.value for s in sorted(Status, key=lambda s: -s.severity))
ELEVATED_RISKS: tuple[str, ...] = tuple(r.value for r in RiskLevel if r.elevated)
RECEIVED_STATES: tuple[str, ...] = tuple(s.value for s in ReviewState if s.received)
DECISIONS: tuple[str, ...] = tuple(s.value for s in ReviewState if s.decision)


def shown(value: object) -> Status | NoStatus | None:
    """The member a shown status stands for ("At risk", "No update", "Missing"), or None."""
    text = str(value)
    for kind in (Status, NoStatus):
        if text in kind._value2member_map_:
            return kind(text)
    return None


def status_symbol(value: object) -> str:
    member = shown(value)
    return member.symbol if member else ""


def status_colour(value: object, default: str = "#4D4D4D") -> str:
    member = shown(value)
    return member.colour if member else default


def status_text(value: object) -> str:
    """A status as symbol and word ("▲ At risk"); any other text as it is."""
    member = shown(value)
    return member.text if member else str(value)


def combine_status(statuses: Iterable[str]) -> str:
    """One objective's status from its agencies' statuses: the worst troubled one if any agency is troubled;
    else the one status all agencies share; else (a mix of good and pending) On track."""
    values = {Status(s) for s in statuses}
    troubled = [s for s in values if s.troubled]
    if troubled:
        return max(troubled, key=lambda s: s.severity).value
    if len(values) == 1:
        return next(iter(values)).value
    return Status.ON_TRACK.value


def combine_risk(levels: Iterable[str]) -> str:
    """One objective's risk level from its agencies': the highest."""
    return max((RiskLevel(level) for level in levels), key=lambda r: r.order).value


def check_sql(column: str, values: Iterable[str]) -> str:
    """The SQL of a CHECK constraint that keeps ``column`` to ``values``."""
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


# Every CHECK constraint derived from this vocabulary: name -> (table, column, allowed values).
VOCABULARY_CHECKS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "ck_status_update_status": ("status_update", "status", tuple(STATUS_ORDER)),
    "ck_status_update_risk_level": ("status_update", "risk_level", tuple(RISK_ORDER)),
    "ck_status_update_state": ("status_update", "state", tuple(s.value for s in ReviewState)),
    "ck_review_event_decision": ("review_event", "decision", DECISIONS),
    "ck_update_draft_status": ("update_draft", "status", tuple(STATUS_ORDER)),
    "ck_update_draft_risk_level": ("update_draft", "risk_level", tuple(RISK_ORDER)),
    "ck_app_user_role": ("app_user", "role", tuple(r.value for r in Role)),
    "ck_objective_kind": ("objective", "kind", tuple(k.value for k in ObjectiveKind)),
    "ck_indicator_direction": ("indicator", "direction", tuple(d.value for d in Direction)),
    "ck_indicator_frequency": ("indicator", "frequency", tuple(f.value for f in Frequency)),
    "ck_objective_agency_role": ("objective_agency", "role", tuple(r.value for r in AgencyRole)),
}


def vocabulary_check(name: str) -> str:
    _table, column, values = VOCABULARY_CHECKS[name]
    return check_sql(column, values)
