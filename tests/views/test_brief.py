"""The quarterly review brief: the same figures as the overview, in native charts; every text inside its box;
the marking on every page; only what the reader may see; and within its time budget."""

import io
import statistics
import time
from datetime import date

import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from sqlalchemy import create_engine
from sqlmodel import Session

from dashboard.domain import aggregation
from dashboard.domain import evidence as rules
from dashboard.domain.actor import Actor
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats import brief_pptx, brief_text
from dashboard.formats.brief_data import Brief
from dashboard.settings import Settings
from dashboard.store import queries
from dashboard.store.database import get_engine
from dashboard.views import brief as vb
from dashboard.views import evidence as ev
from dashboard.views.overview import build_overview
from models import Mission, UpdateDraft
from tests.formats.pptx_fit_check import assert_everything_fits
from tests.people import ADMIN, CHAIR1, DEA, QUARTER, USAID, VIEWER, build, demo_template

SBU = "SENSITIVE BUT UNCLASSIFIED"
MISSION = vb.MissionInfo("Peru", "Embassy Lima", SBU, 2022, 2026)
EVERYONE = vb.Reader(Actor.operator(), None)
NO_INDICATORS = ev.Evidence(
    QUARTER, pd.DataFrame(columns=rules.INDICATOR_COLUMNS), pd.DataFrame(columns=rules.OBJECTIVE_COLUMNS)
)


# --------------------------------------------------------------------------- helpers


def _demo_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    engine = create_engine(f"sqlite:///{demo_template()}")
    try:
        expected = queries.expected_frame(engine, 1)
        updates = queries.updates_frame(engine, 1, narratives=True)
        submissions = queries.submissions_frame(engine, 1)
    finally:
        engine.dispose()
    return expected, updates, submissions


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return _demo_frames()


@pytest.fixture(scope="module")
def demo_evidence() -> ev.Evidence:
    """The demo's indicators in the quarter, as the Overview reads them (nine behind, five disagreements)."""
    engine = create_engine(f"sqlite:///{demo_template()}")
    try:
        return ev.for_mission(engine, 1, QUARTER, states=Settings().counted_states, on_target=0.9)
    finally:
        engine.dispose()


def _brief(frames: tuple[pd.DataFrame, ...], filters: Filters | None = None, **kw: object) -> Brief:
    expected, updates, submissions = frames
    args: dict = dict(
        expected=expected,
        updates=updates,
        submissions=submissions,
        indicators=None,
        evidence=NO_INDICATORS,
        mission=MISSION,
        filters=filters or Filters(),
        quarter=QUARTER,
        reader=EVERYONE,
        today=date(2026, 11, 23),
        due_days=30,
    )
    args.update(kw)
    return vb.build_brief(**args)


LONG = (
    "Strengthened the interagency coordination mechanism across twelve regional offices, including "
    "Supercalifragilisticexpialidociousnessandmoreofthesamewordwithoutanyspaces, and trained officials "
)


