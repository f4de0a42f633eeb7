"""The brief's bottom line and its order, on the demo history: every number in the bottom-line sentences is one the
brief shows elsewhere (headline figures, attention list, outstanding reports, indicator evidence), for five filter
sets; the attention list is Off track first and Critical first; changes worse first; actions carry their owners;
the trend has gaps, never 0%, where nothing was reported; the lead agency's report comes first."""

import re
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import create_engine

from dashboard.domain.actor import Actor
from dashboard.domain.filters import Filters
from dashboard.formats.brief_data import AgencyReport, Brief, Change, ObjectiveLine
from dashboard.settings import Settings
from dashboard.store import queries
from dashboard.views import brief as vb
from dashboard.views import brief_story
from dashboard.views import evidence as ev
from tests.people import QUARTER, demo_template

MISSION = vb.MissionInfo("Peru", "Embassy Lima", "FOR PUBLIC RELEASE", 2022, 2026)
FILTER_SETS = [
    Filters(),
    Filters(goals=("2",)),
    Filters(agencies=("DEA",)),
    Filters(goals=("1",), agencies=("USAID",)),
    Filters(risks=("High", "Critical")),
]


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, ev.Evidence]:
    engine = create_engine(f"sqlite:///{demo_template()}")
    try:
        return (
            queries.expected_frame(engine, 1),
            queries.updates_frame(engine, 1, narratives=True),
            queries.submissions_frame(engine, 1),
            ev.for_mission(engine, 1, QUARTER, states=Settings().counted_states, on_target=0.9),
        )
    finally:
        engine.dispose()


def _brief(frames: tuple, filters: Filters, reader: vb.Reader | None = None) -> Brief:
    expected, updates, submissions, evidence = frames
    return vb.build_brief(
        expected=expected, updates=updates, submissions=submissions, indicators=None, evidence=evidence,
        mission=MISSION, filters=filters, quarter=QUARTER, reader=reader or vb.Reader(Actor.operator(), None),
        today=date(2026, 11, 23), due_days=30,
    )  # fmt: skip


def _figure(brief: Brief, label: str) -> str:
    return next(f.value for f in brief.figures if f.label == label)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=lambda f: str(f.to_query_params() or "all"))
def test_the_bottom_line_agrees_with_the_figures(frames: tuple, filters: Filters) -> None:
    brief = _brief(frames, filters)
    assert 3 <= len(brief.bluf) <= 5
    moved, at_risk, late, *indicators = brief.bluf

    worse = sum(c.direction == "worse" for c in brief.changes)
    better = sum(c.direction == "better" for c in brief.changes)
    if worse or better:
        assert (f"{worse} objective" in moved) == bool(worse) and (f"{better} improved" in moved) == bool(better)
    else:
        assert moved.startswith("No objective's status or risk moved")

    off = sum(o.status == "Off track" for o in brief.attention)
    risk = sum(o.status == "At risk" for o in brief.attention)
    assert (off, risk) == (int(_figure(brief, "Off track")), int(_figure(brief, "At risk")))
    if brief.attention:
        assert at_risk.startswith(f"{off} off track and {risk} at risk; the most serious is {brief.attention[0].code} ")
    else:
        assert at_risk == "No objective is off track or at risk."

    received = _figure(brief, "Updates received")
    assert f"({received} received)" in late or late == f"Every expected update was received ({received})."
    overdue = [o for o in brief.outstanding if o.overdue]
    if overdue:
        assert late.startswith(f"{len(overdue)} update")
        assert f"up to {max(o.days_late for o in overdue)} day" in late
        for agency in {o.agency for o in brief.outstanding}:
            assert agency in late or "more" in late

    if brief.evidence.indicators:
        (said,) = indicators
        behind = len(brief.evidence.behind)
        assert f"{behind} of {len(brief.evidence.indicators)} indicator" in said
        if brief.evidence.disagreements:
            assert f"on {len(brief.evidence.disagreements)} objective" in said
    else:
        assert indicators == []


def test_the_demo_bottom_line_reads_as_a_front_office_would_say_it(frames: tuple) -> None:
    brief = _brief(frames, Filters())
    assert brief.bluf[1].startswith("2 off track and 3 at risk; the most serious is 2.1 (Off track, Critical risk)")
    assert re.fullmatch(r"6 updates are late, up to 24 days \(27 of 33 received\): DEA and FAS\.", brief.bluf[2])
    assert brief.bluf[3].startswith("The indicators disagree with the reported status on ")


