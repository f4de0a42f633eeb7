"""The quarterly review brief as plain data, computed by the same aggregation as the overview page.

``build_brief`` is pure (frames in, ``Brief`` out); ``load_brief`` reads the frames for the command line.
What the reader may see is decided here, once: every figure comes from the counted updates (never a
draft), and a chair's return comment is shown only to admins, the chairs who review that objective and
the contributors of the agency it was returned to.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine

from dashboard.domain import aggregation, effective, reporting
from dashboard.domain.actor import Actor, is_operator
from dashboard.domain.evidence import disagreement_text, number
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter, strategy_quarters
from dashboard.domain.numbers import half_up, percent
from dashboard.formats.brief_data import (
    AgencyReport,
    Brief,
    Change,
    ChartData,
    Disagreement,
    EvidenceSection,
    Figure,
    GoalSection,
    Indicator,
    IndicatorLine,
    ObjectiveLine,
    Outstanding,
    Series,
    Tally,
)
from dashboard.settings import Settings
from dashboard.store import closed_records, queries
from dashboard.views import brief_story, quarter_record
from dashboard.views import evidence as evidence_view
from models.quarters import quarter_index
from models.scales import ELEVATED_RISKS, HEADLINE_STATUSES, RISK_ORDER, WORST_FIRST, Status, goal_name

FORMATS = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
# The objectives a brief calls attention to, worst first.
ATTENTION = tuple(s for s in WORST_FIRST if Status(s).troubled)


class BriefError(ValueError):
    """Input the brief cannot be made from; the message is one sentence for the user."""


@dataclass(frozen=True)
class Reader:
    """Who the brief is for: the actor, and the objectives they review (None: every objective)."""

    actor: Actor
    reviewable: frozenset[int] | None = frozenset()

    def may_see_comment(self, objective_id: int, agency_id: int) -> bool:
        if not self.actor.signed_in:
            return False
        if self.actor.is_admin or self.reviewable is None:
            return True
        return objective_id in self.reviewable or agency_id in self.actor.agency_ids


@dataclass(frozen=True)
class MissionInfo:
    country: str
    post: str
    marking: str
    strategy_start: int
    strategy_end: int

    def check_quarter(self, quarter: FiscalQuarter) -> None:
        first, last = strategy_quarters(self.strategy_start, self.strategy_end)
        if not first <= quarter <= last:
            raise BriefError(f"{quarter.label} is outside the {self.country} strategy ({first.label} to {last.label})")


_goal_name = goal_name


def _signed(delta: float, unit: str = "") -> str:
    number = half_up(delta) or 0
    if number == 0:
        return "no change"
    return f"{'+' if number > 0 else '−'}{abs(number)}{unit}"


def _figures(now: aggregation.Headline, before: aggregation.Headline, previous: str) -> tuple[Figure, ...]:
    def change(a: float | None, b: float | None, unit: str = "") -> str:
        if a is None or b is None:
            return f"nothing to compare in {previous}"
        return f"{_signed(a - b, unit)} since {previous}"

    out = [
        Figure(status, str(now.status_counts[status]), change(now.status_counts[status], before.status_counts[status]))
        for status in HEADLINE_STATUSES
    ]
    out.append(
        Figure(
            "Mean progress",
            percent(now.mean_progress),
            change(half_up(now.mean_progress), half_up(before.mean_progress), " pts"),
        )
    )
    out.append(Figure("High or Critical risk", str(now.high_risk), change(now.high_risk, before.high_risk)))
    out.append(
        Figure(
            "Updates received",
            f"{now.received} of {now.expected}",
            change(now.received, before.received) + f" ({before.received} of {before.expected})",
        )
    )
    return tuple(out)


def goal_chart_data(as_of: pd.DataFrame) -> ChartData:
    """Each goal's mean progress followed by its objectives' progress, as the overview's goal chart."""
    goals = aggregation.goal_progress(as_of)
    categories: list[str] = []
    values: list[float | None] = []
    for goal in goals.itertuples():
        categories.append(_goal_name(goal.goal_code))
        values.append(half_up(goal.progress))
        for obj in as_of[as_of["goal_code"] == goal.goal_code].itertuples():
            categories.append(str(obj.code))
            values.append(half_up(obj.progress))
    return ChartData(
        "Progress by goal, with its objectives (%)",
        tuple(categories),
        (Series("Progress (%)", tuple(values)),),
        "Each goal's mean progress, then its objectives' progress toward the end-of-strategy result.",
    )