def synthetic(goals: int, per_goal: int, agencies: int = 3) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A mission of ``goals`` x ``per_goal`` objectives with very long titles and narratives, every agency reporting."""
    expected_rows, update_rows = [], []
    statuses = ["On track", "At risk", "Off track", "Completed", "Not started"]
    risks = ["Low", "Medium", "High", "Critical"]
    oid = 0
    for g in range(1, goals + 1):
        for o in range(1, per_goal + 1):
            oid += 1
            for a in range(1, agencies + 1):
                expected_rows.append(
                    {
                        "objective_id": oid,
                        "code": f"{g}.{o}",
                        "kind": "mission",
                        "objective_title": f"Objective {g}.{o}: " + LONG * 2,
                        "position": oid,
                        "goal_code": str(g),
                        "goal_title": f"Goal {g} " + LONG,
                        "agency_id": a,
                        "agency": f"AGENCY{a}",
                        "role": "lead" if a == 1 else "contributing",
                        "working_group_id": g,
                        "working_group": f"Goal {g} Working Group on " + LONG[:80],
                    }
                )
                for quarter in (QUARTER.previous(), QUARTER):
                    if a == agencies and quarter == QUARTER and o % 3 == 0:
                        continue  # some missing reports
                    update_rows.append(
                        {
                            "id": len(update_rows) + 1,
                            "objective_id": oid,
                            "agency_id": a,
                            "fiscal_year": quarter.fiscal_year,
                            "quarter": quarter.quarter,
                            "qindex": quarter.index,
                            "status": statuses[(oid + a + quarter.index) % 5],
                            "progress": (oid * 7 + a * 13) % 101,
                            "risk_level": risks[(oid + a) % 4],
                            "revision": 1,
                            "author": "x@example.gov",
                            "created_at": pd.Timestamp("2026-10-01"),
                            "is_demo": False,
                            "accomplishments": LONG * 8,
                            "challenges": LONG * 6,
                            "next_steps": LONG * 3,
                            "risk_note": LONG * 5,
                        }
                    )
    expected = pd.DataFrame(expected_rows)
    updates = pd.DataFrame(update_rows)
    submissions = updates.assign(state="submitted", review_comment="", reviewer="", status_update_id=updates["id"])
    return expected, updates, submissions


def synthetic_evidence(frames: tuple[pd.DataFrame, ...], per_objective: int = 2) -> ev.Evidence:
    """``per_objective`` indicators with long names on every objective of ``synthetic``, a third of them behind
    (so objectives reported On track or Completed disagree), a third on target, a third without a value."""
    expected, updates, _ = frames
    objectives = expected.drop_duplicates("objective_id")
    rows = []
    for o in objectives.itertuples():
        for k in range(per_objective):
            n = len(rows)
            actual, achievement, rating = [(42.0, 0.42, "behind"), (95.0, 0.95, "on target"), (None, None, "no data")][
                n % 3
            ]
            rows.append(
                {"indicator_id": n + 1, "code": f"{o.code}.{'abcdefgh'[k]}", "objective_id": o.objective_id,
                 "objective_code": o.code, "goal_code": o.goal_code, "name": f"Indicator {n + 1}: " + LONG,
                 "unit": "participants trained in the regional offices", "baseline": 0.0, "target": 100.0,
                 "actual": actual, "achievement": achievement, "rating": rating, "note": ""}
            )  # fmt: skip
    indicators = pd.DataFrame(rows, columns=rules.INDICATOR_COLUMNS)
    as_of = aggregation.objectives_as_of(expected, updates, QUARTER)
    return ev.Evidence(QUARTER, indicators, rules.objective_rows(indicators, as_of, 0.9))


def _deck(data: bytes):  # noqa: ANN202
    return Presentation(io.BytesIO(data))


def _charts(deck) -> dict[str, object]:  # noqa: ANN001
    out = {}
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                out[shape.chart.chart_title.text_frame.text] = shape.chart
    return out


def made_trend(frames: tuple[pd.DataFrame, ...], filters: Filters) -> str:
    """The title of the brief's four-quarter trend chart (drawn in the deck besides the overview's three)."""
    trend = _brief(frames, filters).trend_chart
    return trend.title if trend is not None else ""


def _values(series: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in series]


# --------------------------------------------------------------------------- the same figures as the overview

FILTER_SETS = [
    Filters(),
    Filters(goals=("2", "4")),
    Filters(agencies=("USAID",)),
    Filters(statuses=("At risk", "Off track")),
    Filters(working_groups=("Goal 1 Working Group: Economic, Educational and Cultural Ties",), risks=("Low",)),
]


@pytest.mark.parametrize("filters", FILTER_SETS, ids=lambda f: str(f.to_query_params()) or "all")
def test_native_charts_carry_the_overviews_figures_for_the_same_filters(demo, filters: Filters) -> None:
    expected, updates, submissions = demo
    view = build_overview(expected, updates, filters, QUARTER)
    if view.empty:
        pytest.fail(f"filters {filters} match nothing in the demo: pick others")
    deck = _deck(brief_pptx.write(_brief(demo, filters)))
    charts = _charts(deck)
    assert set(charts) - {made_trend(demo, filters)} == {
        "Progress by goal, with its objectives (%)",
        "Objectives by status",
        "Risk level by goal (objectives)",
    }

    goal = charts["Progress by goal, with its objectives (%)"]
    data = view.goals.data
    assert list(goal.plots[0].categories) == list(data["goal or objective"])
    assert list(goal.plots[0].series[0].values) == pytest.approx(_values(data["progress"]))

    status = charts["Objectives by status"]
    assert list(status.plots[0].categories) == list(view.statuses.data["status"])
    assert list(status.plots[0].series[0].values) == [float(v) for v in view.statuses.data["objectives"]]

    risk = charts["Risk level by goal (objectives)"]
    table = view.risk_by_goal.data
    assert list(risk.plots[0].categories) == list(table["goal"])
    assert [s.name for s in risk.plots[0].series] == ["Low", "Medium", "High", "Critical"]
    for series in risk.plots[0].series:
        assert list(series.values) == [float(v) for v in table[series.name]]


def test_headline_figures_and_changes_match_the_overview(demo) -> None:
    expected, updates, submissions = demo
    view = build_overview(expected, updates, Filters(), QUARTER)
    previous = build_overview(expected, updates, Filters(), QUARTER.previous())
    made = _brief(demo)
    figures = {f.label: f for f in made.figures}
    head, before = view.headline, previous.headline
    for status in ("On track", "At risk", "Off track", "Completed"):
        assert figures[status].value == str(head.status_counts[status])
        delta = head.status_counts[status] - before.status_counts[status]
        assert figures[status].change == ("no change" if delta == 0 else f"{'+' if delta > 0 else '−'}{abs(delta)}") + (
            " since FY2026 Q3"
        )
    assert figures["Updates received"].value == f"{head.received} of {head.expected}"
    assert figures["Mean progress"].value == f"{head.mean_progress:.0f}%"
    assert [c.code for c in made.changes] == list(view.changes["code"])
    assert {o.code for o in made.attention} == set(
        view.objectives[view.objectives["status"].isin(["At risk", "Off track"])]["code"]
    )
    assert sorted((o.agency, o.code) for o in made.outstanding) == sorted(
        zip(view.missing["agency"], view.missing["code"], strict=True)
    )


# --------------------------------------------------------------------------- slide count and layout


def test_the_peru_deck_has_the_bottom_line_first_then_a_slide_per_goal(demo, demo_evidence) -> None:
    made = _brief(demo, evidence=demo_evidence)
    deck = _deck(brief_pptx.write(made))
    titles = [_title(s) for s in deck.slides]
    assert titles[1:5] == ["Bottom line", "What needs attention", "What needs attention (continued)",
                           "Decisions and actions for FY2027 Q1"]  # fmt: skip
    assert titles[5:8] == [
        "Headline figures",
        "Trend and what changed since FY2026 Q3",
        "Progress, status and risk by goal",
    ]
    goals = [t for t in titles if not t.endswith("(continued)") and not t.startswith("Indicators against")]
    assert goals[7 : 7 + len(made.goals)] == [g.heading for g in made.goals]
    charted = [t for t in titles if t.startswith("Indicators against target: ")]  # after each goal's own slides
    assert charted == [f"Indicators against target: {g.name}" for g in made.goals if g.indicators]
    assert titles[-1] == "Outstanding reports" and "Indicator evidence" in titles
    first = " ".join(_texts(deck.slides[0]))
    assert "Peru — Embassy Lima" in first and "FY2026 Q4 review brief" in first and SBU in first
    assert "Prepared 23 November 2026" in first


def _title(slide) -> str:  # noqa: ANN001
    return next((s.text_frame.text for s in slide.shapes if s.name == "Title"), "")


def _texts(slide) -> list[str]:  # noqa: ANN001
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [c.text_frame.text for row in shape.table.rows for c in row.cells]
    return out


def _measured(text: str, size: float, bold: bool) -> float:
    """The line's width by reportlab's own measure of the brief's font (as a renderer would lay it out)."""
    fonts = brief_text.fonts()
    return pdfmetrics.stringWidth(text, fonts.bold if bold else fonts.regular, size)


