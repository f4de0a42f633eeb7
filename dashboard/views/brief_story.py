"""The brief's story, bottom line first: the few sentences a front office reads before anything else, the attention
list in the order it is discussed (Off track before At risk, Critical before High), the decisions and actions drawn
from the agencies' next steps and mitigation, the four-quarter trend per goal, and what changed, worse first.

Every number in a sentence is one the brief shows elsewhere (the headline figures, the attention list, the
outstanding reports, the indicator evidence), by the same rounding rule: the sentences never compute a figure of
their own. Pure functions of the data ``views.brief`` has already scoped to what the reader may see.
"""

from collections.abc import Sequence

import pandas as pd

from dashboard.domain import aggregation
from dashboard.domain.aggregation import RISK_SEVERITY, STATUS_SEVERITY
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.numbers import half_up, percent, plural
from dashboard.formats.brief_data import (
    Action,
    AgencyReport,
    Change,
    ChartData,
    EvidenceSection,
    ObjectiveLine,
    Outstanding,
    Series,
)
from models.scales import GOOD_STATUSES, Status, goal_name

STATUS_RANK = {Status.OFF_TRACK.value: 0, Status.AT_RISK.value: 1}
DIRECTION_RANK = {"worse": 0, "mixed": 1, "better": 2}
TREND_QUARTERS = 4
MAX_NAMED = 3  # objectives or agencies named in one sentence before "and N more"


def named(items: Sequence[str]) -> str:
    """ "1.1, 2.1 and 3.2"; past three, "1.1, 2.1, 3.2 and 2 more"."""
    items = list(dict.fromkeys(items))
    if len(items) > MAX_NAMED:
        return f"{', '.join(items[:MAX_NAMED])} and {len(items) - MAX_NAMED} more"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def attention_order(lines: Sequence[ObjectiveLine]) -> tuple[ObjectiveLine, ...]:
    """Off track before At risk, then the highest risk first (Critical, High, …), then the strategy's order."""
    ranked = sorted(
        enumerate(lines),
        key=lambda pair: (
            STATUS_RANK.get(pair[1].status, 9),
            -RISK_SEVERITY.get(pair[1].risk_level or "", -1),
            pair[0],
        ),
    )
    return tuple(line for _, line in ranked)


def changes_order(changes: Sequence[Change]) -> tuple[Change, ...]:
    """Worse first, then mixed, then better; the strategy's order within each."""
    ranked = sorted(enumerate(changes), key=lambda pair: (DIRECTION_RANK.get(pair[1].direction, 3), pair[0]))
    return tuple(change for _, change in ranked)


def lead_first(reports: Sequence[AgencyReport], lead: str) -> list[AgencyReport]:
    """The lead agency's report first, then the others by name."""
    return sorted(reports, key=lambda r: (r.agency != lead, r.agency.lower()))


def actions(
    attention: Sequence[ObjectiveLine], reports: dict[str, list[AgencyReport]], quarter: FiscalQuarter
) -> tuple[Action, ...]:
    """The decisions and actions for the quarter ahead: each attention objective's next steps and mitigation, in the
    attention list's order, each with the agencies that own it (the same words from several agencies are one action
    with all of them as owners, the lead first)."""
    due = quarter.next().label
    owners: dict[tuple[str, str, str], list[str]] = {}
    status = {line.code: line.status for line in attention}
    for line in attention:
        for report in reports.get(line.code, []):
            for kind, text in (("Next step", report.next_steps), ("Mitigation", report.risk_note)):
                if text.strip():
                    owners.setdefault((line.code, kind, " ".join(text.split())), []).append(report.agency)
    return tuple(
        Action(code, status[code], text, ", ".join(dict.fromkeys(agencies)), due, kind)
        for (code, kind, text), agencies in owners.items()
    )


def trend_chart_data(owed: pd.DataFrame, scoped: pd.DataFrame, quarter: FiscalQuarter) -> ChartData:
    """Per goal, the share of its reporting objectives On track or Completed in each of the last four quarters;
    a quarter where none of a goal's objectives reported has no value (a gap, never 0%)."""
    quarters = [quarter]
    for _ in range(TREND_QUARTERS - 1):
        quarters.insert(0, quarters[0].previous())
    shares: dict[str, list[float | None]] = {}
    for number, q in enumerate(quarters):
        as_of = aggregation.objectives_as_of(owed, scoped, q) if not owed.empty else pd.DataFrame()
        for goal, part in as_of.groupby("goal_code", sort=False) if not as_of.empty else ():
            reported = part[part["status"].isin([s.value for s in Status])]
            values = shares.setdefault(str(goal), [None] * len(quarters))
            if not reported.empty:
                values[number] = half_up(100 * reported["status"].isin(GOOD_STATUSES).mean())
    series = tuple(Series(goal_name(goal), tuple(values)) for goal, values in shares.items())
    last = [(s.name, s.values[-1]) for s in series if s.values[-1] is not None]
    summary = "; ".join(f"{name} {percent(value)}" for name, value in last) or "No objective reported."
    return ChartData(
        f"On track or completed, {quarters[0].label} to {quarter.label} (% of objectives reporting)",
        tuple(q.label for q in quarters),
        series,
        f"In {quarter.label}: {summary}.",
    )