def status_chart_data(head: aggregation.Headline) -> ChartData:
    shown = [(s, n) for s, n in head.status_counts.items() if n > 0]
    return ChartData(
        "Objectives by status",
        tuple(s for s, _ in shown),
        (Series("Objectives", tuple(float(n) for _, n in shown)),),
        head.summary,
    )


def risk_chart_data(as_of: pd.DataFrame) -> ChartData:
    table = aggregation.risk_by_goal(as_of)
    high = int(table[[r for r in ELEVATED_RISKS if r in table]].sum().sum()) if not table.empty else 0
    return ChartData(
        "Risk level by goal (objectives)",
        tuple(_goal_name(str(g)) for g in table.index),
        tuple(Series(level, tuple(float(v) for v in table[level])) for level in RISK_ORDER),
        f"{high} objectives are at High or Critical risk.",
    )


def _joined(reports: list[AgencyReport], field: str) -> str:
    parts = [f"{r.agency}: {getattr(r, field).strip()}" for r in reports if getattr(r, field).strip()]
    return "\n".join(parts)


def _indicators(frame: pd.DataFrame, objective_id: int, quarter: FiscalQuarter) -> tuple[Indicator, ...]:
    mine = frame[frame["objective_id"] == objective_id]
    out = []
    for _, rows in mine.groupby("indicator_id", sort=False):
        first = rows.iloc[0]
        valued = rows.dropna(subset=["value", "fiscal_year"])
        valued = valued[quarter_index(valued["fiscal_year"], valued["quarter"]) <= quarter.index]
        latest = valued.iloc[-1] if not valued.empty else None
        out.append(
            Indicator(
                name=str(first["name"]),
                unit=str(first["unit"] or ""),
                baseline=float(first["baseline"]),
                target=float(first["target"]),
                latest=None if latest is None else float(latest["value"]),
                latest_quarter=""
                if latest is None
                else FiscalQuarter(int(latest["fiscal_year"]), int(latest["quarter"])).label,
            )
        )
    return tuple(out)


def _scope_text(filters: Filters, quarter: FiscalQuarter) -> str:
    parts = []
    if filters.goals:
        parts.append("goals " + ", ".join(_goal_name(g) for g in filters.goals).replace("Goal ", ""))
    if filters.objectives:
        parts.append("objectives " + ", ".join(filters.objectives))
    if filters.agencies:
        parts.append("agencies " + ", ".join(filters.agencies))
    if filters.working_groups:
        parts.append("working groups " + "; ".join(filters.working_groups))
    if filters.statuses:
        parts.append("status " + ", ".join(filters.statuses))
    if filters.risks:
        parts.append("risk " + ", ".join(filters.risks))
    return ("Filtered to " + "; ".join(parts)) if parts else "Every goal, objective and agency"


def _tallies(rows: pd.DataFrame, column: str) -> tuple[Tally, ...]:
    if rows.empty:
        return ()
    grouped = rows.groupby(column, sort=False).agg(
        outstanding=("code", "size"),
        overdue=("overdue", "sum"),
        objectives=("code", lambda c: ", ".join(dict.fromkeys(c))),
    )
    grouped = grouped.reset_index().sort_values(["outstanding", column], ascending=[False, True])
    return tuple(
        Tally(str(r[column]), int(r["outstanding"]), int(r["overdue"]), r["objectives"]) for _, r in grouped.iterrows()
    )