@pytest.mark.parametrize("per_goal", [4, 12])
def test_layout_holds_with_long_text_at_4_and_12_objectives_per_goal(per_goal: int) -> None:
    frames = synthetic(goals=3, per_goal=per_goal)
    made = _brief(frames, appendix=True, evidence=synthetic_evidence(frames))
    deck = _deck(brief_pptx.write(made))
    assert_everything_fits(deck)
    goal_slides = [s for s in deck.slides if _title(s).startswith(made.goals[0].heading)]
    tables = [sh.table for s in goal_slides for sh in s.shapes if sh.has_table]
    first_cells = [t.cell(r, 0).text_frame.text for t in tables for r in range(1, len(t.rows))]
    assert [c for c in first_cells if c.count(".") == 1] == [f"1.{i}" for i in range(1, per_goal + 1)]
    # and under them every one of the goal's indicators, two to an objective
    assert [c for c in first_cells if c.count(".") == 2] == [f"1.{i}.{k}" for i in range(1, per_goal + 1) for k in "ab"]
    # beside each disagreement, every agency that reported is heard, however long its words
    slides = [s for s in deck.slides if _title(s).startswith("Indicator evidence")]
    cells = [c for s in slides for c in _texts(s) if c.startswith("AGENCY1 (")]
    heard = [[a for a in ("AGENCY1", "AGENCY2", "AGENCY3") if f"\n{a} (" in "\n" + c] for c in cells]
    assert heard == [[r.agency for r in d.reports] for d in made.evidence.disagreements]
    assert len(made.evidence.disagreements) >= 2 and any(len(h) == 3 for h in heard)


