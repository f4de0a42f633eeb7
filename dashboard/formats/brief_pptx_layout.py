"""The deck's text and tables, laid out so nothing spills and nothing is cut.

Every paragraph is written as one paragraph: the renderer (PowerPoint, LibreOffice, Keynote) wraps it. Text boxes
wrap, carry auto-fit (shrink text on overflow) with the font scale at which ``brief_pptx_fit`` measured the text
to fit, and are only as tall as their text. A ``Page`` fills a slide's body from the top: paragraphs and table
rows go on while they fit (measured with the renderer's font), and what does not fit continues on a new slide
titled "… (continued)", a long paragraph or table row split between two words.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.slide import Slide
from pptx.util import Pt

from dashboard.formats import brief_pptx_fit as fit

FONT = "Arial"  # LibreOffice draws it in Liberation Sans, the same widths
SYMBOL_FONT = "Segoe UI Symbol"
SYMBOLS = frozenset("✖✔○●▲▼")
WIDTH, HEIGHT = 960.0, 540.0  # points: 13.333 x 7.5 in
MARGIN = 24.0
BODY_BOTTOM = HEIGHT - 34.0  # above the footer
INSET = 4.0  # text box and cell margins, left and right
VINSET = 3.0  # top and bottom
GAP = 10.0  # between two blocks on a slide
BODY = 12.0  # the smallest size of the body's text
INK = "1F1F1F"
MUTED = "555555"
WHITE = "FFFFFF"
HEADER_FILL = "1F3A5F"
ROW_FILLS = ("FFFFFF", "F2F4F7")
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_ALIGN = {PP_ALIGN.LEFT: "l", PP_ALIGN.CENTER: "ctr", PP_ALIGN.RIGHT: "r"}


@dataclass(frozen=True)
class Para:
    """One paragraph: an optional lead-in (bold, its own colour) and its text, as one wrapped paragraph."""

    text: str
    size: float = BODY
    bold: bool = False
    color: str = INK
    lead: str = ""
    lead_color: str = ""
    space_before: float = 0.0
    bullet: bool = False
    keep: bool = False  # kept on the slide with the next paragraph's first line
    align: PP_ALIGN = PP_ALIGN.LEFT

    @property
    def full(self) -> str:
        return self.lead + self.text

    @property
    def indent(self) -> float:
        return 16.0 if self.bullet else 0.0

    def height(self, width: float, scale: float = 1.0) -> float:
        bold = self.bold or bool(self.lead)
        lines = len(fit.wrap(self.full, self.size * scale, width - self.indent, bold))
        return self.space_before + lines * fit.line_height(self.size * scale)


def paras(text: str, *, lead: str = "", **style: object) -> list[Para]:
    """``text``'s logical paragraphs as paragraphs, the first with ``lead`` before it ("Challenges: …")."""
    found = fit.paragraphs(text) or [""]
    first = Para(found[0], lead=lead, **style)  # type: ignore[arg-type]
    rest = [replace(first, text=p, lead="", space_before=0.0) for p in found[1:]]
    return [first, *rest]


def height(items: Sequence[Para], width: float, scale: float = 1.0) -> float:
    return sum(p.height(width, scale) for p in items)


def _run(text: str, size: float, bold: bool, color: str) -> str:
    """One run per stretch of text; the status and rating symbols that Arial lacks (✖ ✔ ○ ▼ …) in runs of their own
    in a symbol font, which PowerPoint has and LibreOffice replaces by one that has them (in an Arial run both leave
    them blank)."""
    out = []
    for piece, symbol in _symbol_pieces(text):
        face = SYMBOL_FONT if symbol else FONT
        out.append(
            f'<a:r><a:rPr lang="en-US" sz="{round(size * 100)}" b="{int(bold)}" dirty="0">'
            f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
            f'<a:latin typeface="{face}"/><a:ea typeface="{face}"/><a:cs typeface="{face}"/><a:sym typeface="{face}"/>'
            f"</a:rPr><a:t>{escape(piece)}</a:t></a:r>"
        )
    return "".join(out)


