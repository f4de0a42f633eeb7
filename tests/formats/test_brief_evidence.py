"""The brief's indicator evidence: the indicators behind target and where reports and indicators disagree (both
sides' words), each goal's indicators on its slide and page, only for the objectives in the brief's scope, and the
same figures as the Overview's Evidence section and ``indicators status`` (``views.evidence``)."""

import io
from datetime import date

import pytest
from pptx import Presentation
from pypdf import PdfReader
from sqlmodel import select

from dashboard.domain.actor import Actor
from dashboard.domain.evidence import number
from dashboard.domain.filters import Filters
from dashboard.domain.numbers import percent
from dashboard.formats import brief_data
from dashboard.formats.brief_data import Brief
from dashboard.services import indicator_values
from dashboard.services.indicator_values import ValueRow
from dashboard.settings import Settings
from dashboard.store.database import write_session
from dashboard.views import brief as vb
from dashboard.views import evidence
from models import Agency, Indicator, IndicatorTarget
from models.scales import Frequency
from tests.people import QUARTER, STATE, TODAY, USAID, World, build

WORDS = "Signed export agreements with four regional chambers."
BOTH = "reported On track; indicators 49% of the way to target (behind)"


@pytest.fixture
def world(database_url: str) -> World:
    """Peru with two indicators: 1.1.a (USAID; 0 firms at the end of FY2022, 200 in FY2026) reported at 97 in
    FY2026 Q4, 48.5% of the way (49% by the shared rounding rule, 48% by Python's own), while USAID reports 1.1
    On track; and 2.1.a (State, annual, 60 percent in FY2026) with no value yet."""
    world = build(database_url)
    with write_session(world.engine) as session:
        usaid = session.exec(select(Agency).where(Agency.acronym == "USAID")).one()
        state = session.exec(select(Agency).where(Agency.acronym == "State")).one()
        one = Indicator(objective_id=world.objectives["1.1"], code="1.1.a", name="Firms exporting", unit="firms",
                        baseline=0, baseline_fy=2022, target=200, agency_id=usaid.id)  # fmt: skip
        two = Indicator(objective_id=world.objectives["2.1"], code="2.1.a", name="Seizures prosecuted",
                        unit="percent", baseline=20, baseline_fy=2022, target=60, agency_id=state.id,
                        frequency=Frequency.ANNUAL.value)  # fmt: skip
        session.add_all([one, two])
        session.flush()
        session.add_all(
            [
                IndicatorTarget(indicator_id=one.id, fiscal_year=2026, value=200),
                IndicatorTarget(indicator_id=two.id, fiscal_year=2026, value=60),
            ]
        )
    world.submit(USAID, world.form("1.1", "USAID", QUARTER, status="On track", progress=80, accomplishments=WORDS))
    world.submit(STATE, world.form("2.1", "State", QUARTER, status="On track", progress=40))
    with write_session(world.engine) as session:
        indicator_values.report(
            session=session, actor_email=USAID, rows=[ValueRow(2, "1.1.a", QUARTER.label, "97")], today=TODAY
        )
    return world


def _brief(world: World, filters: Filters | None = None, **settings: object) -> Brief:
    return vb.load_brief(
        engine=world.engine,
        mission_id=world.mission_id,
        filters=filters or Filters(),
        quarter=QUARTER,
        reader=vb.Reader(Actor.operator(), None),
        today=date(2026, 11, 23),
        settings=Settings(database_url=world.url, **settings),  # type: ignore[arg-type]
    )


def _slides(made: Brief) -> dict[str, list[str]]:
    """Each slide's title (its first text box below the marking) and every text and table cell on it."""
    deck = Presentation(io.BytesIO(vb.render(made, "pptx")))
    out = {}
    for n, slide in enumerate(deck.slides, start=1):
        texts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(" ".join(shape.text_frame.text.split()))
            if shape.has_table:
                texts += [" ".join(c.text_frame.text.split()) for row in shape.table.rows for c in row.cells]
        out[texts[0] if texts[0] else f"slide {n}"] = texts
    return out


def _tables(made: Brief, title: str) -> list[list[list[str]]]:
    """The data rows of each table on the slide titled ``title``, table by table."""
    deck = Presentation(io.BytesIO(vb.render(made, "pptx")))
    for slide in deck.slides:
        boxes = [s for s in slide.shapes if s.has_text_frame]
        if any(" ".join(b.text_frame.text.split()) == title for b in boxes):
            return [
                [[" ".join(c.text_frame.text.split()) for c in row.cells] for row in list(shape.table.rows)[1:]]
                for shape in slide.shapes
                if shape.has_table
            ]
    raise AssertionError(f"no slide titled {title!r}")


def _rows(made: Brief, title: str) -> list[list[str]]:
    """The data rows of every table on the slide titled ``title``."""
    return [row for table in _tables(made, title) for row in table]


