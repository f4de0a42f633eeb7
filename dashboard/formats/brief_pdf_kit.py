"""The PDF brief's building blocks: paragraphs in the brief's fonts (with per-character fallback), tables whose rows
grow and flow onto the next page under a repeated header, and the document that draws each page's marking, page
number, "(continued)" heading and, where some character has no font, the one line that says so.
"""

import io
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.formats import brief_text
from dashboard.formats.brief_data import RATING_COLORS, STATUS_COLORS, Brief

PAGE_W, PAGE_H = LETTER
MARGIN = 0.6 * inch
TOP = 1.0 * inch  # the marking, then room for a continued section's heading
BOTTOM = 0.85 * inch  # room for a missing-characters note above the footer
BODY_W = PAGE_W - 2 * MARGIN
MARKING_COLOR = colors.HexColor("#8B0000")
HEADER_FILL = colors.HexColor("#1F3A5F")
STRIPE = colors.HexColor("#F2F4F7")
RULE = colors.HexColor("#CCCCCC")
MUTED = colors.HexColor("#555555")
PAD = 3.0  # cell padding, each side
BODY = 10.0  # body text size, points


def hex_color(value: str) -> colors.Color:
    return colors.HexColor(f"#{value}")


@cache
def _family() -> None:
    """Let <b> in a paragraph pick the brief's bold font."""
    fonts = brief_text.fonts()
    pdfmetrics.registerFontFamily(fonts.regular, normal=fonts.regular, bold=fonts.bold)


@cache
def style(size: float, bold: bool, color: str = "000000", leading: float | None = None) -> ParagraphStyle:
    fonts = brief_text.fonts()
    _family()
    return ParagraphStyle(
        f"brief-{size}-{bold}-{color}",
        fontName=fonts.bold if bold else fonts.regular,
        fontSize=size,
        leading=leading or brief_text.line_height(size),
        textColor=colors.HexColor(f"#{color}"),
        splitLongWords=0,  # over-long words are broken beforehand, with a hyphen
    )


@lru_cache(maxsize=65536)
def _measure(text: str, size: float, bold: bool) -> float:
    fonts = brief_text.fonts()
    pieces, _ = brief_text.runs(text)
    own = fonts.bold if bold else fonts.regular
    return sum(pdfmetrics.stringWidth(t, name or own, size) for name, t in pieces)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _break_token(token: str, size: float, bold: bool, limit: float) -> str:
    """A token wider than ``limit`` in pieces that fit: a hyphen ends each piece, except between two Chinese,
    Japanese or Korean characters, where a line may break anyway."""
    hyphen = _measure("-", size, bold)
    pieces, current, used = [], "", 0.0
    for char in token:
        char_w = _measure(char, size, bold)
        if current and used + char_w + hyphen > limit:
            pieces.append(current if _wide(current[-1]) and _wide(char) else current + "-")
            current, used = "", 0.0
        current += char
        used += char_w
    return " ".join([*pieces, current])


def breakable(text: str, size: float, bold: bool, limit: float) -> str:
    """``text`` with every word wider than ``limit`` broken into pieces that fit; other words untouched."""
    lines = []
    for line in text.split("\n"):
        words = line.split()
        lines.append(
            " ".join(w if _measure(w, size, bold) <= limit else _break_token(w, size, bold, limit) for w in words)
        )
    return "\n".join(lines)


def markup(text: str, bold: bool = False) -> tuple[str, list[str]]:
    """``text`` as reportlab paragraph markup: escaped, line breaks kept, each run of characters the brief's font
    lacks in the first fallback font that has them; and the characters no font has."""
    text = brief_text._CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    pieces, missing = brief_text.runs(text)
    out = []
    for name, chunk in pieces:
        chunk = escape(chunk).replace("\n", "<br/>")
        out.append(chunk if name is None else f'<font name="{name}">{chunk}</font>')
    return "".join(out), missing


