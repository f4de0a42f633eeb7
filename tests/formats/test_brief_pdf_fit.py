"""The PDF brief holds everything it is given: whole narratives across pages, continued sections under their heading
and table header, the lead agency first, "No update" rather than 0%, characters in every script the fonts have, a
line naming those they lack, the bottom line on page 1, and the marking once at the top and once at the bottom."""

import io
import re

import pytest
from pypdf import PdfReader

from dashboard.formats.brief_data import Brief
from dashboard.views import brief as vb
from tests.views.test_brief import QUARTER, _brief, _demo_frames, synthetic

SBU = "SENSITIVE BUT UNCLASSIFIED"
WORDS = "coordination ministry workplan counterpart regional training procurement oversight".split()
# A 5,000-character narrative: plain words, a few tokens longer than any column, markup-like characters.
NARRATIVE = (
    " ".join(
        f"{WORDS[i % len(WORDS)]}{i}" if i % 97 else f"Interinstitutionalcoordinationmechanismforregionaloffices{i}"
        for i in range(700)
    )[:4990]
    + " <b>&amp; end."
)
LINES = "\n".join(f"Line {n}: the working group met and agreed step {n}." for n in range(1, 51))
HOSTILE = "Met 中文汉字的合作伙伴 and 한국어 partners 👍 with emoji 😀 and a private sign \ue000 here."


def _pages(made: Brief) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(vb.render(made, "pdf"))).pages]


def _compact(text: str) -> str:
    """Text without whitespace, and without the hyphen and space that break a word too long for its column."""
    return "".join(re.sub(r"-\s+", "", text).split())


def _body(page: str, made: Brief) -> str:
    """A page's text without its furniture (marking, footer, page number, continued heading) and repeated header."""
    drop = {made.marking, f"{made.mission} · {made.quarter} review", "Narrative"}
    kept = [
        line
        for line in page.splitlines()
        if line.strip() not in drop and not re.fullmatch(r"Page \d+ of \d+|.* \(continued\)", line.strip())
    ]
    # a row split between pages is named again on the next, beside its text: "Accomplishments (continued)", which
    # a narrow first column may wrap
    return re.sub(
        r"(Accomplishments|Challenges|Next steps|Risk and mitigation|[\dM.]+)\s+\(continued\)", "", "\n".join(kept)
    )


@pytest.fixture(scope="module")
def hostile() -> Brief:
    """Three goals of four objectives with long text; 1.1's lead is the third agency, which has the 5,000-character
    narrative, the 50-line one and text in other scripts; 1.2 has no update this quarter; one agency is PeaceCorps."""
    expected, updates, _ = synthetic(goals=3, per_goal=4)
    expected = expected.assign(role="contributing")
    expected.loc[expected["agency_id"] == 3, "role"] = "lead"
    expected["agency"] = expected["agency"].replace({"AGENCY2": "PeaceCorps"})
    one = expected.loc[expected["code"] == "1.1", "objective_id"].iloc[0]
    two = expected.loc[expected["code"] == "1.2", "objective_id"].iloc[0]
    now = updates["qindex"] == QUARTER.index
    mine = now & (updates["objective_id"] == one) & (updates["agency_id"] == 3)
    updates.loc[mine, ["accomplishments", "challenges", "next_steps"]] = [NARRATIVE, LINES, HOSTILE]
    updates = updates[~(now & (updates["objective_id"] == two))].reset_index(drop=True)
    submissions = updates.assign(state="submitted", review_comment="", reviewer="", status_update_id=updates["id"])
    return _brief((expected, updates, submissions), appendix=True)


@pytest.fixture(scope="module")
def hostile_pages(hostile: Brief) -> list[str]:
    return _pages(hostile)


def test_the_appendix_holds_every_word_of_a_5000_character_and_a_50_line_narrative(hostile, hostile_pages) -> None:
    text = "\n".join(_body(p, hostile) for p in hostile_pages)
    appendix = _compact(text[text.index("Appendix · 1.1:") : text.index("Appendix · 1.2:")])
    assert len(NARRATIVE) >= 5000
    assert _compact(NARRATIVE.replace("-", "")) in appendix
    assert _compact(LINES) in appendix
    assert "…" not in text[text.index("Appendix · 1.1:") :]  # nothing shortened anywhere in the appendix


def test_continued_pages_carry_the_section_heading_and_the_table_header(hostile, hostile_pages) -> None:
    starts = [n for n, p in enumerate(hostile_pages) if hostile.goals[0].heading.split(":")[0] + ":" in p]
    ends = [n for n, p in enumerate(hostile_pages) if hostile.goals[1].heading.split(":")[0] + ":" in p]
    goal_one = hostile_pages[starts[0] + 1 : ends[0]]
    assert goal_one, "a goal of four long objectives flows onto a second page"
    for page in goal_one:
        assert "Goal 1 (continued)" in page
        assert "Latest accomplishments" in page or "Actual vs target" in page  # the table's header, repeated
    appendix = [p for p in hostile_pages if "Appendix, objective 1.1 (continued)" in p]
    assert len(appendix) >= 2  # 1.1's narratives run over several pages, each with its heading