def build_brief(
    *,
    expected: pd.DataFrame,
    updates: pd.DataFrame,
    submissions: pd.DataFrame,
    indicators: pd.DataFrame | None,
    evidence: evidence_view.Evidence,
    mission: MissionInfo,
    filters: Filters,
    quarter: FiscalQuarter,
    reader: Reader,
    today: date,
    due_days: int,
    appendix: bool = False,
    recorded: datetime | None = None,
) -> Brief:
    """The brief for ``quarter`` and ``filters``, with only what ``reader`` may see. Pure: no I/O. ``recorded``:
    when the quarter was closed (its figures are then the record's, and the cover says so).

    ``updates`` are the counted updates with narratives (``queries.updates_frame(..., narratives=True)``),
    ``submissions`` the newest revision of every update in any state (for what is outstanding), ``evidence``
    the mission's indicators in ``quarter`` as the Overview reads them (``views.evidence``); the brief keeps
    the part about the objectives in its scope.
    """
    view = aggregation.overview(expected, updates, filters, quarter)
    if view.empty:
        nothing = reporting.nothing_owed(expected, quarter)
        raise BriefError(f"{nothing} No brief was made." if nothing else "no objective matches these filters")
    keep = set(view.as_of["objective_id"])
    _, scoped = aggregation.scope(expected, updates, filters)
    scoped = scoped[scoped["objective_id"].isin(keep)] if not scoped.empty else scoped
    previous = quarter.previous()
    before = aggregation.headline(view.previous, view.expected, scoped, previous)
    leads = _leads(view.expected, expected, quarter)
    reports = _lead_first_reports(scoped, view.expected, leads, quarter)
    found = _evidence(evidence, view.as_of, reports)
    sections = _sections(view.as_of, reports, leads, indicators if appendix else None, quarter, appendix)
    sections = [replace(s, indicators=_of_goal(found.indicators, s)) for s in sections]
    rows = reporting.outstanding(view.expected, submissions, quarter, today=today, due_days=due_days)
    attention = brief_story.attention_order([o for s in sections for o in s.objectives if o.status in ATTENTION])
    changes = brief_story.changes_order(_changes(aggregation.changes_since(view.previous, view.as_of)))
    outstanding = _outstanding(rows, reader)
    codes = dict(zip(view.as_of["objective_id"], view.as_of["code"], strict=True))
    by_code = {str(codes[o]): mine for o, mine in reports.items() if o in codes}
    return Brief(
        mission=mission.country,
        post=mission.post,
        quarter=quarter.label,
        previous_quarter=previous.label,
        generated_on=today,
        marking=mission.marking,
        scope=f"{quarter_record.figures_label(quarter, recorded)} {_scope_text(filters, quarter)}",
        prepared_for=_maker(reader.actor),
        figures=_figures(view.headline, before, previous.label),
        goal_chart=goal_chart_data(view.as_of),
        status_chart=status_chart_data(view.headline),
        risk_chart=risk_chart_data(view.as_of),
        goals=tuple(sections),
        attention=attention,
        changes=changes,
        outstanding=outstanding,
        by_agency=_tallies(rows, "agency"),
        by_working_group=_tallies(rows, "working_group"),
        appendix=appendix,
        evidence=found,
        bluf=brief_story.bottom_line(
            changes=changes,
            attention=attention,
            outstanding=outstanding,
            evidence=found,
            received=f"{view.headline.received} of {view.headline.expected}",
            previous=previous.label,
            reasons={code: brief_story.reason(mine) for code, mine in by_code.items()},
        ),
        actions=brief_story.actions(attention, by_code, quarter),
        trend_chart=brief_story.trend_chart_data(view.expected, scoped, quarter),
    )


def _lead_first_reports(
    scoped: pd.DataFrame, owed: pd.DataFrame, leads: dict[int, str], quarter: FiscalQuarter
) -> dict[int, list[AgencyReport]]:
    """The quarter's counted reports by objective id, the lead agency's first."""
    current = scoped[scoped["qindex"] == quarter.index] if not scoped.empty else scoped
    return {
        objective: brief_story.lead_first(mine, leads.get(objective, ""))
        for objective, mine in _reports_by_objective(current, owed).items()
    }


def _maker(actor: Actor) -> str:
    """Who made the brief, as its cover says: a person's e-mail, "automated report" for the command line and the
    scheduler, "a visitor who was not signed in" for anonymous viewing."""
    if actor.system or is_operator(actor.email):
        return "automated report"
    return str(actor.email) if actor.signed_in and actor.email else "a visitor who was not signed in"


