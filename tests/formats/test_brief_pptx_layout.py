"""The brief deck as a reader meets it in PowerPoint or LibreOffice: the bottom line on slide 2, then what needs
attention and the decisions; paragraphs the renderer wraps (no hard line breaks); body text at 12 points or more;
every text inside its box when re-wrapped with Liberation Sans (what LibreOffice draws for Arial); and nothing cut,
however long or strange the narratives."""

import dataclasses
import io
import re

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from dashboard.domain.filters import Filters
from dashboard.formats import brief_pptx
from dashboard.formats.brief_data import Brief
from tests.formats.pptx_fit_check import FURNITURE, assert_everything_fits, autofit_scale
from tests.views import test_brief as tb

FIVE_THOUSAND = ("Signed a memorandum with the ministry on regional training. " * 90)[:5000].strip()
FIFTY_LINES = "\n".join(f"Line {i}: the district office in region {i} trained forty officials." for i in range(50))
HOSTILE = (
    "<b>markup</b> & <script>alert(1)</script> 東京都の大使館は報告書を提出しました。😀🚀 "
    + "https://example.org/"
    + "a" * 240
    + " Supercalifragilisticexpialidociousnessandmoreofthesamewordwithoutanyspaces done."
)


def _frames(deck, names: set[str] | None = None):  # noqa: ANN001, ANN202
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame and (names is None or shape.name in names):
                yield number, shape, shape.text_frame
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        yield number, shape, cell.text_frame


def _deck(made: Brief):  # noqa: ANN202
    return Presentation(io.BytesIO(brief_pptx.write(made)))


def _title(slide) -> str:  # noqa: ANN001
    return next((s.text_frame.text for s in slide.shapes if s.name == "Title"), "")


@pytest.fixture(scope="module")
def demo():  # noqa: ANN201
    return tb._demo_frames()


@pytest.fixture(scope="module")
def peru(demo) -> Brief:  # noqa: ANN001
    return tb._brief(demo, appendix=True, evidence=tb.demo_evidence.__wrapped__())


def _hostile() -> Brief:
    """A small mission whose narratives are 5,000 characters, fifty lines, markup, CJK, emoji and unbroken tokens."""
    frames = tb.synthetic(goals=2, per_goal=3)
    made = tb._brief(frames, appendix=True, evidence=tb.synthetic_evidence(frames))

    def hostile(o):  # noqa: ANN001, ANN202
        reports = tuple(
            dataclasses.replace(r, accomplishments=FIVE_THOUSAND, challenges=FIFTY_LINES, next_steps=HOSTILE)
            for r in o.reports
        )
        return dataclasses.replace(o, reports=reports, challenges=FIFTY_LINES, accomplishments=HOSTILE)

    goals = tuple(dataclasses.replace(g, objectives=tuple(hostile(o) for o in g.objectives)) for g in made.goals)
    actions = tuple(dataclasses.replace(a, text=HOSTILE + " " + FIVE_THOUSAND[:1200]) for a in made.actions)
    return dataclasses.replace(made, goals=goals, attention=tuple(hostile(o) for o in made.attention), actions=actions)


@pytest.fixture(scope="module")
def hostile() -> Brief:
    return _hostile()


# --------------------------------------------------------------------------- the story, bottom line first


def test_bottom_line_on_slide_2_then_attention_then_decisions(peru: Brief) -> None:
    deck = _deck(peru)
    titles = [_title(s) for s in deck.slides]
    assert titles[1] == "Bottom line"
    body = [p.text for s in [deck.slides[1]] for sh in s.shapes if sh.name == "Body" for p in sh.text_frame.paragraphs]
    assert body == list(peru.bluf) and 3 <= len(body) <= 5
    assert titles[2] == "What needs attention" and titles[2:].index("Decisions and actions for FY2027 Q1") <= 2
    attention = " ".join(
        sh.text_frame.text for s in deck.slides if _title(s).startswith("What needs attention") for sh in s.shapes
        if sh.name == "Body"
    )  # fmt: skip
    positions = [attention.index(f"{o.code}  {o.title}") for o in peru.attention]
    assert positions == sorted(positions) and [o.code for o in peru.attention][:2] == ["2.1", "4.2"]
    for o in peru.attention:
        assert f"owner {o.lead_agency} (lead agency)" in attention
    decisions = next(s for s in deck.slides if _title(s).startswith("Decisions and actions"))
    table = next(sh for sh in decisions.shapes if sh.has_table).table
    assert [c.text_frame.text for c in table.rows[0].cells] == ["Objective", "Action", "Owner"]
    first = peru.actions[0]
    assert [c.text_frame.text for c in table.rows[1].cells] == [
        f"{first.code} ✖ Off track",
        f"{first.kind}: {first.text}",
        first.owner,
    ]


