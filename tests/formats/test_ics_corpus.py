"""Real-world ICS shapes (issue: published PDFs), each as text and as a PDF built from the same pages.

The property: the same document as extracted text and as a PDF gives the same framework and warnings,
whatever the glyph drawing, page length (which moves labels and hyphenated words across page breaks)
and furniture glued to body lines.
"""

from __future__ import annotations

import datetime
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from dashboard.formats.ics_document import (
    MAX_PDF_PAGES,
    MAX_TEXT_CHARS,
    IcsParseError,
    ParsedStrategy,
    parse_ics_file,
    parse_ics_text,
)
from tests.formats.ics_corpus import GLYPH_MODES, build_pdf, pages_text, paginate, sample

GHANA = sample("ics_ghana.txt")
PERIOD_WARNING = "the document states no strategy period; assumed 2022-2026 from its approval date (2022-04-12)"


def _texts(s: ParsedStrategy) -> list[str]:
    out = [s.mission.country, s.mission.post]
    for g in s.goals:
        out += [g.title, g.description]
        out += [getattr(o, a) for o in g.objectives for a in ("title", "justification", "linkages", "risks")]
    out += [getattr(o, a) for o in s.management_objectives for a in ("title", "justification", "linkages", "risks")]
    return out


@pytest.fixture(scope="module")
def ghana() -> ParsedStrategy:
    return parse_ics_text(pages_text(paginate(GHANA)))


def test_ghana_framework(ghana: ParsedStrategy) -> None:
    m = ghana.mission
    assert (m.country, m.post, m.approved, m.release_marking) == (
        "Ghana", "Embassy Accra", datetime.date(2022, 4, 12), "FOR PUBLIC RELEASE"
    )  # fmt: skip
    # The only years in the text are cited plans ("Joint Strategic Plan 2022-2026", "USAID 2020-2025
    # Country Development Cooperation Strategy"): the period comes from the approval date, with a warning.
    assert (m.strategy_start, m.strategy_end) == (2022, 2026)
    assert ghana.warnings == [PERIOD_WARNING]
    assert [(g.code, [o.code for o in g.objectives]) for g in ghana.goals] == [
        ("1", ["1.1", "1.2"]),
        ("2", ["2.1", "2.2"]),
    ]
    assert [o.code for o in ghana.management_objectives] == ["M1", "M2"]
    o11 = ghana.goals[0].objectives[0]
    assert o11.title == "Ghana's justice sector and independent institutions hold public officials accountable."
    assert o11.justification.startswith("Surveys show that most Ghanaians")
    assert o11.justification.endswith("shortens the time to the completion of a case.")
    assert o11.risks.startswith("Political pressure before national elections")
    assert ghana.management_objectives[1].risks == "Construction delays or power shortages would push back the move."


def test_ghana_texts_keep_compounds_and_lose_furniture(ghana: ParsedStrategy) -> None:
    joined = "\n".join(_texts(ghana))
    assert "cross-border" in joined and "Indo-Pacific" in joined
    for junk in ("FOR PUBLIC RELEASE", "Page ", "Approved:", "|", "•"):
        assert junk not in joined


@pytest.mark.parametrize("glue", [False, True], ids=["furniture-alone", "furniture-glued"])
@pytest.mark.parametrize("lines_per_page", [12, 17, 22, 29, 40])
@pytest.mark.parametrize("mode", GLYPH_MODES)
def test_same_document_as_text_and_pdf_gives_same_framework(
    tmp_path: Path, ghana: ParsedStrategy, glue: bool, lines_per_page: int, mode: str
) -> None:
    pages = paginate(GHANA, lines_per_page=lines_per_page, glue=glue)
    from_text = parse_ics_text(pages_text(pages))
    from_pdf = parse_ics_file(build_pdf(tmp_path / "ghana.pdf", pages, mode=mode))
    assert from_pdf.to_dict() == from_text.to_dict() == ghana.to_dict()
    assert from_pdf.warnings == from_text.warnings == ghana.warnings
    assert from_pdf.mission.release_marking == "FOR PUBLIC RELEASE"


# --------------------------------------------------------------------------- one quirk each, as text and PDF


def _both(tmp_path: Path, text: str, **kwargs: object) -> list[ParsedStrategy]:
    pages = paginate(text, **kwargs)  # type: ignore[arg-type]
    return [parse_ics_text(pages_text(pages)), parse_ics_file(build_pdf(tmp_path / "q.pdf", pages, mode="mixed"))]