def _pdf_text(made: Brief) -> str:
    pages = PdfReader(io.BytesIO(vb.render(made, "pdf"))).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages)


def test_the_deck_has_an_evidence_slide_with_the_behind_indicator_and_the_disagreement(world: World) -> None:
    made = _brief(world)
    behind, disagree = _tables(made, "Indicator evidence")  # "Behind target", then "… disagree"
    assert len(behind) == 1
    code, name, objective, against, achieved = behind[0]
    assert (code, name, against, achieved) == ("1.1.a", "Firms exporting", "97 vs 200 firms", "49%")
    assert objective.startswith("1.1: Peru achieved more inclusive")
    assert len(disagree) == 1
    objective, status, agencies, indicators = disagree[0]
    assert objective.startswith("1.1: ") and status.endswith("On track")
    assert agencies.startswith("USAID (") and "On track, 80%): " + WORDS in agencies
    assert indicators == BOTH
    subtitles = [t for texts in _slides(made).values() for t in texts]
    assert "2 indicators: 1 behind, 1 no data in FY2026 Q4" in subtitles


def test_the_pdf_has_the_evidence_page_with_the_same_words(world: World) -> None:
    text = _pdf_text(_brief(world))
    evidence_page = text[text.index("Indicator evidence") :]
    shown = ("Behind target", "1.1.a Firms exporting", "97 vs 200 firms 49%", "Where reports and indicators disagree")
    for words in (*shown, WORDS, BOTH):
        assert words in evidence_page, words
    assert "48%" not in text  # one rounding rule: 48.5% of the way reads 49%


def test_each_goal_slide_and_page_lists_its_own_indicators(world: World) -> None:
    made = _brief(world)
    goal_one, goal_two = made.goals[0].heading, made.goals[1].heading
    shown = [[r[0], r[1], r[3], r[-1]] for r in _rows(made, goal_one)]  # code, name, actual vs target, rating
    assert ["1.1.a", "Firms exporting", "97 vs 200 firms", "▼ behind"] in shown
    shown = [[r[0], r[1], r[3], r[-1]] for r in _rows(made, goal_two)]
    assert ["2.1.a", "Seizures prosecuted", "no value vs 60 percent", "– no data"] in shown
    assert not any(row[0] == "2.1.a" for row in _rows(made, goal_one))
    text = _pdf_text(made)
    goal_two_page = text[text.index(goal_two.split(":")[0] + ":") :]
    assert "2.1.a Seizures prosecuted no value vs 60 percent" in goal_two_page


def test_a_brief_holds_the_evidence_of_its_own_objectives_only(world: World) -> None:
    made = _brief(world, Filters(goals=("2",)))
    assert [i.code for i in made.evidence.indicators] == ["2.1.a"]
    everything = " ".join(t for texts in _slides(made).values() for t in texts) + _pdf_text(made)
    assert "1.1.a" not in everything and "Firms exporting" not in everything and BOTH not in everything
    assert brief_data.none_behind("FY2026 Q4") in everything
    assert brief_data.none_disagree("FY2026 Q4") in everything


def test_the_figures_are_the_overviews_and_the_threshold_is_the_settings(world: World) -> None:
    made = _brief(world)
    found = evidence.for_mission(
        world.engine, world.mission_id, QUARTER, states=Settings().counted_states, on_target=0.9
    )
    computed = found.indicators.set_index("code")
    for line in made.evidence.indicators:
        row = computed.loc[line.code]
        assert line.rating == row["rating"]
        assert line.achievement == number(row["achievement"])
        assert line.achieved == percent(None if line.achievement is None else 100 * line.achievement)
    assert made.evidence.indicators[0].achieved == "49%"
    listed = evidence.disagreement_rows(found)  # the Overview's list
    assert [(d.code, d.both) for d in made.evidence.disagreements] == list(
        zip(listed["code"], listed["both"], strict=True)
    )
    lenient = _brief(world, indicator_on_target=0.4)  # ICS_INDICATOR_ON_TARGET
    assert [(i.code, i.rating) for i in lenient.evidence.indicators][0] == ("1.1.a", "on target")
    assert lenient.evidence.behind == () and lenient.evidence.disagreements == ()


def test_without_indicators_the_evidence_is_one_sentence_in_both_formats(database_url: str) -> None:
    world = build(database_url)
    world.submit(USAID, world.form("1.1", "USAID", QUARTER, status="On track", progress=80))
    made = _brief(world)
    sentence = brief_data.no_indicators("FY2026 Q4")
    assert sentence in _slides(made)["Indicator evidence"]
    assert sentence in _pdf_text(made)
    assert all(not g.indicators for g in made.goals)
    found = evidence.for_mission(
        world.engine, world.mission_id, QUARTER, states=Settings().counted_states, on_target=0.9
    )
    assert evidence.disagreement_rows(found).empty  # the Overview's list, for a mission without indicators