class P(Paragraph):
    """A paragraph that tells its page which of its characters no font has."""

    missing: tuple[str, ...] = ()
    section: str | None = None  # set on a section's heading: the name its continuation pages carry

    def draw(self) -> None:
        if self.missing:
            getattr(self.canv, "brief_missing", set()).update(self.missing)
        super().draw()

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = super().split(available_width, available_height)
        for part in parts:
            if getattr(part, "blPara", None) is None:
                part.wrap(available_width, available_height)  # lays out its lines, to read them
            part.missing = self.missing if brief_text.REPLACEMENT in _text_of(part) else ()
        return parts


def _text_of(part: Paragraph) -> str:
    """The words of a paragraph or of the part of one that a page holds."""
    laid = part.blPara
    words = []
    for line in laid.lines:  # (width, words) or a line of fragments, as reportlab lays them out
        for word in line.words if hasattr(line, "words") else line[1]:
            words.append(word if isinstance(word, str) else getattr(word, "text", ""))
    return " ".join(words)


def para(
    text: str, size: float = BODY, *, bold: bool = False, color: str = "000000", width: float = BODY_W, rich: str = ""
) -> P:
    """``text`` as a paragraph ``width`` points wide; ``rich`` is markup put before it as is (a coloured symbol)."""
    body, missing = markup(breakable(text, size, bold, width), bold)
    made = P(rich + body, style(size, bold, color))
    made.missing = tuple(missing)
    return made


def labelled(parts: Sequence[tuple[str, str]], width: float, size: float = BODY) -> P:
    """Paragraphs each led by a bold label ("Challenges: …"), as one paragraph ``width`` points wide."""
    lines, missing = [], []
    for label, text in parts:
        body, lost = markup(breakable(text, size, False, width))
        lines.append(f"<b>{escape(label)}:</b> {body}")
        missing += [c for c in lost if c not in missing]
    made = P("<br/>".join(lines), style(size, False))
    made.missing = tuple(missing)
    return made


def heading(text: str, size: float = 15, *, section: str | None = None, space: float = 6) -> list[Flowable]:
    """A heading that starts a new page unless there is room under it for a few lines of what follows (a table
    then fills the rest of the page rather than moving whole); ``section`` names the pages it continues onto."""
    made = para(text, size, bold=True)
    made.section = section
    return [CondPageBreak(size * 3 + 90), made, Spacer(1, space)]


def subline(text: str) -> list[Flowable]:
    return [para(text, BODY, color="555555"), Spacer(1, 6)]


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str | Flowable]],
    widths: Sequence[float],
    *,
    size: float = BODY,
    status_column: int | None = None,
    statuses: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
) -> Table:
    """A table across the body width whose rows grow with their text and flow onto the next page, a long row
    split between pages, the header repeated on each."""
    fonts = brief_text.fonts()
    col_w = [BODY_W * w / sum(widths) for w in widths]

    def cell(value: str | Flowable, c: int, bold: bool = False, color: str = "000000") -> Flowable:
        return (
            value
            if isinstance(value, Flowable)
            else para(str(value), size, bold=bold, color=color, width=col_w[c] - 2 * PAD)
        )

    data = [[cell(h, c, True, "FFFFFF") for c, h in enumerate(header)]]
    data += [[cell(v, c) for c, v in enumerate(row)] for row in rows]
    commands = [
        ("FONT", (0, 0), (-1, -1), fonts.regular, size),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD + 1),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), STRIPE) for r in range(2, len(data), 2)]
    for r, status in enumerate(statuses or (), start=1):
        colour = STATUS_COLORS.get(status) or RATING_COLORS.get(status)
        if colour and status_column is not None:
            commands.append(("LINEBEFORE", (status_column, r), (status_column, r), 4, hex_color(colour)))
    made = RowTable(data, colWidths=col_w, style=TableStyle(commands), repeatRows=1, splitByRow=0, splitInRow=1)
    made.labels = list(labels) if labels is not None else [str(row[0]).split(":")[0].split("\n")[0] for row in rows]
    made.label_size = size
    return made