def test_the_trend_is_a_native_line_chart_with_a_legend_and_changes_come_worse_first(hostile: Brief) -> None:
    deck = _deck(hostile)
    slide = next(s for s in deck.slides if _title(s).startswith("Trend and what changed"))
    chart = next(sh.chart for sh in slide.shapes if sh.has_chart)
    assert chart.chart_type == XL_CHART_TYPE.LINE_MARKERS and chart.has_legend
    assert (
        list(chart.plots[0].categories) == list(hostile.trend_chart.categories) and len(chart.plots[0].categories) == 4
    )
    assert [s.name for s in chart.plots[0].series] == [s.name for s in hostile.trend_chart.series]
    marks = [p.runs[0].text.split()[0] for sh in slide.shapes if sh.name == "Body" for p in sh.text_frame.paragraphs
             if p.runs and p.runs[0].text[:1] in "▼▲◆"]  # fmt: skip
    assert marks == sorted(marks, key="▼◆▲".index) and "▼" in marks and "▲" in marks
    colours = {p.runs[0].text[0]: str(p.runs[0].font.color.rgb) for sh in slide.shapes if sh.name == "Body"
               for p in sh.text_frame.paragraphs if p.runs and p.runs[0].text[:1] in "▼▲"}  # fmt: skip
    assert colours == {"▼": "B00020", "▲": "1B7F3B"}


def test_each_marking_once_at_the_top_and_once_at_the_bottom_and_the_maker_in_words(peru: Brief) -> None:
    deck = _deck(peru)
    for slide in deck.slides:
        texts = [t.text for _, _, t in _frames_of(slide)]
        assert sum(t.count(peru.marking) for t in texts) == 2
    first = " ".join(t.text for _, _, t in _frames_of(deck.slides[0]))
    assert "Prepared 23 November 2026 as an automated report" in first


def _frames_of(slide):  # noqa: ANN001, ANN202
    return [(0, sh, sh.text_frame) for sh in slide.shapes if sh.has_text_frame]


def test_outstanding_reports_say_days_late_once_on_one_slide_without_repeated_columns(peru: Brief) -> None:
    deck = _deck(peru)
    slides = [s for s in deck.slides if _title(s).startswith("Outstanding reports")]
    assert len(slides) == 1
    tables = [sh.table for sh in slides[0].shapes if sh.has_table]
    headers = [[c.text_frame.text for c in t.rows[0].cells] for t in tables]
    assert "Days late" in headers[0] and "Chair's comment" not in headers[0]  # no comment to show: no column
    assert all("Overdue" not in h for h in headers)  # every outstanding report is late: Overdue = Outstanding
    days = [tables[0].cell(r, headers[0].index("Days late")).text_frame.text for r in range(1, len(tables[0].rows))]
    assert days == [str(o.days_late) for o in peru.outstanding]


def test_an_objective_with_no_update_never_shows_0_percent(demo) -> None:  # noqa: ANN001
    made = tb._brief(demo, Filters(agencies=("DEA",)), appendix=True)
    silent = [o for o in made.objectives if o.status == "No update"]
    assert silent, "the DEA filter should leave objectives without an update"
    deck = _deck(made)
    for slide in deck.slides:
        if not _title(slide).startswith("Goal") and not _title(slide).startswith("Management"):
            continue
        for table in (sh.table for sh in slide.shapes if sh.has_table):
            for row in list(table.rows)[1:]:
                cells = [c.text_frame.text for c in row.cells]
                if cells[0] in {o.code for o in silent}:
                    assert cells[3] == "No update" and "0%" not in cells