def test_the_demo_deck_overflows_nowhere(demo, demo_evidence) -> None:
    assert_everything_fits(_deck(brief_pptx.write(_brief(demo, appendix=True, evidence=demo_evidence))))


def test_fit_wraps_then_shortens_with_an_ellipsis() -> None:
    lines = brief_text.fit(LONG * 3, size=10, box_width=120, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(_measured(line, 10, False) <= 120 for line in lines)
    assert brief_text.fit("Short.", size=10, box_width=120, max_lines=3) == ["Short."]
    assert brief_text.fit("a\x00b\x1fc", size=10, box_width=120, max_lines=1) == ["abc"]


# --------------------------------------------------------------------------- the PDF


def test_pdf_is_us_letter_with_the_marking_and_a_page_number_on_every_page(demo, demo_evidence) -> None:
    made = _brief(demo, appendix=True, evidence=demo_evidence)
    reader = PdfReader(io.BytesIO(vb.render(made, "pdf")))
    pages = reader.pages
    assert len(pages) > 10
    for number, page in enumerate(pages, start=1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612.0, 792.0)
        text = page.extract_text()
        assert text.count(SBU) >= 2, f"page {number} lacks the marking in header and footer"
        assert f"Page {number} of {len(pages)}" in text
    whole = "\n".join(p.extract_text() for p in pages)
    for goal in made.goals:
        assert goal.heading.split(":")[0] in whole
    assert "What needs attention" in whole and "Outstanding reports" in whole
    assert "Indicator evidence" in whole and "Where reports and indicators disagree" in whole


def test_every_slide_carries_the_marking_top_and_bottom(demo) -> None:
    deck = _deck(brief_pptx.write(_brief(demo)))
    for number, slide in enumerate(deck.slides, start=1):
        marks = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text == SBU]
        tops = sorted(s.top.pt for s in marks)
        assert len(marks) == 2 and tops[0] < 30 and tops[-1] > 500, number
        assert any(
            s.has_text_frame and s.text_frame.text == f"Slide {number} of {len(deck.slides)}" for s in slide.shapes
        )