def _replace(old: str, new: str, text: str = GHANA) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize("marking", ["UNCLASSIFIED", "SENSITIVE BUT UNCLASSIFIED"])
def test_release_marking_comes_from_the_document(tmp_path: Path, marking: str) -> None:
    for s in _both(tmp_path, GHANA, marking=marking):
        assert s.mission.release_marking == marking
        assert not any(marking in t for t in _texts(s))


def test_hyphenated_word_across_a_page_break(tmp_path: Path) -> None:
    # "Indo-" ends a page and "Pacific" starts the next under the running header: the compound stays;
    # "com-" / "pletion" is rejoined because the document spells "completion" elsewhere.
    text = _replace("the wider Indo-Pacific", "the wider Indo-\nPacific")
    text = _replace("Support for case management", "Support for com-\npletion tracking, case management", text)
    text = _replace("Description | Ghana's democratic", "Description | Ghana's completion record and democratic", text)
    for lines_per_page in range(14, 24):
        for s in _both(tmp_path, text, lines_per_page=lines_per_page, width=200):
            assert "Indo-Pacific and Atlantic" in s.goals[1].description
            assert "support for completion tracking" in s.goals[0].objectives[0].justification.lower()


def test_colon_labels_and_section_2_colon_objectives(tmp_path: Path) -> None:
    text = GHANA
    for label in ("Justification", "Linkages", "Risks"):
        text = text.replace(f"•   {label} | ", f"{label}: ")
    text = text.replace("Mission Objective 2.2 | ", "Mission Objective 2.2: ")
    for s in _both(tmp_path, text):
        assert s.goals[1].objectives[1].linkages.startswith("State-USAID Joint Strategic Plan Objective 1.4")
        assert s.warnings == [PERIOD_WARNING]


@pytest.mark.parametrize(
    "form", ["Management Objective 1.{n} |", "Management Objective {n}:", "Management Objective M{n} |"]
)
def test_management_objectives_numbered_1_to_n(tmp_path: Path, form: str) -> None:
    text = GHANA
    for n in (1, 2):
        text = text.replace(f"Management Objective {n} |", form.format(n=n))
    for s in _both(tmp_path, text):
        assert [o.code for o in s.management_objectives] == ["M1", "M2"]
        assert s.management_objectives[0].title.startswith("Embassy Accra's workforce")
        assert s.management_objectives[1].justification.startswith("The annex opening in 2024")


def test_section_2_title_differs_section_3_wins(tmp_path: Path) -> None:
    text = _replace(
        "Mission Objective 2.1: Ghana detects, deters, and responds to",
        "Mission Objective 2.1: Ghana's army alone answers",
    )
    for s in _both(tmp_path, text):
        assert s.goals[1].objectives[0].title.startswith("Ghana detects, deters")
        assert s.warnings == [
            "section 2 and section 3 titles differ for objective 2.1; section 3's title is used",
            PERIOD_WARNING,
        ]


def test_own_period_wins_over_cited_plans(tmp_path: Path) -> None:
    text = _replace("Approved: April 12, 2022", "Integrated Country Strategy 2023-2027\n\nApproved: April 12, 2022")
    for s in _both(tmp_path, text):
        assert (s.mission.strategy_start, s.mission.strategy_end) == (2023, 2027)
        assert s.warnings == []


def test_missing_linkages_is_a_warning(tmp_path: Path) -> None:
    text = _replace(
        "•   Linkages | State-USAID Joint Strategic Plan Objective 3.3; AF Joint Regional Strategy Objective 1.2.\n\n",
        "",
    )
    for s in _both(tmp_path, text):
        assert s.goals[0].objectives[1].linkages == ""
        assert "objective 1.2: no Linkages text found" in s.warnings


def _bullets_alone(text: str, after: str) -> str:
    """Each "•   item" line as plain pdftotext (without -layout) returns it: the bullet alone on its line,
    then ``after`` (nothing, or a blank line), then the item."""
    return re.sub(r"(?m)^•\s+", "•\n" + after, text)