def _evidence(
    found: evidence_view.Evidence, as_of: pd.DataFrame, reports: dict[int, list[AgencyReport]]
) -> EvidenceSection:
    """The indicators and disagreements of the objectives in the brief (``as_of``), nothing of the others."""
    keep = set(as_of["objective_id"])
    titles = dict(zip(as_of["objective_id"], as_of["title"], strict=True))
    rows = found.indicators[found.indicators["objective_id"].isin(keep)]
    lines = tuple(
        IndicatorLine(
            code=str(r.code),
            name=str(r.name),
            objective_code=str(r.objective_code),
            goal_code=str(r.goal_code),
            unit=str(r.unit or ""),
            target=number(r.target),
            actual=number(r.actual),
            achievement=number(r.achievement),
            rating=str(r.rating),
        )
        for r in rows.itertuples()
    )
    both = found.disagreements[found.disagreements["objective_id"].isin(keep)]
    disagreements = tuple(
        Disagreement(
            code=str(d.code),
            title=str(titles[d.objective_id]),
            status=str(d.status),
            both=disagreement_text(str(d.status), number(d.achievement), str(d.evidence)),
            reports=tuple(reports.get(int(d.objective_id), [])),
        )
        for d in both.itertuples()
    )
    return EvidenceSection(lines, disagreements)


def _of_goal(indicators: tuple[IndicatorLine, ...], goal: GoalSection) -> tuple[IndicatorLine, ...]:
    codes = {o.code for o in goal.objectives}
    return tuple(i for i in indicators if i.objective_code in codes)


def _reports_by_objective(current: pd.DataFrame, owed: pd.DataFrame) -> dict[int, list[AgencyReport]]:
    """The quarter's counted updates as each agency's report, by objective id (agencies in id order)."""
    agencies = owed.drop_duplicates("agency_id").set_index("agency_id")["agency"]
    reports: dict[int, list[AgencyReport]] = {}
    for row in current.sort_values(["objective_id", "agency_id"]).itertuples() if not current.empty else ():
        reports.setdefault(int(row.objective_id), []).append(
            AgencyReport(
                agency=str(agencies.get(row.agency_id, "")),
                status=str(row.status),
                progress=int(row.progress),
                risk_level=str(row.risk_level),
                accomplishments=str(row.accomplishments or ""),
                challenges=str(row.challenges or ""),
                next_steps=str(row.next_steps or ""),
                risk_note=str(row.risk_note or ""),
            )
        )
    return reports


def _leads(owed: pd.DataFrame, expected: pd.DataFrame, quarter: FiscalQuarter) -> dict[int, str]:
    """Each objective's lead agency in ``quarter``: among the filtered agencies, else among all of them."""
    owed_now = effective.in_effect(owed, quarter)
    leads = owed_now[owed_now["role"] == "lead"].groupby("objective_id")["agency"].first()
    everyone_now = effective.in_effect(expected, quarter)
    all_leads = everyone_now[everyone_now["role"] == "lead"].groupby("objective_id")["agency"].first()
    return {**all_leads.to_dict(), **leads.to_dict()}


def _sections(
    as_of: pd.DataFrame,
    reports: dict[int, list[AgencyReport]],
    leads: dict[int, str],
    indicators: pd.DataFrame | None,
    quarter: FiscalQuarter,
    appendix: bool,
) -> list[GoalSection]:
    """One section per goal with a line per objective; reports and indicators only for the appendix."""
    sections = []
    for goal in aggregation.goal_progress(as_of).itertuples():
        lines = []
        for obj in as_of[as_of["goal_code"] == goal.goal_code].itertuples():
            mine = reports.get(int(obj.objective_id), [])
            lines.append(
                ObjectiveLine(
                    code=str(obj.code),
                    title=str(obj.title),
                    goal_code=str(obj.goal_code),
                    status=str(obj.status),
                    progress=half_up(obj.progress),
                    risk_level=None if pd.isna(obj.risk_level) else str(obj.risk_level),
                    lead_agency=str(leads.get(obj.objective_id, "")),
                    accomplishments=_joined(mine, "accomplishments"),
                    challenges=_joined(mine, "challenges"),
                    mitigation=_joined(mine, "risk_note"),
                    reports=tuple(mine) if appendix else (),
                    indicators=_indicators(indicators, int(obj.objective_id), quarter)
                    if appendix and indicators is not None
                    else (),
                )
            )
        sections.append(
            GoalSection(
                code=str(goal.goal_code),
                title=str(goal.goal_title),
                progress=half_up(goal.progress),
                objectives=tuple(lines),
            )
        )
    return sections