def _moved(changes: Sequence[Change], previous: str) -> str:
    worse = [c for c in changes if c.direction == "worse"]
    better = [c for c in changes if c.direction == "better"]
    if not worse and not better:
        return f"No objective's status or risk moved for the worse or the better since {previous}."
    parts = []
    if worse:
        parts.append(
            f"{plural(len(worse), 'objective')} got worse ({named([f'{c.code} to {c.status_now}' for c in worse])})"
        )
    if better:
        parts.append(f"{len(better)} improved ({named([c.code for c in better])})")
    return f"Since {previous}, " + " and ".join(parts) + "."


def reason(reports: Sequence[AgencyReport]) -> str:
    """Why an objective is in trouble, in one agency's words: the challenges of the agency that reported the worst
    status and risk; among equals the fullest account (the lead's when as full)."""
    said = [r for r in reports if r.challenges.strip()]
    if not said:
        return ""
    worst = max(
        said,
        key=lambda r: (STATUS_SEVERITY.get(r.status, 0), RISK_SEVERITY.get(r.risk_level, 0), len(r.challenges.strip())),
    )
    return " ".join(worst.challenges.split())


def _at_risk(attention: Sequence[ObjectiveLine], reasons: dict[str, str]) -> str:
    off = sum(o.status == Status.OFF_TRACK.value for o in attention)
    risk = sum(o.status == Status.AT_RISK.value for o in attention)
    if not attention:
        return "No objective is off track or at risk."
    first = attention[0]
    why = reasons.get(first.code) or first.challenges.split("\n")[0].split(": ", 1)[-1].strip()
    why = why if len(why) <= 160 else why[:157].rsplit(" ", 1)[0] + "…"
    risk_words = f", {first.risk_level} risk" if first.risk_level else ""
    sentence = f"{off} off track and {risk} at risk; the most serious is {first.code} ({first.status}{risk_words})"
    return sentence + (f": {why}" if why else ".") + ("" if not why or why.endswith((".", "…")) else ".")


def _late(outstanding: Sequence[Outstanding], received: str) -> str:
    if not outstanding:
        return f"Every expected update was received ({received})."
    late = [o for o in outstanding if o.overdue]
    agencies = named(sorted({o.agency for o in outstanding}))
    if not late:
        return f"{plural(len(outstanding), 'update')} not yet received ({received} received), not yet due: {agencies}."
    worst = max(o.days_late for o in late)
    return (
        f"{plural(len(late), 'update')} {'is' if len(late) == 1 else 'are'} late, up to {plural(worst, 'day')} "
        f"({received} received): {agencies}."
    )


def _indicators(evidence: EvidenceSection) -> str | None:
    if not evidence.indicators:
        return None
    behind = len(evidence.behind)
    if evidence.disagreements:
        codes = named([d.code for d in evidence.disagreements])
        return (
            f"The indicators disagree with the reported status on {plural(len(evidence.disagreements), 'objective')} "
            f"({codes}); {behind} of {plural(len(evidence.indicators), 'indicator')} are behind target."
        )
    indicators = plural(len(evidence.indicators), "indicator")
    return f"The indicators bear out every reported status; {behind} of {indicators} are behind target."


def bottom_line(
    *,
    changes: Sequence[Change],
    attention: Sequence[ObjectiveLine],
    outstanding: Sequence[Outstanding],
    evidence: EvidenceSection,
    received: str,
    previous: str,
    reasons: dict[str, str] | None = None,
) -> tuple[str, ...]:
    """Three to five sentences from the data: what moved, what is at risk and why, what is late, and where the
    indicators disagree (once there are indicators)."""
    sentences = [_moved(changes, previous), _at_risk(attention, reasons or {}), _late(outstanding, received)]
    if (said := _indicators(evidence)) is not None:
        sentences.append(said)
    return tuple(sentences)