def _symbol_pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` cut where it turns from symbols to words and back: (piece, is a symbol)."""
    pieces: list[tuple[str, bool]] = []
    for char in text:
        symbol = char in SYMBOLS
        if pieces and pieces[-1][1] == symbol:
            pieces[-1] = (pieces[-1][0] + char, symbol)
        else:
            pieces.append((char, symbol))
    return pieces or [("", False)]


def _para_xml(p: Para) -> str:
    bullet = (
        f'marL="{round(p.indent * 12700)}" indent="{round(-p.indent * 12700)}"' if p.bullet else 'marL="0" indent="0"'
    )
    mark = f'<a:buFont typeface="{FONT}"/><a:buChar char="•"/>' if p.bullet else "<a:buNone/>"
    spacing = f'<a:lnSpc><a:spcPct val="100000"/></a:lnSpc><a:spcBef><a:spcPts val="{round(p.space_before * 100)}"/>'
    spacing += '</a:spcBef><a:spcAft><a:spcPts val="0"/></a:spcAft>'
    runs = _run(p.lead, p.size, True, p.lead_color or p.color) if p.lead else ""
    runs += _run(p.text, p.size, p.bold, p.color) if p.text or not p.lead else ""
    end = f'<a:endParaRPr lang="en-US" sz="{round(p.size * 100)}" dirty="0"/>'
    return f'<a:p><a:pPr algn="{_ALIGN[p.align]}" {bullet}>{spacing}{mark}</a:pPr>{runs}{end}</a:p>'


def fill_frame(frame, items: Sequence[Para]) -> None:  # noqa: ANN001
    """Replace the text frame's paragraphs with ``items``, one paragraph each (XML: the object API is slow)."""
    body = frame._txBody  # noqa: SLF001  (python-pptx's own element for the text body)
    for paragraph in body.findall(f"{{{_A}}}p"):
        body.remove(paragraph)
    xml = "".join(_para_xml(p) for p in items) or _para_xml(Para(""))
    for paragraph in parse_xml(f'<a:txBody xmlns:a="{_A}">{xml}</a:txBody>'):
        body.append(paragraph)


def box(
    slide: Slide,
    x: float,
    y: float,
    w: float,
    h: float,
    items: Sequence[Para],
    *,
    floor: float = 1.0,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    name: str = "Text",
) -> float:
    """A text box of ``items``, wrapping, with auto-fit at the scale (down to ``floor``) at which they fit
    ``w`` x ``h``; returns that scale."""
    inner_w, inner_h = w - 2 * INSET, h - 2 * VINSET
    scale = 1.0
    while scale > floor and height(items, inner_w, scale) > inner_h:
        scale = round(scale - 0.025, 3)
    scale = max(scale, floor)
    shape = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
    shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    frame.margin_left = frame.margin_right = Pt(INSET)
    frame.margin_top = frame.margin_bottom = Pt(VINSET)
    frame.vertical_anchor = anchor
    autofit = frame._txBody.bodyPr.find(f"{{{_A}}}normAutofit")  # noqa: SLF001
    if autofit is not None and scale < 1.0:
        autofit.set("fontScale", str(round(scale * 100000)))
    fill_frame(frame, items)
    return scale


def one_line(slide: Slide, x: float, y: float, w: float, text: str, size: float, name: str, **style: object) -> float:
    """A box of one paragraph as tall as its text; returns the height."""
    p = Para(text, size, **style)  # type: ignore[arg-type]
    h = p.height(w - 2 * INSET) + 2 * VINSET
    box(slide, x, y, w, h, [p], name=name)
    return h


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # share of the table's width
    align: PP_ALIGN = PP_ALIGN.LEFT


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    fill: str | None = None  # the light band behind the status cell


class Page:
    """A run of slides under one title, filled from the top of the body (the first may start in a region)."""

    def __init__(self, new_slide: Callable[[str, str], tuple[Slide, float]], title: str, subtitle: str = "") -> None:
        self.new_slide, self.title, self.subtitle = new_slide, title, subtitle
        self.slides = 0
        self.slide: Slide | None = None
        self.x, self.w, self.y, self.bottom = MARGIN, WIDTH - 2 * MARGIN, 0.0, BODY_BOTTOM
        self.fresh = True
        self.top = 0.0  # where the body of the current slide starts

    def attach(self, slide: Slide, x: float, y: float, w: float) -> "Page":
        """Start in a region of a slide already made (the right-hand column beside a chart)."""
        self.slide, self.x, self.y, self.w, self.slides, self.fresh = slide, x, y, w, 1, True
        self.top = y
        return self

    def new(self) -> Slide:
        title = self.title if not self.slides else f"{self.title} (continued)"
        self.slide, self.y = self.new_slide(title, self.subtitle)
        self.top = self.y
        self.x, self.w, self.fresh = MARGIN, WIDTH - 2 * MARGIN, True
        self.slides += 1
        return self.slide

    def current(self) -> Slide:
        return self.slide if self.slide is not None else self.new()

    @property
    def room(self) -> float:
        return self.bottom - self.y

    def need(self, h: float) -> None:
        """Start a new slide unless ``h`` points fit below what is on this one (or nothing is on it yet)."""
        if self.slide is None or (not self.fresh and self.room < h):
            self.new()

    def advance(self, used: float) -> None:
        self.y += used + GAP
        self.fresh = False


def _lines_left(p: Para, width: float, room: float) -> int:
    return int((room - p.space_before + 0.01) // fit.line_height(p.size))


def _split_para(p: Para, width: float, lines: int) -> tuple[Para, Para]:
    head, tail = fit.split(p.full, p.size, width - p.indent, lines, p.bold or bool(p.lead))
    if p.lead and len(head) >= len(p.lead):
        first = replace(p, text=head[len(p.lead) :].lstrip(" "))
    else:
        first = replace(p, text=head, lead="")
    return first, replace(p, text=tail, lead="", space_before=0.0, bullet=False)


def flow(page: Page, items: Sequence[Para]) -> None:
    """``items`` in text boxes down the page's slides, a paragraph split between two words where a slide ends."""
    pending = list(items)
    placed: list[Para] = []
    used = 0.0
    while pending:
        page.current()
        p, width = pending[0], page.w - 2 * INSET
        room = page.room - 2 * VINSET - used
        need = p.height(width)
        if p.keep and len(pending) > 1:
            need += pending[1].space_before + fit.line_height(pending[1].size)
        if need <= room or (not placed and page.fresh and p.height(width) <= room):
            placed.append(p)
            used += p.height(width)
            pending.pop(0)
            continue
        lines = _lines_left(p, width, room)
        if lines >= 2 or (lines >= 1 and not placed and page.fresh):
            head, pending[0] = _split_para(p, width, lines)
            placed.append(head)
            used += head.height(width)
        if placed:
            box(page.current(), page.x, page.y, page.w, used + 2 * VINSET, placed, name="Body")
            placed, used = [], 0.0
        page.new()
    if placed:
        box(page.current(), page.x, page.y, page.w, used + 2 * VINSET, placed, name="Body")
        page.advance(used + 2 * VINSET)


def _tint(hex_color: str, amount: float = 0.7) -> str:
    """``hex_color`` mixed with white, light enough for dark text on it."""
    rgb = [int(hex_color[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(v + (255 - v) * amount):02X}" for v in rgb)


def _cell_height(text: str, size: float, width: float, bold: bool = False) -> float:
    return fit.count_lines(text, size, width - 2 * INSET, bold) * fit.line_height(size) + 2 * VINSET


def _split_cell(text: str, size: float, width: float, lines: int) -> tuple[str, str]:
    """A cell's text cut after ``lines`` lines (between two words): what fits, and the rest."""
    head: list[str] = []
    found = fit.paragraphs(text)
    for number, paragraph in enumerate(found):
        taken = len(fit.wrap(paragraph, size, width - 2 * INSET))
        if taken <= lines:
            head.append(paragraph)
            lines -= taken
            continue
        if lines > 0:
            first, rest = fit.split(paragraph, size, width - 2 * INSET, lines)
            head.append(first)
            return "\n".join(head), "\n".join([rest, *found[number + 1 :]])
        return "\n".join(head), "\n".join(found[number:])
    return "\n".join(head), ""


def _split_row(row: Row, widths: Sequence[float], size: float, room: float) -> tuple[Row, Row]:
    """A row too tall for the room left, as the part that fits and the rest, the rest keyed "(continued)"."""
    lines = max(1, int((room - 2 * VINSET) // fit.line_height(size)))
    heads, tails = [], []
    for text, width in zip(row.cells, widths, strict=True):
        head, tail = _split_cell(text, size, width, lines)
        heads.append(head)
        tails.append(tail)
    tails[0] = f"{row.cells[0]} (continued)" if not tails[0] else tails[0]
    return replace(row, cells=tuple(heads)), replace(row, cells=tuple(tails))


@dataclass(frozen=True)
class Table:
    columns: Sequence[Column]
    rows: Sequence[Row]
    size: float = BODY
    status_column: int | None = None  # the column whose cell takes the row's fill


def _draw(page: Page, t: Table, rows: Sequence[Row], widths: Sequence[float], heights: Sequence[float]) -> float:
    header_h = max(_cell_height(c.header, t.size, w, True) for c, w in zip(t.columns, widths, strict=True))
    total = header_h + sum(heights)
    shape = page.current().shapes.add_table(
        len(rows) + 1, len(t.columns), Pt(page.x), Pt(page.y), Pt(page.w), Pt(total)
    )
    shape.name = "Table"
    table = shape.table
    table.first_row = True
    for i, width in enumerate(widths):
        table.columns[i].width = Pt(width)
    table.rows[0].height = Pt(header_h)
    for r, h in enumerate(heights):
        table.rows[r + 1].height = Pt(h)
    for c, column in enumerate(t.columns):
        header = paras(column.header, size=t.size, bold=True, color=WHITE, align=column.align)
        _cell(table.cell(0, c), header, HEADER_FILL)
    for r, row in enumerate(rows):
        for c, column in enumerate(t.columns):
            fill = ROW_FILLS[r % 2]
            if c == t.status_column and row.fill:
                fill = _tint(row.fill)
            _cell(table.cell(r + 1, c), paras(row.cells[c], size=t.size, align=column.align), fill)
    return total


def _cell(cell, items: Sequence[Para], fill: str) -> None:  # noqa: ANN001
    cell.margin_left = cell.margin_right = Pt(INSET)
    cell.margin_top = cell.margin_bottom = Pt(VINSET)
    cell.vertical_anchor = MSO_ANCHOR.TOP
    cell.text_frame.word_wrap = True
    fill_frame(cell.text_frame, items)
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string(fill)


def place_table(page: Page, t: Table, label: Para | None = None) -> None:
    """``t`` down the page's slides, its header on each, rows measured with the renderer's font; a row taller
    than a slide split between two words. ``label`` goes above it, on the slide where its first row goes."""
    page.current()
    total = sum(c.width for c in t.columns)
    widths = [page.w * c.width / total for c in t.columns]
    header_h = max(_cell_height(c.header, t.size, w, True) for c, w in zip(t.columns, widths, strict=True))
    if label is not None:
        # keep the label with its first row: the whole row when a slide can hold it, else its first four lines
        row = t.rows[0] if t.rows else None
        first = max(_cell_height(x, t.size, w) for x, w in zip(row.cells, widths, strict=True)) if row else 0.0
        above = label.height(page.w - 2 * INSET) + 2 * VINSET + header_h
        if first > page.bottom - page.top - above:
            first = 4 * fit.line_height(t.size)
        page.need(above + first)
        flow(page, [label])
        page.y -= GAP / 2
    pending = list(t.rows)
    while pending:
        room = page.room - header_h
        rows: list[Row] = []
        heights: list[float] = []
        while pending:
            h = max(_cell_height(text, t.size, w) for text, w in zip(pending[0].cells, widths, strict=True))
            if h <= room - sum(heights):
                rows.append(pending.pop(0))
                heights.append(h)
                continue
            if not rows and page.fresh:
                head, pending[0] = _split_row(pending[0], widths, t.size, room)
                rows.append(head)
                heights.append(max(_cell_height(x, t.size, w) for x, w in zip(head.cells, widths, strict=True)))
            break
        if rows:
            page.advance(_draw(page, t, rows, widths, heights))
        if pending:
            page.new()
            widths = [page.w * c.width / total for c in t.columns]


def flow_blocks(page: Page, blocks: Sequence[Sequence[Para]]) -> None:
    """Each block (an objective, an agency's report) in its own text box, starting a new slide when it does not
    fit below the last but fits a slide of its own; a block longer than a slide continues on the next."""
    for block in blocks:
        if not block:
            continue
        page.current()
        width = page.w - 2 * INSET
        whole = height(block, width) + 2 * VINSET
        first = block[0].height(width) + 2 * VINSET + (fit.line_height(block[1].size) if len(block) > 1 else 0)
        page.need(whole if whole <= BODY_BOTTOM - page.top else first)
        flow(page, block)