@pytest.mark.parametrize("blank_before", [True, False], ids=["blank-before-bullet", "bullet-under-title"])
@pytest.mark.parametrize("after", ["", "\n"], ids=["item-next-line", "item-after-blank"])
@pytest.mark.parametrize("lines_per_page", [80, 200])
def test_bullet_alone_on_its_line_starts_the_next_item(lines_per_page: int, after: str, blank_before: bool) -> None:
    # A bulleted list inside a text too: its second item must stay a line of its own.
    text = _replace(" Civic groups that monitor elections", "\n•   Civic groups that monitor elections")
    if not blank_before:
        text = text.replace("\n\n•", "\n•")
    glued = pages_text(paginate(text, lines_per_page=lines_per_page))
    expected = parse_ics_text(glued)
    s = parse_ics_text(_bullets_alone(glued, after))
    assert s.to_dict() == expected.to_dict()
    assert s.warnings == expected.warnings == [PERIOD_WARNING]
    assert not [t for t in _texts(s) if "•" in t]
    o12 = s.goals[0].objectives[1]
    assert o12.title == "Ghanaian citizens, media, and civil society engage freely and safely in public life."
    assert "during elections.\nCivic groups that monitor elections" in o12.justification
    assert o12.linkages == "State-USAID Joint Strategic Plan Objective 3.3; AF Joint Regional Strategy Objective 1.2."


# --------------------------------------------------------------------------- bad input and bounds


def test_duplicate_objective_codes_are_refused(tmp_path: Path) -> None:
    text = _replace("Mission Objective 1.2 | Ghanaian", "Mission Objective 1.1 | Ghanaian")
    for make in (lambda: parse_ics_text(text, source="dup.txt"), lambda: _both(tmp_path, text)):
        with pytest.raises(IcsParseError, match="objective 1.1 twice"):
            make()


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    whole = build_pdf(tmp_path / "whole.pdf", paginate(GHANA)).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IcsParseError, match=r"^cannot read cut\.pdf: not a valid PDF \(damaged or truncated\)$"):
        parse_ics_file(cut)


def test_pdf_that_is_not_an_ics_is_refused(tmp_path: Path) -> None:
    path = build_pdf(tmp_path / "minutes.pdf", [["Minutes of the staff meeting", "", "Coffee was discussed."]])
    with pytest.raises(IcsParseError, match="not an ICS"):
        parse_ics_file(path)


def test_pdf_with_a_user_password_is_refused(tmp_path: Path) -> None:
    plain = build_pdf(tmp_path / "plain.pdf", paginate(GHANA))
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(IcsParseError, match="this PDF has no text layer; export it with text"):
        parse_ics_file(locked)


def test_image_only_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    for _ in range(3):
        c.rect(50, 50, 500, 700, fill=1)
        c.showPage()
    c.save()
    with pytest.raises(
        IcsParseError, match=r"^cannot read scan\.pdf: this PDF has no text layer; export it with text$"
    ):
        parse_ics_file(path)


def test_text_beyond_the_character_cap_is_refused(tmp_path: Path) -> None:
    line = "x" * 120
    per_page = 60
    n_pages = MAX_TEXT_CHARS // (len(line) * per_page) + 2
    path = build_pdf(tmp_path / "huge.pdf", [[line] * per_page for _ in range(n_pages)])
    with pytest.raises(IcsParseError, match="characters of text; an ICS is far shorter"):
        parse_ics_file(path)


def _with_annex(n_pages: int) -> list[list[str]]:
    """The sample's pages, then an annex of acronyms up to ``n_pages`` pages."""
    pages = paginate(GHANA)
    pages.append(["Annex: Acronyms"])
    pages += [[f"ACR{n}   Acronym number {n}"] for n in range(n_pages - len(pages))]
    return pages


def test_pdf_past_the_page_limit_is_refused_not_cut(tmp_path: Path, ghana: ParsedStrategy) -> None:
    # The whole ICS sits on the first pages; the annex takes it one page past the limit. Reading up to the
    # limit would import it without a word about the pages left out.
    path = build_pdf(tmp_path / "annexes.pdf", _with_annex(MAX_PDF_PAGES + 1))
    with pytest.raises(IcsParseError) as info:
        parse_ics_file(path)
    assert str(info.value) == (
        f"cannot read annexes.pdf: it has {MAX_PDF_PAGES + 1} pages, more than the {MAX_PDF_PAGES} an ICS may have; "
        "upload the strategy without its annexes"
    )
    # At the limit, every page is read.
    assert parse_ics_file(build_pdf(tmp_path / "at.pdf", _with_annex(MAX_PDF_PAGES))).to_dict() == ghana.to_dict()


def test_thirty_page_pdf_parses_within_three_seconds(tmp_path: Path) -> None:
    # The sample typeset 11 lines a page, glyph by glyph on every third line, runs to 30+ pages.
    pages = paginate(GHANA + "\n" + GHANA.split("3. Mission Goals and Objectives")[0], lines_per_page=4)
    assert len(pages) >= 30
    path = build_pdf(tmp_path / "long.pdf", pages, mode="mixed")
    started = time.perf_counter()
    parse_ics_file(path)
    assert time.perf_counter() - started < 3.0
