"""A deterministic demo history, so a new installation never opens on an empty screen.

Every (objective, agency) pair gets one trajectory shape, chosen by a stable hash:
improving, stalling, slipping or completed. Values come from a random generator
seeded by the pair, so the same database always gets the same history. Every row
written here has ``is_demo = True``.
"""

import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from dashboard.domain import indicator_math
from dashboard.domain.fiscal import FiscalQuarter, quarter_range
from dashboard.formats import indicator_sheet
from dashboard.formats.indicator_sheet import SheetRow
from dashboard.settings import ROOT
from dashboard.store import roles
from models import (
    Agency,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    IndicatorValueCreate,
    Mission,
    Objective,
    ObjectiveAgency,
    StatusUpdate,
    StatusUpdateCreate,
    WorkingGroupObjective,
)
from models.scales import AgencyRole, Frequency

DEMO_START = FiscalQuarter(2022, 3)
TRAJECTORIES = ("improving", "stalling", "slipping", "completed")
# Agencies that skip the newest quarter, so the "missing" views have something to show.
LATE_REPORTERS = frozenset({"DEA", "FAS"})


@dataclass(frozen=True)
class DemoPoint:
    status: str
    progress: int
    risk_level: str


def _seed(*parts: str) -> int:
    return zlib.crc32("|".join(parts).encode())


def trajectory_for(objective_code: str, acronym: str) -> str:
    """Agencies on one objective mostly share its story; about one in five tells a better one."""
    if _seed(objective_code, acronym) % 5 == 0:
        return "improving"
    return TRAJECTORIES[_seed(objective_code) % len(TRAJECTORIES)]