def test_the_lead_agencys_report_comes_first_in_the_appendix(peru: Brief) -> None:
    deck = _deck(peru)
    for o in peru.objectives:
        slide = next(s for s in deck.slides if _title(s) == f"Appendix · {o.code}: {o.title}")
        first = next(sh for sh in slide.shapes if sh.name == "Body").text_frame.paragraphs[0].text
        assert first.startswith(f"{o.lead_agency} (lead agency) · "), (o.code, first)


# --------------------------------------------------------------------------- editable text that fits


def test_no_hard_line_breaks_and_one_paragraph_per_logical_paragraph(hostile: Brief) -> None:
    deck = _deck(hostile)
    for slide in deck.slides:
        assert "<a:br" not in slide.shapes._spTree.xml  # noqa: SLF001
    paragraphs = [p.text for _, _, f in _frames(deck) for p in f.paragraphs]
    assert not [p for p in paragraphs if "\n" in p or "\v" in p]
    # every line of the fifty-line narrative is one whole paragraph somewhere (bar a "Challenges: " lead-in),
    # never a wrapped fragment of it
    for line in FIFTY_LINES.split("\n"):
        assert any(p == line or p == f"Challenges: {line}" for p in paragraphs), line
    fragments = [p for p in paragraphs if p and p not in FIFTY_LINES and re.fullmatch(r"Line \d+: .*", p)]
    assert fragments == []


def test_body_text_is_at_least_12_points_after_auto_fit(peru: Brief, hostile: Brief) -> None:
    for made in (peru, hostile):
        deck = _deck(made)
        for number, shape, frame in _frames(deck):
            if shape.name in FURNITURE:
                continue
            scale = autofit_scale(frame) if shape.has_text_frame else 1.0
            for p in frame.paragraphs:
                for run in p.runs:
                    assert run.font.size.pt * scale >= 12 - 0.01, (number, shape.name, run.text[:40])


@pytest.mark.parametrize("which", ["peru", "hostile", "twelve per goal"])
def test_every_text_fits_its_box_at_liberation_sans_metrics(which: str, peru: Brief, hostile: Brief) -> None:
    if which == "twelve per goal":
        frames = tb.synthetic(goals=3, per_goal=12)
        made = tb._brief(frames, appendix=True, evidence=tb.synthetic_evidence(frames))
    else:
        made = {"peru": peru, "hostile": hostile}[which]
    assert_everything_fits(_deck(made))


def _appendix_text(deck, code: str) -> str:  # noqa: ANN001
    """The body text of an objective's appendix slides, in order, without spaces or line ends."""
    slides = [s for s in deck.slides if _title(s).startswith(f"Appendix · {code}:")]
    text = "".join(sh.text_frame.text for s in slides for sh in s.shapes if sh.name == "Body")
    return re.sub(r"\s+", "", text)


def test_nothing_is_cut_from_the_appendix(hostile: Brief) -> None:
    deck = _deck(hostile)
    for o in hostile.objectives:
        text = _appendix_text(deck, o.code)
        for r in o.reports:
            for narrative in (FIVE_THOUSAND, FIFTY_LINES, HOSTILE):
                assert re.sub(r"\s+", "", narrative) in text, (o.code, r.agency, narrative[:30])
        assert text.count(re.sub(r"\s+", "", FIVE_THOUSAND)) == len(o.reports)
    assert "…" not in "".join(_appendix_text(deck, o.code) for o in hostile.objectives)
    # the continuation slides say so
    assert any(_title(s).endswith("(continued)") for s in deck.slides if _title(s).startswith("Appendix"))


def test_status_symbols_are_in_a_symbol_font_that_every_renderer_can_draw(peru: Brief) -> None:
    """Arial (and LibreOffice's Liberation Sans) lacks ✖ ✔ ○ ▼: in an Arial run they come out blank."""
    runs = [
        r
        for slide in _deck(peru).slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for r in p.runs
    ]
    symbols = [r for r in runs if set(r.text) & set("✖✔○●▲▼")]
    assert any("✖" in r.text for r in symbols) and any("▲" in r.text for r in symbols)
    assert all(set(r.text) <= set("✖✔○●▲▼") and r.font.name == "Segoe UI Symbol" for r in symbols)