# --------------------------------------------------------------------------- visibility


def _all_text(made: Brief) -> str:
    deck = _deck(brief_pptx.write(made))
    pptx_text = "\n".join(t for slide in deck.slides for t in _texts(slide))
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(vb.render(made, "pdf"))).pages)
    return pptx_text + "\n" + pdf_text


def test_only_what_the_reader_may_see_under_the_missions_marking(database_url: str) -> None:
    cast = build(database_url)
    with Session(cast.engine) as session:
        mission = session.get(Mission, cast.mission_id)
        assert mission is not None
        mission.release_marking = SBU
        session.add(mission)
        session.commit()
    returned = cast.submit(USAID, cast.form("1.1", "USAID", accomplishments="Reported, to be fixed."))
    cast.review(CHAIR1, returned.id, "returned", comment="Numbers missing from the table")
    with Session(cast.engine) as session:
        session.add(
            UpdateDraft(
                objective_id=cast.objectives["2.1"],
                agency_id=cast.agencies["DEA"],
                fiscal_year=QUARTER.fiscal_year,
                quarter=QUARTER.quarter,
                status="Off track",
                progress=5,
                risk_level="Critical",
                accomplishments="Draft: not for anyone's brief",
                author=DEA,
            )
        )
        session.commit()
    engine = get_engine(cast.url)

    def text_for(email: str | None) -> str:
        from dashboard.services import access

        with Session(engine) as session:
            actor = access.resolve(session, email)
            reviewable = access.reviewable_objectives(session, actor)
        reader = vb.Reader(actor, None if reviewable is None else frozenset(reviewable))
        made = vb.load_brief(
            engine=engine,
            mission_id=cast.mission_id,
            filters=Filters(),
            quarter=QUARTER,
            reader=reader,
            today=date(2026, 11, 23),
            settings=Settings(database_url=cast.url),
        )
        return _all_text(made)

    anonymous, viewer = text_for(None), text_for(VIEWER)
    assert anonymous.count(SBU) >= 2 * 11  # top and bottom of every slide, at least
    for text in (anonymous, viewer):
        assert "Numbers missing" not in text
        assert "Returned" in text  # the state shows, as on the tracker; the chair's words do not
    for email in (CHAIR1, USAID, ADMIN):
        assert "Numbers missing from the table" in text_for(email), email
    assert "Numbers missing" not in text_for(DEA)  # another agency's return
    for text in (anonymous, text_for(ADMIN)):
        assert "Draft: not for" not in text
        assert "Reported, to be fixed" not in text  # a returned revision is not counted


# --------------------------------------------------------------------------- speed


def _median_seconds(frames: tuple[pd.DataFrame, ...], kind: str, found: ev.Evidence, runs: int = 3) -> float:
    """Median seconds to build and write the brief with its appendix (the largest it gets).

    CPU seconds of this single-threaded work: on an idle machine they equal the wall time, and they do not
    count the time other processes take the cores from it (the development machine is shared)."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        vb.render(_brief(frames, appendix=True, evidence=found), kind)
        times.append(time.process_time() - started)
    return statistics.median(times)


@pytest.mark.parametrize("kind", ["pptx", "pdf"])
def test_brief_is_built_within_its_time_budget(demo, demo_evidence, kind: str) -> None:
    assert _median_seconds(demo, kind, demo_evidence) <= 3.0
    frames = synthetic(goals=5, per_goal=10)
    assert _median_seconds(frames, kind, synthetic_evidence(frames)) <= 6.0


def test_quarter_outside_the_strategy_is_refused() -> None:
    with pytest.raises(vb.BriefError, match="outside the Peru strategy"):
        MISSION.check_quarter(FiscalQuarter(2027, 1))
