"""The Overview's brief download: built from the page's cached reads for the person signed in when it was drawn."""

import io

from pptx import Presentation
from pypdf import PdfReader
from sqlmodel import Session

from dashboard.domain.actor import Actor
from dashboard.domain.filters import Filters
from dashboard.services import access
from dashboard.web.brief_button import brief_bytes
from tests.people import CHAIR1, QUARTER, USAID, VIEWER, World


def _pdf_text(data: bytes) -> str:
    """The PDF's words, a line wrapped in a table cell read as the space it replaced."""
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_the_download_holds_the_return_comment_only_for_who_may_see_it(cast: World) -> None:
    returned = cast.submit(USAID, cast.form("1.1", "USAID"))
    cast.review(CHAIR1, returned.id, "returned", comment="Please add the district figures")
    filters = Filters(mission_id=cast.mission_id, end=QUARTER)
    with Session(cast.engine) as session:
        chair, viewer = access.resolve(session, CHAIR1), access.resolve(session, VIEWER)
    anonymous = Actor.anonymous()

    assert "Please add the district figures" in _pdf_text(
        brief_bytes(cast.url, cast.mission_id, filters, chair, "pdf", False)
    )
    for actor in (viewer, anonymous):
        text = _pdf_text(brief_bytes(cast.url, cast.mission_id, filters, actor, "pdf", False))
        assert "Please add the district figures" not in text
        assert "Returned" in text


def test_the_download_follows_the_filters_and_adds_the_appendix_on_request(cast: World) -> None:
    cast.submit(USAID, cast.form("2.2", "USAID", accomplishments="Trained 40 customs officers in Callao."))
    filters = Filters(mission_id=cast.mission_id, end=QUARTER, goals=("2",))
    anonymous = Actor.anonymous()
    plain = Presentation(io.BytesIO(brief_bytes(cast.url, cast.mission_id, filters, anonymous, "pptx", False)))
    full = Presentation(io.BytesIO(brief_bytes(cast.url, cast.mission_id, filters, anonymous, "pptx", True)))
    assert len(full.slides) == len(plain.slides) + 2  # objectives 2.1 and 2.2
    texts = [s.text_frame.text for slide in plain.slides for s in slide.shapes if s.has_text_frame]
    assert any(t.startswith("Goal 2:") for t in texts) and not any(t.startswith("Goal 1:") for t in texts)
    cells = [
        c.text_frame.text
        for slide in plain.slides
        for s in slide.shapes
        if s.has_table
        for r in s.table.rows
        for c in r.cells
    ]
    assert any("Trained 40 customs officers in Callao." in c for c in cells)
