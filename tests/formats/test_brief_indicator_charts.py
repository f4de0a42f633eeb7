"""Each goal's indicators against target are charted in both formats: in the deck a native, editable bar chart per
goal with indicators (its values the indicators' achievement by the one rounding rule, each bar coloured by its
rating), in the PDF a vector chart above the goal's indicator table."""

import dataclasses
import io

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pypdf import PdfReader
from sqlalchemy import create_engine

from dashboard.domain.filters import Filters
from dashboard.formats import brief_data
from dashboard.formats.brief_data import RATING_COLORS, Brief
from dashboard.settings import Settings
from dashboard.views import brief as vb
from dashboard.views import evidence as ev
from tests.people import QUARTER, demo_template
from tests.views import test_brief as tb


@pytest.fixture(scope="module")
def made() -> Brief:
    engine = create_engine(f"sqlite:///{demo_template()}")
    try:
        found = ev.for_mission(engine, 1, QUARTER, states=Settings().counted_states, on_target=0.9)
    finally:
        engine.dispose()
    return tb._brief(tb._demo_frames(), Filters(), evidence=found)


def test_the_chart_data_is_each_indicators_achievement_rounded_once(made: Brief) -> None:
    goal = made.goals[0]
    data = brief_data.indicator_chart_data(goal, made.quarter)
    assert data is not None
    assert data.categories == tuple(i.code for i in goal.indicators)
    assert [f"{v}%" for v in data.series[0].values] == [i.achieved for i in goal.indicators]
    assert brief_data.indicator_chart_data(dataclasses.replace(goal, indicators=()), made.quarter) is None


def test_the_deck_charts_each_goals_indicators_natively_coloured_by_rating(made: Brief) -> None:
    deck = Presentation(io.BytesIO(vb.render(made, "pptx")))
    charted = {}
    for slide in deck.slides:
        title = next(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        for shape in slide.shapes:
            if shape.has_chart and title.startswith("Indicators against target: "):
                charted[title] = shape.chart
    with_indicators = [g for g in made.goals if g.indicators]
    assert len(charted) == len(with_indicators) >= 4
    for goal in with_indicators:
        chart = charted[f"Indicators against target: {goal.name}"]
        assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
        assert list(chart.plots[0].categories) == [i.code for i in goal.indicators]
        values = list(chart.plots[0].series[0].values)
        assert [f"{v:.0f}%" for v in values] == [i.achieved for i in goal.indicators]
        fills = [str(p.format.fill.fore_color.rgb) for p in chart.plots[0].series[0].points][: len(values)]
        assert fills == [RATING_COLORS[i.rating].upper() for i in goal.indicators]


def test_the_pdf_charts_each_goals_indicators_above_their_table(made: Brief) -> None:
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(vb.render(made, "pdf"))).pages)
    for goal in (g for g in made.goals if g.indicators):
        title = f"{goal.name}: indicators against the {made.quarter} target"
        assert title in text
        first = goal.indicators[0]
        assert text.index(title) < text.index(f"{first.code} {first.name.split()[0]}", text.index(title))