def test_attention_is_off_track_first_then_the_highest_risk(frames: tuple) -> None:
    brief = _brief(frames, Filters())
    order = [(o.status, o.risk_level) for o in brief.attention]
    assert order == sorted(
        order, key=lambda p: (p[0] != "Off track", -["Low", "Medium", "High", "Critical"].index(p[1] or "Low"))
    )
    assert brief.attention[0].status == "Off track" and brief.attention[0].risk_level == "Critical"


def test_changes_come_worse_first() -> None:
    changes = [
        Change("1.1", "a", "On track", "On track", "Low", "Low", "better"),
        Change("1.2", "b", "On track", "At risk", "Low", "High", "worse"),
        Change("1.3", "c", "At risk", "On track", "Low", "High", "mixed"),
        Change("2.1", "d", "On track", "Off track", "Low", "Low", "worse"),
    ]
    assert [c.code for c in brief_story.changes_order(changes)] == ["1.2", "2.1", "1.3", "1.1"]


def _report(agency: str, steps: str = "", note: str = "") -> AgencyReport:
    return AgencyReport(agency, "Off track", 10, "High", "", "", steps, note)


def test_actions_have_owners_and_the_quarter_ahead_and_say_shared_words_once() -> None:
    line = ObjectiveLine("2.1", "Security", "2", "Off track", 10.0, "Critical", "DAO", "", "", "")
    reports = {"2.1": [_report("DAO", "Hold the review.", "Reviewed."), _report("DHS", "Hold  the review.", "")]}
    actions = brief_story.actions([line], reports, QUARTER)
    assert [(a.kind, a.text, a.owner, a.quarter) for a in actions] == [
        ("Next step", "Hold the review.", "DAO, DHS", "FY2027 Q1"),
        ("Mitigation", "Reviewed.", "DAO", "FY2027 Q1"),
    ]


def test_the_lead_agencys_report_comes_first(frames: tuple) -> None:
    reports = [_report("DHS"), _report("USAID"), _report("DAO")]
    assert [r.agency for r in brief_story.lead_first(reports, "USAID")] == ["USAID", "DAO", "DHS"]


def test_the_trend_has_four_quarters_per_goal_and_gaps_where_nothing_was_reported(frames: tuple) -> None:
    expected, updates, submissions, evidence = frames
    brief = _brief(frames, Filters())
    assert brief.trend_chart is not None
    assert brief.trend_chart.categories == ("FY2026 Q1", "FY2026 Q2", "FY2026 Q3", "FY2026 Q4")
    assert {s.name for s in brief.trend_chart.series} >= {"Goal 1", "Goal 2", "Goal 3", "Goal 4"}
    early = updates[updates["qindex"] != QUARTER.previous().index]  # nothing reported in FY2026 Q3
    gap = _brief((expected, early, submissions, evidence), Filters())
    assert gap.trend_chart is not None
    assert all(s.values[2] is None for s in gap.trend_chart.series)


def test_the_maker_is_a_person_or_an_automated_report(frames: tuple) -> None:
    assert _brief(frames, Filters()).prepared_for == "automated report"
    person = vb.Reader(Actor(email="dcm@state.gov", role="viewer"), frozenset())
    assert _brief(frames, Filters(), person).prepared_for == "dcm@state.gov"
    assert _brief(frames, Filters(), vb.Reader(Actor.anonymous(), frozenset())).prepared_for == (
        "a visitor who was not signed in"
    )


def test_the_reason_given_is_the_worst_reporting_agencys_fullest_account() -> None:
    reports = [
        AgencyReport("DAO", "Off track", 10, "Critical", "", "No significant challenges.", "", ""),
        AgencyReport("DHS", "Off track", 10, "Critical", "", "Procurement timelines slipped by several weeks.", "", ""),
        AgencyReport(
            "State", "On track", 60, "Low", "", "A much longer account from an agency that is on track.", "", ""
        ),
    ]
    assert brief_story.reason(reports) == "Procurement timelines slipped by several weeks."
    assert brief_story.reason([]) == ""
