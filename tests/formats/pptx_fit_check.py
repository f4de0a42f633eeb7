"""Re-wrapping a deck's text as LibreOffice does (Liberation Sans, metric-compatible with the Arial the deck asks
for): every text box's and table cell's text must fit its box at its size after auto-fit's scale, and nothing may
reach into the footer. Shared by the deck's layout tests and the brief's tests."""

from functools import cache
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

LIBERATION = [Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation")]
LINE = 1.15  # Liberation Sans's line height (ascent + descent + gap) as a multiple of the size
FOOTER_TOP = 540.0 - 34.0
FURNITURE = {"Marking", "Footer"}


@cache
def _font(bold: bool) -> str:
    for folder in LIBERATION:
        path = folder / ("LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf")
        if path.is_file():
            name = "TestLiberation" + ("Bold" if bold else "")
            pdfmetrics.registerFont(TTFont(name, str(path)))
            return name
    pytest.fail("Liberation Sans (Debian's fonts-liberation2) is not installed: .ci/run installs it")


def _width(text: str, size: float, bold: bool) -> float:
    font = pdfmetrics.getFont(_font(bold))
    cmap = font.face.charToGlyph
    known = "".join(c for c in text if ord(c) in cmap)
    return pdfmetrics.stringWidth(known, _font(bold), size) + size * (len(text) - len(known))


def _lines(text: str, size: float, width: float, bold: bool) -> int:
    """How many lines LibreOffice needs for one paragraph: greedy at spaces, a too-long word at characters."""
    lines, line = 1, ""
    for word in text.split(" "):
        while _width(word, size, bold) > width:  # a token wider than the box breaks anywhere
            cut = len(word)
            while cut > 1 and _width(word[:cut], size, bold) > width:
                cut -= 1
            lines += 1 if line else 0
            line, word = "", word[cut:]
            lines += 1
        candidate = f"{line} {word}" if line else word
        if _width(candidate, size, bold) <= width:
            line = candidate
        else:
            lines, line = lines + 1, word
    return lines


def autofit_scale(frame) -> float:  # noqa: ANN001
    autofit = frame._txBody.bodyPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}normAutofit")  # noqa: SLF001
    return int(autofit.get("fontScale", "100000")) / 100000 if autofit is not None else 1.0


def _needed(frame, width: float, scale: float) -> float:  # noqa: ANN001
    """The height the frame's paragraphs take when LibreOffice wraps them at ``width`` (points)."""
    total = 0.0
    for p in frame.paragraphs:
        size = max((r.font.size.pt for r in p.runs), default=12.0) * scale
        bold = any(r.font.bold for r in p.runs)
        indent = (p._p.pPr.get("marL") and int(p._p.pPr.get("marL")) / 12700) or 0.0  # noqa: SLF001
        total += (p.space_before.pt if p.space_before is not None else 0.0) + LINE * size * _lines(
            "".join(r.text for r in p.runs), size, width - indent, bold
        )
    return total


def assert_everything_fits(deck) -> None:  # noqa: ANN001
    """Every text box's and table cell's text, re-wrapped with Liberation Sans at its size (after auto-fit's
    scale), fits its box; no table and no body box reaches into the footer."""
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            where = f"slide {number} {shape.name}"
            assert 0 <= shape.left.pt and shape.left.pt + shape.width.pt <= 960.01, where
            if shape.has_text_frame:
                f = shape.text_frame
                inner_w = shape.width.pt - f.margin_left.pt - f.margin_right.pt
                inner_h = shape.height.pt - f.margin_top.pt - f.margin_bottom.pt
                assert _needed(f, inner_w, autofit_scale(f)) <= inner_h + 0.01, (where, f.text[:80])
                if shape.name not in FURNITURE:
                    assert shape.top.pt + shape.height.pt <= FOOTER_TOP + 0.01, (where, "into the footer")
            if shape.has_table:
                rows = shape.table.rows
                assert shape.top.pt + sum(r.height.pt for r in rows) <= FOOTER_TOP + 0.01, (where, "into the footer")
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row.cells):
                        inner_w = shape.table.columns[c].width.pt - cell.margin_left.pt - cell.margin_right.pt
                        inner_h = row.height.pt - cell.margin_top.pt - cell.margin_bottom.pt
                        assert _needed(cell.text_frame, inner_w, 1.0) <= inner_h + 0.01, (where, r, c, cell.text[:60])