def _changes(changes: pd.DataFrame) -> tuple[Change, ...]:
    return tuple(
        Change(
            str(c.code),
            str(c.title),
            str(c.status_before),
            str(c.status_now),
            str(c.risk_before),
            str(c.risk_now),
            str(c.direction),
        )
        for c in changes.itertuples()
    )


def _outstanding(rows: pd.DataFrame, reader: Reader) -> tuple[Outstanding, ...]:
    """The expected updates not received; a chair's comment only where ``reader`` may see it."""
    return tuple(
        Outstanding(
            agency=str(r.agency),
            working_group=str(r.working_group),
            code=str(r.code),
            state=str(r.state),
            overdue=bool(r.overdue),
            days_late=int(r.days_late),
            comment=str(r.review_comment) if reader.may_see_comment(int(r.objective_id), int(r.agency_id)) else "",
        )
        for r in rows.itertuples()
    )


def mission_info(*, engine: Engine, mission_id: int) -> MissionInfo:
    row = queries.mission_row(engine, mission_id)
    return MissionInfo(row.country, row.post, row.release_marking, row.strategy_start, row.strategy_end)


def render(brief: Brief, kind: str) -> bytes:
    """The brief as a PowerPoint deck (``pptx``) or a US Letter PDF (``pdf``).

    Their writers (python-pptx, ReportLab) load on the first brief asked for, not with every page: they are a
    fifth of a server's start-up imports, which the first visitor after a start would otherwise wait for."""
    if kind == "pptx":
        from dashboard.formats import brief_pptx

        return brief_pptx.write(brief)
    if kind == "pdf":
        from dashboard.formats import brief_pdf

        return brief_pdf.write(brief)
    raise BriefError(f"unknown brief format {kind!r} (pptx or pdf)")


def load_brief(
    *,
    engine: Engine,
    mission_id: int,
    filters: Filters,
    quarter: FiscalQuarter,
    reader: Reader,
    today: date,
    settings: Settings,
    appendix: bool = False,
) -> Brief:
    """Read a mission's frames and build its brief (the command line's path; the page reads through its caches).
    Refuses (BriefError) a mission outside the reader's bureau scope."""
    row = queries.mission_row(engine, mission_id)
    if not reader.actor.may_see_bureau(row.bureau):
        raise BriefError(
            f"{reader.actor.label} sees only the {reader.actor.bureau} bureau's missions, and {row.country} is not "
            "one of them: no brief was made."
        )
    mission = mission_info(engine=engine, mission_id=mission_id)
    mission.check_quarter(quarter)
    expected = queries.expected_frame(engine, mission_id)
    unknown = [g for g in filters.goals if g not in set(expected["goal_code"])]
    if unknown:
        known = ", ".join(dict.fromkeys(expected["goal_code"]))
        raise BriefError(f"unknown goal {unknown[0]!r} in the {mission.country} strategy (goals: {known})")
    updates = queries.updates_frame(engine, mission_id, narratives=True, states=settings.counted_states)
    closed = closed_records.closed_quarters(engine, mission_id).get(quarter.index)
    if closed is not None:  # a closed quarter's brief reads its record, as it did when it closed
        expected, updates = closed_records.as_recorded(expected, updates, closed["record"])
    submissions = queries.submissions_frame(engine, mission_id)
    ids = sorted({int(i) for i in expected["objective_id"]})
    indicators = queries.indicators_frame(engine, ids) if appendix else None
    found = evidence_view.for_mission(
        engine, mission_id, quarter, states=settings.counted_states, on_target=settings.indicator_on_target
    )
    return build_brief(
        expected=expected,
        updates=updates,
        submissions=submissions,
        indicators=indicators,
        evidence=found,
        mission=mission,
        filters=filters,
        quarter=quarter,
        reader=reader,
        today=today,
        due_days=reporting.mission_due_days(row.due_days, settings.due_days),
        appendix=appendix,
        recorded=None if closed is None else closed["at"],
    )