def test_the_lead_agency_comes_first_and_names_are_never_split(hostile, hostile_pages) -> None:
    text = "\n".join(hostile_pages)
    section = text[text.index("Appendix · 1.1:") : text.index("Appendix · 1.2:")]
    assert section.index("AGENCY3 (lead)") < section.index("AGENCY1:") < section.index("PeaceCorps:")
    assert "lead AGENCY3" in section
    assert text.count("PeaceCorps") >= 12 and not re.search(r"Peace\S*\s+Corps|Peace-", text)


def test_an_objective_without_an_update_reads_no_update_never_0_percent(hostile, hostile_pages) -> None:
    line = next(o for o in hostile.objectives if o.code == "1.2")
    assert line.status == "No update"
    text = "\n".join(_body(p, hostile) for p in hostile_pages)
    page = text.index(hostile.goals[0].heading.split(":")[0] + ":")
    start = text.index("1.2: Objective 1.2", page)
    goal_row = text[start : text.index("1.3: Objective 1.3", start)]
    assert "No update" in goal_row and "0%" not in goal_row
    appendix = text[text.index("Appendix · 1.2:") : text.index("Appendix · 1.3:")]
    assert "No update" in appendix and "0%" not in appendix


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_chinese_korean_and_emoji_are_drawn_in_embedded_fonts_and_a_missing_sign_is_named(hostile) -> None:
    reader = PdfReader(io.BytesIO(vb.render(hostile, "pdf")))
    fonts = " ".join(_fonts(reader))
    assert "DroidSansFallback" in fonts or "WenQuanYi" in fonts
    assert "Symbola" in fonts
    text = "\n".join(p.extract_text() for p in reader.pages)
    for words in ("中文汉字的合作伙伴", "한국어", "👍"):
        assert words in text, words
    pages = [p.extract_text() for p in reader.pages]
    noted = [n for n, p in enumerate(pages) if "Some characters could not be shown" in p]
    # exactly the pages where the sign stood carry the note, once, naming it; no empty box is drawn for it
    assert noted and noted == [n for n, p in enumerate(pages) if "\ufffd" in p]
    assert all(pages[n].count("Some characters could not be shown: U+E000") == 1 for n in noted)
    assert "\ue000" in HOSTILE and not any("\ue000" in p for p in pages)


def test_page_one_has_the_bottom_line_and_every_page_the_marking_once_top_and_once_bottom() -> None:
    made = _brief(_demo_frames(), appendix=True)
    made = Brief(**{**made.__dict__, "marking": SBU})
    pages = _pages(made)
    first = " ".join(pages[0].split())
    assert made.bluf and all(" ".join(s.split()) in first for s in made.bluf)
    assert "What needs attention" in first
    for number, page in enumerate(pages, start=1):
        assert page.count(SBU) == 2, number
    assert "Prepared 23 November 2026 as an automated report" in first


def test_outstanding_reports_say_how_late_and_drop_columns_that_say_nothing() -> None:
    made = _brief(_demo_frames())
    assert made.outstanding
    text = " ".join(" ".join(_pages(made)).split())
    for o in made.outstanding:
        assert (f"{o.days_late} day" if o.overdue else "not yet due") in text
    if all(not o.comment for o in made.outstanding):
        assert "Chair's comment" not in text


def test_a_row_split_between_pages_is_named_again_on_the_next(hostile, hostile_pages) -> None:
    attention = [p for p in hostile_pages if "What needs attention (continued)" in p]
    assert attention and all(re.search(r"\b\d\.\d \(continued\)", p) for p in attention)
    code = hostile.attention[0].code
    assert f"{code} (continued)" in attention[0]


def test_what_changed_lists_worse_first_with_a_red_down_and_a_green_up_triangle() -> None:
    made = _brief(synthetic(goals=2, per_goal=4))
    directions = [c.direction for c in made.changes]
    assert "worse" in directions and "better" in directions
    data = vb.render(made, "pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    section = text[text.index("What changed since") :]
    first_worse, first_better = section.index("▼ worse"), section.index("▲ better")
    assert first_worse < first_better and section.count("▼ worse") == directions.count("worse")
    streams = " ".join(p.get_contents().get_data().decode("latin-1") for p in PdfReader(io.BytesIO(data)).pages)
    assert ".698039 .133333 .133333 rg" in streams and ".117647 .482353 .203922 rg" in streams  # the red, the green


def test_body_text_is_at_least_10_points(hostile) -> None:
    reader = PdfReader(io.BytesIO(vb.render(hostile, "pdf")))
    furniture = {hostile.marking, f"{hostile.mission} · {hostile.quarter} review"}
    sizes: list[tuple[float, str]] = []

    def seen(text: str, cm, tm, font, size: float) -> None:  # noqa: ANN001
        if text.strip() and text.strip() not in furniture and not text.startswith(("Page ", "Some characters")):
            sizes.append((size * tm[0], text))

    for page in reader.pages[-30:]:  # the appendix: words and tables, no chart labels
        page.extract_text(visitor_text=seen)
    assert sizes and min(s for s, _ in sizes) >= 10, min(sizes)