def trajectory(kind: str, quarters: int, rng: random.Random) -> list[DemoPoint]:
    """Progress, status and risk for each of ``quarters`` consecutive quarters of one shape."""
    points: list[DemoPoint] = []
    progress = 0.0
    done_at = rng.randint(max(2, quarters * 2 // 3), max(2, quarters - 2))
    for i in range(quarters):
        share = (i + 1) / quarters
        if kind == "improving":
            progress = min(95.0, 5 + 85 * share + rng.uniform(-3, 3))
            status = "Not started" if i == 0 else "On track"
            risk = "Medium" if share < 0.4 else "Low"
        elif kind == "stalling":
            progress = min(50.0, 8 + 70 * share) + rng.uniform(-2, 2)
            stalled = share > 0.55
            status = "At risk" if stalled else ("Not started" if i == 0 else "On track")
            risk = "High" if stalled else "Medium"
        elif kind == "slipping":
            peak = 55.0
            progress = peak * min(1.0, share / 0.6) - (max(0.0, share - 0.6) * 40) + rng.uniform(-2, 2)
            if share > 0.8:
                status, risk = "Off track", "Critical"
            elif share > 0.6:
                status, risk = "At risk", "High"
            else:
                status, risk = ("Not started", "Medium") if i == 0 else ("On track", "Medium")
        else:  # completed
            progress = 100.0 if i >= done_at else min(97.0, 100 * (i + 1) / (done_at + 1) + rng.uniform(-2, 2))
            status = "Completed" if i >= done_at else ("Not started" if i == 0 else "On track")
            risk = "Low"
        points.append(DemoPoint(status=status, progress=max(0, min(100, round(progress))), risk_level=risk))
    return points


_ACCOMPLISHMENTS = [
    "Held {n} working sessions with Peruvian counterparts on {topic}.",
    "Completed {n} of the planned activities for {topic} this quarter.",
    "Signed a memorandum of understanding with a partner institution on {topic}.",
    "Trained {n}0 officials in areas related to {topic}.",
]
_CHALLENGES = [
    "Turnover among counterpart officials delayed follow-up meetings.",
    "Procurement timelines slipped by several weeks.",
    "Political uncertainty slowed decisions by partner ministries.",
    "No significant challenges this quarter.",
]
_NEXT_STEPS = [
    "Schedule the next interagency review and agree on milestones.",
    "Expand the program to two additional regions.",
    "Finalize the workplan with counterparts for the coming quarter.",
]


def _topic(title: str) -> str:
    words = title.rstrip(".").split()
    return " ".join(words[:8]).lower()


def _created_at(quarter: FiscalQuarter, rng: random.Random) -> datetime:
    return datetime.combine(quarter.end + timedelta(days=rng.randint(3, 28)), time(14, 0), tzinfo=UTC)


def seed_demo(*, session: Session, mission_id: int, through: FiscalQuarter) -> int:
    """Write the demo history of one mission from FY2022 Q3 through ``through``.

    Does nothing when the mission already has demo rows (idempotent). Returns
    the number of status-update rows written.
    """
    already = session.exec(
        select(func.count())
        .select_from(StatusUpdate)
        .join(Objective, Objective.id == StatusUpdate.objective_id)
        .where(Objective.mission_id == mission_id, StatusUpdate.is_demo)
    ).one()
    if already:
        return 0
    mission = session.get(Mission, mission_id)
    assert mission is not None
    quarters = quarter_range(DEMO_START, through)
    if not quarters:
        return 0
    objectives = session.exec(
        select(Objective).where(Objective.mission_id == mission_id).order_by(Objective.position)
    ).all()
    agencies = {a.id: a for a in session.exec(select(Agency))}
    groups = {row.objective_id: row.working_group_id for row in session.exec(select(WorkingGroupObjective))}
    owed = roles.owed_ranges(session, mission_id)  # only what the pages count as owed
    written = 0
    for objective in objectives:
        for objective_id, agency_id in sorted(k for k in owed if k[0] == objective.id):
            written += _seed_role(
                session=session,
                country=mission.country,
                objective=objective,
                agency=agencies[agency_id],
                ranges=owed[objective_id, agency_id],
                working_group_id=groups.get(objective.id),
                quarters=quarters,
            )
        if objective.retired_on is None:
            _seed_indicators(session=session, mission=mission, objective=objective, quarters=quarters)
    session.flush()
    return written


def _seed_role(
    *,
    session: Session,
    country: str,
    objective: Objective,
    agency: Agency,
    ranges: list[tuple[int, int]],
    working_group_id: int | None,
    quarters: list[FiscalQuarter],
) -> int:
    """One agency's history on one objective, in the quarters it owed updates (``ranges``, inclusive quarter
    indexes); returns the rows written."""
    rng = random.Random(_seed(country, objective.code, agency.acronym))
    kind = trajectory_for(objective.code, agency.acronym)
    written = 0
    for quarter, point in zip(quarters, trajectory(kind, len(quarters), rng), strict=True):
        if not any(first <= quarter.index <= last for first, last in ranges):
            continue  # the agency owed nothing on the objective then
        late = quarter == quarters[-1] and agency.acronym in LATE_REPORTERS
        if late or (quarter != quarters[-1] and rng.random() < 0.04):
            continue  # a missed report
        update_in = StatusUpdateCreate(
            objective_id=objective.id,
            agency_id=agency.id,
            working_group_id=working_group_id,
            fiscal_year=quarter.fiscal_year,
            quarter=quarter.quarter,
            status=point.status,
            progress=point.progress,
            risk_level=point.risk_level,
            accomplishments=rng.choice(_ACCOMPLISHMENTS).format(n=rng.randint(2, 9), topic=_topic(objective.title)),
            challenges=rng.choice(_CHALLENGES),
            next_steps=rng.choice(_NEXT_STEPS),
            risk_note=f"{point.risk_level} risk; mitigation reviewed by the working group.",
            state="approved",
            author=f"{agency.acronym.lower()}.officer@demo.invalid",
            is_demo=True,
        )
        first = StatusUpdate.model_validate(update_in, update={"created_at": _created_at(quarter, rng)})
        session.add(first)
        written += 1
        if rng.random() < 0.06:
            _add_correction(session, first, update_in, point, rng)
            written += 1
    return written


def _add_correction(
    session: Session, first: StatusUpdate, update_in: StatusUpdateCreate, point: DemoPoint, rng: random.Random
) -> None:
    """A corrected revision a few days after ``first``, as officers do."""
    session.flush()
    corrected = min(100, point.progress + rng.randint(1, 5)) if point.status != "Completed" else 100
    session.add(
        StatusUpdate.model_validate(
            update_in.model_copy(update={"progress": corrected}),
            update={
                "revision": 2,
                "supersedes_id": first.id,
                "created_at": first.created_at + timedelta(days=2),
            },
        )
    )


DEMO_INDICATORS = ROOT / "data" / "peru_indicators.csv"  # the Peru strategy's sheets, in the import's columns
DEMO_INDICATOR_COUNTRY = "Peru"
# How far along its target path each objective's indicators are by the end of the demo, by the objective's story:
# the share of the way from the baseline to the quarter's target, at the start and at the end.
PATH_SHARES = {"improving": (0.95, 1.0), "completed": (1.0, 1.08), "stalling": (1.0, 0.72), "slipping": (0.98, 0.45)}
# Honest disagreements: measures that tell another story than the statuses reported beside them.
LAGGING = frozenset({"1.1.c", "2.2.b", "4.2.a"})  # behind while the objective is reported On track or Completed
AHEAD = frozenset({"2.1.a", "2.1.b", "2.1.c"})  # met while the objective is reported Off track


def _catalog() -> dict[str, list[SheetRow]]:
    """The demo's indicator sheets by objective code, read as ``indicators import`` reads them."""
    rows = indicator_sheet.read_sheets(DEMO_INDICATORS.read_bytes(), DEMO_INDICATORS.name, max_bytes=1 << 20)
    catalog: dict[str, list[SheetRow]] = {}
    for row in rows:
        catalog.setdefault(row.cells["objective"], []).append(row)
    return catalog


def _lead(session: Session, objective: Objective) -> int | None:
    return session.exec(
        select(ObjectiveAgency.agency_id).where(
            ObjectiveAgency.objective_id == objective.id,
            ObjectiveAgency.role == AgencyRole.LEAD,
            col(ObjectiveAgency.until_qindex).is_(None),
        )
    ).first()


def _generic_sheet(objective: Objective, mission: Mission) -> SheetRow:
    """One plain indicator for an objective the catalog does not know (another post's demo)."""
    years = range(mission.strategy_start, mission.strategy_end + 1)
    return SheetRow(
        0,
        {"code": f"{objective.code}.a", "name": "Partner institutions supported", "unit": "institutions",
         "direction": "increase", "baseline": "0", "baseline_fy": str(mission.strategy_start - 1),
         "frequency": "quarterly", "definition": "Partner institutions that received USG support (cumulative)."},
        {(y, 0): str(6 * (i + 1)) for i, y in enumerate(years)},
    )  # fmt: skip


def _seed_indicators(
    *, session: Session, mission: Mission, objective: Objective, quarters: list[FiscalQuarter]
) -> None:
    """The objective's indicators (the catalog's, for the bundled strategy) with targets and quarterly values
    that follow the objective's story (``trajectory_for``), so the evidence mostly agrees with the statuses."""
    catalog = _catalog() if mission.country == DEMO_INDICATOR_COUNTRY else {}
    sheets = catalog.get(objective.code) or [_generic_sheet(objective, mission)]
    lead = _lead(session, objective)
    kind = TRAJECTORIES[_seed(objective.code) % len(TRAJECTORIES)]
    for row in sheets:
        _seed_indicator(session=session, objective=objective, row=row, agency_id=lead, kind=kind, quarters=quarters)


def _seed_indicator(
    *,
    session: Session,
    objective: Objective,
    row: SheetRow,
    agency_id: int | None,
    kind: str,
    quarters: list[FiscalQuarter],
) -> None:
    cells = row.cells
    percent = indicator_sheet.is_percent(cells["unit"])
    years = {key[0]: indicator_sheet.read_number(v, percent=percent) for key, v in row.targets.items() if not key[1]}
    baseline = indicator_sheet.read_number(cells["baseline"], percent=percent)
    indicator = Indicator(
        objective_id=objective.id,
        code=cells["code"],
        name=cells["name"],
        definition=cells.get("definition", ""),
        unit=cells["unit"],
        baseline=baseline,
        baseline_fy=indicator_sheet.read_year(cells["baseline_fy"]),
        target=years[max(years)],
        direction=indicator_sheet.read_direction(cells["direction"]).value,
        frequency=indicator_sheet.read_frequency(cells["frequency"]).value,
        data_source=cells.get("data_source", ""),
        collection_method=cells.get("collection_method", ""),
        agency_id=agency_id,
        established_on=DEMO_START.start,
        reviewed_on=quarters[-1].start,
        is_demo=True,
    )
    session.add(indicator)
    session.flush()
    session.add_all(IndicatorTarget(indicator_id=indicator.id, fiscal_year=y, value=v) for y, v in years.items())
    sheet = indicator_math.Sheet(
        baseline=baseline,
        baseline_fy=indicator.baseline_fy or 0,
        targets=years,
        frequency=Frequency(indicator.frequency),
    )
    first, last = PATH_SHARES[kind]
    if indicator.code in LAGGING:
        first, last = 0.95, 0.5
    elif indicator.code in AHEAD:
        first, last = 1.0, 1.06
    rng = random.Random(_seed("indicator", objective.code, indicator.code))
    shown = [q for q in quarters if q.fiscal_year > sheet.baseline_fy and indicator_math.reports_in(sheet.frequency, q)]
    for i, quarter in enumerate(shown):
        target = indicator_math.target_for(sheet, quarter)
        if target is None:
            continue
        share = first + (last - first) * (i + 1) / len(shown) + rng.uniform(-0.03, 0.03)
        value = baseline + share * (target - baseline)
        value = min(100.0, max(0.0, value)) if percent else max(0.0, value)
        session.add(
            IndicatorValue.model_validate(
                IndicatorValueCreate(
                    indicator_id=indicator.id,
                    fiscal_year=quarter.fiscal_year,
                    quarter=quarter.quarter,
                    value=round(value, 1),
                    author="demo@demo.invalid",
                    is_demo=True,
                ),
                update={"agency_id": agency_id},
            )
        )
