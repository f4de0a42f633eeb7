"""One figure reads the same everywhere: a progress of 48.5, 66.5 or 74.5 is 49%, 67% and 75% on the Overview, the
Objective page, the Missions page, the PowerPoint brief (chart and tables) and the PDF brief."""

import io
import json
import re
from datetime import date

import pytest
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from dashboard.domain.actor import Actor
from dashboard.domain.filters import Filters
from dashboard.formats.brief_data import Brief
from dashboard.store import queries
from dashboard.store.queries import RECEIVED_STATES
from dashboard.views import brief as vb
from dashboard.views import evidence
from tests.appcast import Cast, ok, open_page, start
from tests.people import QUARTER, STATE, USAID

# objective -> (USAID's progress, State's progress): their mean is a half, and each is the only objective of its goal
HALVES = {"1.2": (48, 49), "4.2": (66, 67), "M1": (74, 75)}
SHOWN = ("49%", "67%", "75%")
NOT_SHOWN = ("48%", "66%", "74%")
TOKEN = f"{QUARTER.fiscal_year}Q{QUARTER.quarter}"


@pytest.fixture
def halves(cast: Cast) -> Cast:
    for code, (usaid, state) in HALVES.items():
        for email, agency, progress in ((USAID, "USAID", usaid), (STATE, "State", state)):
            cast.submit(email, cast.form(code, agency, progress=progress, risk_level="High"))
    return cast


def _page_text(at: AppTest) -> str:
    """Everything the page prints: text elements, metrics, tables and the plotly charts' labels and hover text."""
    parts = [str(e.value) for kind in ("markdown", "caption", "text") for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [df.value.to_string() for df in at.dataframe]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec["data"]:
            parts += [str(t) for t in trace.get("text") or []]
    return "\n".join(parts)


def _figures(text: str) -> set[str]:
    return set(re.findall(r"\b\d+%", text))


def _progress_values(at: AppTest) -> list[float]:
    return [float(v) for df in at.dataframe if "progress" in df.value.columns for v in df.value["progress"].dropna()]


def test_the_overview_shows_each_half_rounded_up(halves: Cast) -> None:
    at = start(None)
    at.query_params["to"] = TOKEN
    text = _page_text(ok(at.run()))
    figures = _figures(text)
    assert set(SHOWN) <= figures and not set(NOT_SHOWN) & figures, sorted(figures)
    # the objectives table hands the browser whole numbers, so its own formatting cannot round another way
    assert all(v == int(v) for v in _progress_values(at))


@pytest.mark.parametrize(("code", "shown"), [("1.2", "49%"), ("4.2", "67%"), ("M1", "75%")])
def test_the_objective_page_shows_the_same_figure(halves: Cast, code: str, shown: str) -> None:
    at = start(None)
    at.query_params.update({"objective": code, "to": TOKEN})
    at.switch_page("../pages/objective.py")
    ok(at.run())
    progress = [m.value for m in at.metric if m.label == "Progress"]
    assert progress == [shown]


def test_the_missions_page_shows_the_same_figures(halves: Cast) -> None:
    at = open_page(start(None), "missions")
    at.query_params["to"] = TOKEN
    at.run()
    hot = [df.value for df in at.dataframe if "code" in df.value.columns and "progress" in df.value.columns]
    assert hot, "no hotspot table"
    progress = dict(zip(hot[0]["code"], hot[0]["progress"], strict=True))
    assert {code: progress[code] for code in HALVES} == {"1.2": 49, "4.2": 67, "M1": 75}


def _brief(cast: Cast) -> Brief:
    engine = cast.engine
    return vb.build_brief(
        expected=queries.expected_frame(engine, cast.mission_id),
        updates=queries.updates_frame(engine, cast.mission_id, narratives=True),
        submissions=queries.submissions_frame(engine, cast.mission_id),
        indicators=None,
        evidence=evidence.for_mission(engine, cast.mission_id, QUARTER, states=RECEIVED_STATES, on_target=0.9),
        mission=vb.mission_info(engine=engine, mission_id=cast.mission_id),
        filters=Filters(mission_id=cast.mission_id, end=QUARTER),
        quarter=QUARTER,
        reader=vb.Reader(Actor.operator(), None),
        today=date(2026, 11, 23),
        due_days=30,
    )


def test_the_powerpoint_brief_shows_the_same_figures_in_its_chart_and_tables(halves: Cast) -> None:
    deck = Presentation(io.BytesIO(vb.render(_brief(halves), "pptx")))
    texts, values = [], []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart and "progress" in shape.chart.chart_title.text_frame.text.lower():
                for plot in shape.chart.plots:
                    categories = list(plot.categories)
                    for series in plot.series:
                        values += list(zip(categories, series.values, strict=True))
    figures = _figures("\n".join(texts))
    assert set(SHOWN) <= figures and not set(NOT_SHOWN) & figures, sorted(figures)
    charted = {str(c).strip(): v for c, v in values if v is not None}
    assert {code: charted.get(code) for code in HALVES} == {"1.2": 49, "4.2": 67, "M1": 75}, charted


def test_the_pdf_brief_shows_the_same_figures(halves: Cast) -> None:
    reader = PdfReader(io.BytesIO(vb.render(_brief(halves), "pdf")))
    figures = _figures("\n".join(page.extract_text() for page in reader.pages))
    assert set(SHOWN) <= figures and not set(NOT_SHOWN) & figures, sorted(figures)