class RowTable(Table):
    """A table whose row, when split between pages, is named again on the next page: its first cell there reads
    "1.9 (continued)" rather than nothing."""

    labels: list[str] = []
    label_size: float = BODY

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = super().split(available_width, available_height)
        if len(parts) != 2 or not self.labels:
            return parts
        first, rest = parts
        kept = len(first._cellvalues) - 1  # data rows on this page, the split row's top half among them
        in_row = kept + len(rest._cellvalues) - 1 == len(self._cellvalues)
        rest.labels = self.labels[kept - 1 if in_row else kept :]
        rest.label_size = self.label_size
        if in_row and rest.labels:
            width = self._colWidths[0] - 2 * PAD
            label = para(f"{rest.labels[0]} (continued)", self.label_size, color="555555", width=width)
            rest._cellvalues[1][0] = [label]  # a list, as reportlab keeps a cell's flowables, so it splits as they do
        return parts


class BriefDoc(BaseDocTemplate):
    """US Letter, one frame; notes which section each page continues (a page whose first flowable is not a
    section's own heading, while a section is open)."""

    def __init__(self, out: io.BytesIO, brief: Brief) -> None:
        super().__init__(
            out,
            pagesize=LETTER,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=f"{brief.mission} {brief.quarter} review brief",
            author="ICS Progress",
            subject=brief.marking,
        )
        frame = Frame(MARGIN, BOTTOM, BODY_W, PAGE_H - TOP - BOTTOM, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self.section: str | None = None
        self.continued: dict[int, str] = {}
        self._last_page = 0

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802  (reportlab's name)
        if not isinstance(flowable, Paragraph | Table | Drawing):
            return  # spacers, page breaks and reportlab's own layout markers draw nothing
        opens = getattr(flowable, "section", None)
        if self.page != self._last_page:
            self._last_page = self.page
            if not opens and self.section:
                self.continued[self.page] = self.section
        if opens:
            self.section = opens


def numbered_canvas(brief: Brief, doc: BriefDoc) -> type[Canvas]:
    """A canvas that draws the marking once at the top and once at the bottom of every page, the mission and
    "Page n of N" once it knows N, a continued section's heading, and the note on missing characters."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._pages: list[dict] = []
            self.brief_missing: set[str] = set()

        def showPage(self) -> None:  # noqa: N802  (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()
            self.brief_missing = set()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            fonts = brief_text.fonts()
            self.saveState()
            marking = brief_text.clip(brief.marking, size=9, box_width=BODY_W, bold=True)
            self.setFont(fonts.bold, 9)
            self.setFillColor(MARKING_COLOR)
            self.drawCentredString(PAGE_W / 2, PAGE_H - 0.45 * inch, marking)
            self.drawCentredString(PAGE_W / 2, 0.35 * inch, marking)
            self.setFont(fonts.regular, 8)
            self.setFillColor(MUTED)
            left = brief_text.clip(f"{brief.mission} · {brief.quarter} review", size=8, box_width=BODY_W * 0.3)
            self.drawString(MARGIN, 0.35 * inch, left)
            self.drawRightString(PAGE_W - MARGIN, 0.35 * inch, f"Page {self._pageNumber} of {total}")
            if self._pageNumber in doc.continued:
                self.setFont(fonts.bold, 12)
                self.setFillColor(colors.black)
                title = brief_text.clip(f"{doc.continued[self._pageNumber]} (continued)", size=12, box_width=BODY_W)
                self.drawString(MARGIN, PAGE_H - 0.8 * inch, title)
            if self.brief_missing:
                self.setFont(fonts.regular, 8)
                self.setFillColor(MUTED)
                note = brief_text.clip(brief_text.missing_note(self.brief_missing), size=8, box_width=BODY_W)
                self.drawString(MARGIN, 0.6 * inch, note)
            self.restoreState()

    return NumberedCanvas
