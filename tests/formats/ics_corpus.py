"""Real-world ICS shapes as text and as PDF, built the same way so both must parse alike.

A sample is "logical" text (one paragraph a line). ``paginate`` wraps and pages it the way a
published PDF does, with running furniture; ``pages_text`` is what a perfect extractor returns;
``build_pdf`` typesets the same pages, drawing glyph runs the ways State Department PDFs do.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

SAMPLES = Path(__file__).resolve().parent / "samples"
GLYPH_MODES = ("plain", "glyphs", "spaced", "mixed")


def paginate(
    text: str,
    *,
    lines_per_page: int = 34,
    width: int = 84,
    marking: str = "FOR PUBLIC RELEASE",
    footer: str = "Approved: April 12, 2022",
    glue: bool = False,
) -> list[list[str]]:
    """Wrap and page ``text``; each page gets ``MARKING   Page n of m`` on top and ``footer`` below.

    With ``glue`` the footer shares the last body line of every other page, and the header the
    first body line of the others (as extractors return furniture at the same height as text).
    """
    body: list[str] = []
    for paragraph in text.split("\n"):
        body.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
    chunks = [body[i : i + lines_per_page] for i in range(0, len(body), lines_per_page)]
    total = len(chunks)
    pages: list[list[str]] = []
    for n, chunk in enumerate(chunks, start=1):
        header = f"{marking}   Page {n} of {total}"
        lines = list(chunk)
        if glue and lines and lines[-1].strip() and n % 2:
            lines[-1] = f"{lines[-1]}   {footer}"
            pages.append([header, "", *lines])
        elif glue and lines and lines[0].strip() and not n % 2:
            lines[0] = f"{header}   {lines[0]}"
            pages.append([*lines, "", footer])
        else:
            pages.append([header, "", *lines, "", footer])
    return pages


def pages_text(pages: list[list[str]]) -> str:
    """The text a faithful extractor returns: lines joined by newlines, pages by form feeds."""
    return "\f".join("\n".join(page) for page in pages)


def _draw(c: canvas.Canvas, x: float, y: float, line: str, mode: str) -> None:
    if mode == "plain":
        c.drawString(x, y, line)
    elif mode == "spaced":
        # Tracking (Tc) between glyphs, as justified Word exports carry.
        t = c.beginText(x, y)
        t.setFont("Helvetica", 10)
        t.setCharSpace(0.6)
        t.textLine(line)
        c.drawText(t)
    else:  # "glyphs": every letter its own text-showing operator at its own position
        for ch in line:
            c.drawString(x, y, ch)
            x += stringWidth(ch, "Helvetica", 10)


def build_pdf(path: Path, pages: list[list[str]], *, mode: str = "plain") -> Path:
    """Typeset ``pages`` one text line per PDF line; ``mode`` is one of GLYPH_MODES."""
    c = canvas.Canvas(str(path), pagesize=letter)
    for page in pages:
        y = 750.0
        for i, line in enumerate(page):
            c.setFont("Helvetica", 10)
            line_mode = GLYPH_MODES[i % 3] if mode == "mixed" else mode
            if line:
                _draw(c, 54, y, line, line_mode)
            y -= 13
        c.showPage()
    c.save()
    return path


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")
