"""The quarterly brief as a PowerPoint deck (16:9), with native, editable charts (python-pptx's chart API).

Every slide carries the release marking at its top and bottom and its number. Every text box and table
cell is filled with text already wrapped and, when too long, shortened with "…" by ``brief_text``, and
table rows have fixed heights chosen from the row count, so the layout holds from 1 to 12+ objectives.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.slide import Slide
from pptx.util import Pt

from dashboard.formats import brief_data, brief_text
from dashboard.formats.brief_data import (
    RATING_COLORS,
    RISK_COLORS,
    STATUS_COLORS,
    Brief,
    ChartData,
    GoalSection,
    IndicatorLine,
    ObjectiveLine,
    percent,
    quantity,
    rating_text,
    status_text,
)

WIDTH, HEIGHT = 960.0, 540.0  # points: 13.333 x 7.5 in
MARGIN = 24.0
BODY_TOP = 94.0  # below the marking band and the slide title
BODY_BOTTOM = HEIGHT - 34.0  # above the footer
INSET = 4.0  # text box and cell margins, left and right
VINSET = 2.0  # top and bottom
MARKING_COLOR = RGBColor(0x8B, 0x00, 0x00)
INK = RGBColor(0x1F, 0x1F, 0x1F)
MUTED = RGBColor(0x55, 0x55, 0x55)
HEADER_FILL = RGBColor(0x1F, 0x3A, 0x5F)
ROW_FILL = (RGBColor(0xFF, 0xFF, 0xFF), RGBColor(0xF2, 0xF4, 0xF7))
NEUTRAL = RGBColor(0x4D, 0x4D, 0x4D)

ATTENTION_PER_SLIDE = 5
CHANGES_PER_SLIDE = 12
OUTSTANDING_PER_SLIDE = 12
TALLIES_PER_SLIDE = 14
BEHIND_PER_SLIDE = 12
DISAGREEMENTS_PER_SLIDE = 3
GOAL_INDICATOR_ROWS = 6  # rows of each of the (at most two) indicator tables under a goal's objectives


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # share of the table's width
    align: PP_ALIGN = PP_ALIGN.LEFT


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color)


_ALIGN = {PP_ALIGN.LEFT: "l", PP_ALIGN.CENTER: "ctr", PP_ALIGN.RIGHT: "r"}
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _lines_into(frame, lines: Sequence[str], size: float, *, bold: bool, color: RGBColor, align: PP_ALIGN) -> None:  # noqa: ANN001
    """Replace the text frame's paragraphs with one paragraph per line (written as XML: the object API is slow)."""
    body = frame._txBody  # noqa: SLF001  (python-pptx's own element for the text body)
    for paragraph in body.findall(f"{{{_A}}}p"):
        body.remove(paragraph)
    run_props = (
        f'<a:rPr lang="en-US" sz="{round(size * 100)}" b="{1 if bold else 0}" dirty="0">'
        f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
        f'<a:latin typeface="{brief_text.PPTX_FONT}"/><a:cs typeface="{brief_text.PPTX_FONT}"/></a:rPr>'
    )
    spacing = f'<a:lnSpc><a:spcPts val="{round(brief_text.line_height(size) * 100)}"/></a:lnSpc>'
    spacing += '<a:spcBef><a:spcPts val="0"/></a:spcBef><a:spcAft><a:spcPts val="0"/></a:spcAft>'
    paragraphs = "".join(
        f'<a:p><a:pPr algn="{_ALIGN[align]}">{spacing}</a:pPr><a:r>{run_props}<a:t>{escape(line)}</a:t></a:r></a:p>'
        for line in lines
    )
    for paragraph in parse_xml(f'<a:txBody xmlns:a="{_A}">{paragraphs}</a:txBody>'):
        body.append(paragraph)


def text_box(
    slide: Slide,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: RGBColor = INK,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    max_lines: int | None = None,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
) -> None:
    """A text box holding ``text`` wrapped and shortened to fit ``w`` x ``h`` points."""
    room = brief_text.lines_that_fit(h - 2 * VINSET, size)
    lines = brief_text.fit(text, size=size, box_width=w - 2 * INSET, max_lines=min(room, max_lines or room), bold=bold)
    shape = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Pt(INSET)
    frame.margin_top = frame.margin_bottom = Pt(VINSET)
    frame.vertical_anchor = anchor
    _lines_into(frame, lines, size, bold=bold, color=color, align=align)


def table(
    slide: Slide,
    x: float,
    y: float,
    w: float,
    max_h: float,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    size: float = 9.0,
    max_row: float = 80.0,
    fills: Sequence[str | None] | None = None,
) -> None:
    """A table with a header row; each row gets an equal share of ``max_h`` (at most ``max_row`` points) and
    each cell's text is fitted to its cell. ``fills`` colours one cell per row (the status column)."""
    header_h = brief_text.line_height(size) + 2 * VINSET + 2
    row_h = min(max_row, (max_h - header_h) / max(1, len(rows)))
    shape = slide.shapes.add_table(len(rows) + 1, len(columns), Pt(x), Pt(y), Pt(w), Pt(header_h + row_h * len(rows)))
    tbl = shape.table
    total = sum(c.width for c in columns)
    widths = [w * c.width / total for c in columns]
    for i, width in enumerate(widths):
        tbl.columns[i].width = Pt(width)
    tbl.rows[0].height = Pt(header_h)
    for r in range(len(rows)):
        tbl.rows[r + 1].height = Pt(row_h)
    room = brief_text.lines_that_fit(row_h - 2 * VINSET, size)
    for c, column in enumerate(columns):
        cell = tbl.cell(0, c)
        lines = brief_text.fit(column.header, size=size, box_width=widths[c] - 2 * INSET, max_lines=1, bold=True)
        _cell(cell)
        _lines_into(cell.text_frame, lines, size, bold=True, color=RGBColor(255, 255, 255), align=column.align)
        cell.fill.solid()
        cell.fill.fore_color.rgb = HEADER_FILL
    for r, row in enumerate(rows):
        for c, column in enumerate(columns):
            cell = tbl.cell(r + 1, c)
            lines = brief_text.fit(row[c], size=size, box_width=widths[c] - 2 * INSET, max_lines=room)
            _cell(cell)
            _lines_into(cell.text_frame, lines, size, bold=False, color=INK, align=column.align)
            cell.fill.solid()
            cell.fill.fore_color.rgb = ROW_FILL[r % 2]
        if fills is not None and fills[r] is not None:
            # A light band in the status colour beside the symbol and word (colour is never the only cue).
            cell = tbl.cell(r + 1, _status_column(columns))
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(_tint(fills[r] or "FFFFFF"))


def _page_table(
    slide: Slide,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    size: float,
    per_slide: int,
    fills: Sequence[str | None] | None = None,
) -> None:
    """A table over the whole body of a slide, its rows sized so ``per_slide`` of them fit."""
    table(
        slide,
        MARGIN,
        BODY_TOP,
        WIDTH - 2 * MARGIN,
        BODY_BOTTOM - BODY_TOP,
        columns,
        rows,
        size=size,
        max_row=(BODY_BOTTOM - BODY_TOP - 20) / per_slide,
        fills=fills,
    )


def _status_column(columns: Sequence[Column]) -> int:
    return next(i for i, c in enumerate(columns) if c.header in ("Status", "Rating"))


def _tint(hex_color: str, amount: float = 0.7) -> str:
    """``hex_color`` mixed with white, light enough for dark text on it."""
    rgb = [int(hex_color[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(v + (255 - v) * amount):02X}" for v in rgb)


def _cell(cell) -> None:  # noqa: ANN001
    cell.margin_left = cell.margin_right = Pt(INSET)
    cell.margin_top = cell.margin_bottom = Pt(VINSET)
    cell.vertical_anchor = MSO_ANCHOR.TOP
    cell.text_frame.word_wrap = True


class Deck:
    """The presentation being written, with the running furniture added to every slide at the end."""

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.prs = Presentation()
        self.prs.slide_width = Pt(WIDTH)
        self.prs.slide_height = Pt(HEIGHT)
        self.layout = self.prs.slide_layouts[6]  # blank
        self.symbols = brief_text.fonts().symbols

    def slide(self, title: str, subtitle: str = "") -> Slide:
        slide = self.prs.slides.add_slide(self.layout)
        if brief_text.width(title, 22, bold=True) <= WIDTH - 2 * MARGIN - 2 * INSET:
            text_box(slide, MARGIN, 24, WIDTH - 2 * MARGIN, 34, title, 22, bold=True, max_lines=1)
        else:  # a long goal or objective title: two smaller lines
            text_box(slide, MARGIN, 22, WIDTH - 2 * MARGIN, 44, title, 16, bold=True, max_lines=2)
        if subtitle:
            text_box(slide, MARGIN, 66, WIDTH - 2 * MARGIN, 22, subtitle, 12, color=MUTED, max_lines=1)
        return slide

    def finish(self) -> bytes:
        total = len(self.prs.slides)
        brief = self.brief
        for number, slide in enumerate(self.prs.slides, start=1):
            # The release marking centred at the top and at the bottom of every slide.
            for x, y, w in ((MARGIN, 4, WIDTH - 2 * MARGIN), (WIDTH / 2 - 180, HEIGHT - 22, 360)):
                text_box(
                    slide,
                    x,
                    y,
                    w,
                    18,
                    brief.marking,
                    10,
                    bold=True,
                    color=MARKING_COLOR,
                    align=PP_ALIGN.CENTER,
                    max_lines=1,
                )
            text_box(
                slide,
                MARGIN,
                HEIGHT - 22,
                300,
                18,
                f"{brief.mission} · {brief.quarter} review",
                9,
                color=MUTED,
                max_lines=1,
            )
            text_box(
                slide,
                WIDTH - MARGIN - 150,
                HEIGHT - 22,
                150,
                18,
                f"Slide {number} of {total}",
                9,
                color=MUTED,
                align=PP_ALIGN.RIGHT,
                max_lines=1,
            )
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _chart(slide: Slide, x: float, y: float, w: float, h: float, data: ChartData, kind: XL_CHART_TYPE):  # noqa: ANN202
    chart_data = CategoryChartData(number_format="0")
    chart_data.categories = list(data.categories)
    for series in data.series:
        chart_data.add_series(series.name, list(series.values))
    frame = slide.shapes.add_chart(kind, Pt(x), Pt(y), Pt(w), Pt(h), chart_data)
    chart = frame.chart
    chart.has_title = True
    chart.chart_title.text_frame.text = data.title
    title_font = chart.chart_title.text_frame.paragraphs[0].runs[0].font
    title_font.size, title_font.bold, title_font.name = Pt(12), True, brief_text.PPTX_FONT
    chart.font.size = Pt(9)
    chart.font.name = brief_text.PPTX_FONT
    return chart


def _goal_chart(slide: Slide, brief: Brief, x: float, y: float, w: float, h: float) -> None:
    data = brief.goal_chart
    chart = _chart(slide, x, y, w, h, data, XL_CHART_TYPE.BAR_CLUSTERED)
    chart.has_legend = False
    axis = chart.category_axis
    axis.reverse_order = True  # first goal at the top, as on the page
    axis.tick_labels.font.size = Pt(max(6, min(10, 0.6 * (h - 60) / max(1, len(data.categories)))))
    value_axis = chart.value_axis
    value_axis.minimum_scale, value_axis.maximum_scale = 0, 100
    value_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    plot = chart.plots[0]
    plot.gap_width = 40
    plot.has_data_labels = True
    plot.data_labels.number_format = '0"%"'
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(8)
    statuses = {o.code: o.status for o in brief.objectives}
    for i, category in enumerate(data.categories):
        fill = plot.series[0].points[i].format.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(STATUS_COLORS.get(statuses.get(category, ""), "4D4D4D"))


def _status_chart(slide: Slide, data: ChartData, x: float, y: float, w: float, h: float) -> None:
    chart = _chart(slide, x, y, w, h, data, XL_CHART_TYPE.BAR_CLUSTERED)
    chart.has_legend = False
    chart.category_axis.reverse_order = True
    chart.value_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.value_axis.major_unit = 1
    plot = chart.plots[0]
    plot.gap_width = 50
    plot.has_data_labels = True
    plot.data_labels.font.size = Pt(9)
    for i, status in enumerate(data.categories):
        fill = plot.series[0].points[i].format.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(STATUS_COLORS.get(status, "4D4D4D"))


def _risk_chart(slide: Slide, data: ChartData, x: float, y: float, w: float, h: float) -> None:
    chart = _chart(slide, x, y, w, h, data, XL_CHART_TYPE.COLUMN_STACKED)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.major_unit = 1
    plot = chart.plots[0]
    plot.gap_width = 60
    for series in plot.series:
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(RISK_COLORS[series.name])
        series.format.line.color.rgb = NEUTRAL


def _chunks(items: Sequence, size: int) -> list[Sequence]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[0:0]]


def _title_slide(deck: Deck) -> None:
    brief = deck.brief
    slide = deck.prs.slides.add_slide(deck.layout)
    text_box(
        slide, 60, 120, WIDTH - 120, 40, "Integrated Country Strategy: quarterly review", 18, color=MUTED, max_lines=1
    )
    text_box(slide, 60, 160, WIDTH - 120, 100, f"{brief.mission} — {brief.post}", 34, bold=True, max_lines=2)
    text_box(slide, 60, 270, WIDTH - 120, 40, f"{brief.quarter} review brief", 24, max_lines=1)
    text_box(
        slide,
        60,
        320,
        WIDTH - 120,
        26,
        f"Prepared {brief.generated_on:%d %B %Y} for {brief.prepared_for}",
        14,
        color=MUTED,
        max_lines=1,
    )
    text_box(slide, 60, 350, WIDTH - 120, 44, brief.scope, 14, color=MUTED, max_lines=2)
    text_box(
        slide,
        60,
        410,
        WIDTH - 120,
        30,
        f"Release marking: {brief.marking}",
        16,
        bold=True,
        color=MARKING_COLOR,
        max_lines=1,
    )


def _headline_slide(deck: Deck) -> None:
    brief = deck.brief
    slide = deck.slide("Headline figures", f"{brief.quarter}, with the change since {brief.previous_quarter}")
    per_row = 4
    card_w = (WIDTH - 2 * MARGIN - (per_row - 1) * 16) / per_row
    card_h = 150.0
    for i, figure in enumerate(brief.figures):
        x = MARGIN + (i % per_row) * (card_w + 16)
        y = BODY_TOP + 20 + (i // per_row) * (card_h + 24)
        box = slide.shapes.add_shape(1, Pt(x), Pt(y), Pt(card_w), Pt(card_h))  # rectangle
        box.fill.solid()
        box.fill.fore_color.rgb = ROW_FILL[1]
        box.line.color.rgb = RGBColor(0xCC, 0xCC, 0xCC)
        colour = STATUS_COLORS.get(figure.label)
        label = status_text(figure.label, deck.symbols) if colour else figure.label
        text_box(slide, x + 8, y + 8, card_w - 16, 24, label, 14, bold=True, color=MUTED, max_lines=1)
        text_box(slide, x + 8, y + 38, card_w - 16, 56, figure.value, 36, bold=True, max_lines=1)
        text_box(slide, x + 8, y + 100, card_w - 16, 44, figure.change, 12, color=MUTED, max_lines=2)


def _charts_slide(deck: Deck) -> None:
    brief = deck.brief
    slide = deck.slide("Progress, status and risk by goal", brief.goal_chart.summary)
    top, bottom = BODY_TOP, BODY_BOTTOM
    left_w = (WIDTH - 2 * MARGIN) * 0.56
    _goal_chart(slide, brief, MARGIN, top, left_w, bottom - top)
    right_x = MARGIN + left_w + 16
    right_w = WIDTH - MARGIN - right_x
    half = (bottom - top - 12) / 2
    _status_chart(slide, brief.status_chart, right_x, top, right_w, half)
    _risk_chart(slide, brief.risk_chart, right_x, top + half + 12, right_w, half)


OBJECTIVE_COLUMNS = [
    Column("Code", 0.6),
    Column("Objective", 3.0),
    Column("Status", 1.15),
    Column("Progress", 0.95, PP_ALIGN.RIGHT),
    Column("Risk", 0.8),
    Column("Lead", 0.9),
    Column("Latest accomplishments", 5.6),
]


def _goal_slides(deck: Deck) -> None:
    brief = deck.brief
    for goal in brief.goals:
        n = len(goal.objectives)
        slide = deck.slide(
            goal.heading,
            f"Mean progress {percent(goal.progress)} · {n} objective{'s' if n != 1 else ''} · {brief.quarter}",
        )
        rows = [
            [
                o.code,
                o.title,
                status_text(o.status, deck.symbols),
                percent(o.progress),
                o.risk_level or "—",
                o.lead_agency or "—",
                o.accomplishments or "No accomplishments reported.",
            ]
            for o in goal.objectives
        ]
        size = 10.0 if n <= 6 else 8.0
        below = _indicators_height(deck, goal)
        table(
            slide,
            MARGIN,
            BODY_TOP,
            WIDTH - 2 * MARGIN,
            BODY_BOTTOM - BODY_TOP - below,
            OBJECTIVE_COLUMNS,
            rows,
            size=size,
            max_row=96,
            fills=[STATUS_COLORS.get(o.status) for o in goal.objectives],
        )
        _goal_indicators(deck, slide, goal)


GOAL_INDICATOR_COLUMNS = [
    Column("Code", 0.75),
    Column("Indicator", 2.9),
    Column("Actual vs target", 1.7),
    Column("Rating", 1.05),
]
INDICATOR_ROW = 14.0  # points: one line of 8-point text
INDICATOR_HEADER = brief_text.line_height(8) + 2 * VINSET + 2
INDICATOR_LABEL = 16.0


def _indicator_rows(deck: Deck, goal: GoalSection) -> tuple[list[list[str]], list[str | None], int]:
    """The goal's indicator rows and rating colours (at most two tables' worth, the last row saying how many
    more when there are more) and how many tables they fill."""
    items = list(goal.indicators)
    tables = 1 if len(items) <= GOAL_INDICATOR_ROWS else 2
    room = tables * GOAL_INDICATOR_ROWS
    rows = [[i.code, i.name, i.against, rating_text(i.rating, deck.symbols)] for i in items]
    fills: list[str | None] = [RATING_COLORS.get(i.rating) for i in items]
    if len(rows) > room:
        more = len(rows) - room + 1
        rows, fills = [*rows[: room - 1], ["", f"and {more} more indicators", "", ""]], [*fills[: room - 1], None]
    return rows, fills, tables


def _indicators_height(deck: Deck, goal: GoalSection) -> float:
    """The height the goal's indicators take at the foot of its slide, their label and gap included."""
    if not goal.indicators:
        return 0.0
    rows, _, tables = _indicator_rows(deck, goal)
    return INDICATOR_HEADER + INDICATOR_ROW * -(-len(rows) // tables) + INDICATOR_LABEL + 6


def _goal_indicators(deck: Deck, slide: Slide, goal: GoalSection) -> None:
    """The goal's indicators in one or two compact tables at the foot of the slide."""
    if not goal.indicators:
        return
    rows, fills, tables = _indicator_rows(deck, goal)
    per = -(-len(rows) // tables)
    height = INDICATOR_HEADER + INDICATOR_ROW * per
    top = BODY_BOTTOM - height
    label = f"Indicators in {deck.brief.quarter}: the counted actual against this quarter's target"
    text_box(slide, MARGIN, top - INDICATOR_LABEL, WIDTH - 2 * MARGIN, INDICATOR_LABEL, label, 9,
             bold=True, color=MUTED, max_lines=1)  # fmt: skip
    w = (WIDTH - 2 * MARGIN - 16 * (tables - 1)) / tables
    for t in range(tables):
        part = slice(t * per, (t + 1) * per)
        if rows[part]:
            table(slide, MARGIN + t * (w + 16), top, w, height, GOAL_INDICATOR_COLUMNS, rows[part],
                  size=8, max_row=INDICATOR_ROW, fills=fills[part])  # fmt: skip


ATTENTION_COLUMNS = [
    Column("Code", 0.6),
    Column("Objective", 2.6),
    Column("Status", 1.15),
    Column("Risk", 0.8),
    Column("Challenges", 4.2),
    Column("Risk and mitigation", 4.2),
]


def _attention_slides(deck: Deck) -> None:
    brief = deck.brief
    items: Sequence[ObjectiveLine] = brief.attention
    pages = _chunks(items, ATTENTION_PER_SLIDE)
    for i, chunk in enumerate(pages):
        more = f" ({i + 1} of {len(pages)})" if len(pages) > 1 else ""
        slide = deck.slide("At risk and off track" + more, f"{len(items)} objectives need attention in {brief.quarter}")
        if not chunk:
            text_box(
                slide,
                MARGIN,
                BODY_TOP,
                WIDTH - 2 * MARGIN,
                40,
                f"No objective is at risk or off track in {brief.quarter}.",
                16,
            )
            continue
        rows = [
            [
                o.code,
                o.title,
                status_text(o.status, deck.symbols),
                o.risk_level or "—",
                o.challenges or "None reported.",
                o.mitigation or "None reported.",
            ]
            for o in chunk
        ]
        _page_table(
            slide,
            ATTENTION_COLUMNS,
            rows,
            size=9,
            per_slide=ATTENTION_PER_SLIDE,
            fills=[STATUS_COLORS.get(o.status) for o in chunk],
        )


CHANGE_COLUMNS = [
    Column("Code", 0.6),
    Column("Objective", 4.4),
    Column("Status", 2.6),
    Column("Risk level", 2.0),
    Column("Direction", 1.0),
]


def _change_slides(deck: Deck) -> None:
    brief = deck.brief
    pages = _chunks(brief.changes, CHANGES_PER_SLIDE)
    for i, chunk in enumerate(pages):
        more = f" ({i + 1} of {len(pages)})" if len(pages) > 1 else ""
        slide = deck.slide(
            f"What changed since {brief.previous_quarter}" + more,
            "Objectives whose status or risk level moved (a missing update is not a change)",
        )
        if not chunk:
            text_box(
                slide,
                MARGIN,
                BODY_TOP,
                WIDTH - 2 * MARGIN,
                40,
                f"No objective changed status or risk level between {brief.previous_quarter} and {brief.quarter}.",
                16,
            )
            continue
        rows = [
            [
                c.code,
                c.title,
                f"{status_text(c.status_before, deck.symbols)} → {status_text(c.status_now, deck.symbols)}",
                f"{c.risk_before} → {c.risk_now}",
                c.direction,
            ]
            for c in chunk
        ]
        _page_table(slide, CHANGE_COLUMNS, rows, size=10, per_slide=CHANGES_PER_SLIDE)


TALLY_COLUMNS = [
    Column("", 2.4),
    Column("Outstanding", 1.3, PP_ALIGN.RIGHT),
    Column("Overdue", 1.05, PP_ALIGN.RIGHT),
    Column("Objectives", 1.8),
]
OUTSTANDING_COLUMNS = [
    Column("Agency", 1.0),
    Column("Working group", 2.2),
    Column("Objective", 0.8),
    Column("State", 1.2),
    Column("Overdue", 0.8),
    Column("Chair's comment", 5.0),
]


def _outstanding_slides(deck: Deck) -> None:
    brief = deck.brief
    total = len(brief.outstanding)
    subtitle = f"{total} expected update{'s' if total != 1 else ''} not received for {brief.quarter}"
    if not brief.outstanding:
        slide = deck.slide("Outstanding reports", subtitle)
        text_box(
            slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 40, f"Every expected update for {brief.quarter} is in.", 16
        )
        return
    agencies = _chunks(brief.by_agency, TALLIES_PER_SLIDE)
    groups = _chunks(brief.by_working_group, TALLIES_PER_SLIDE)
    half = (WIDTH - 2 * MARGIN - 16) / 2
    max_h = BODY_BOTTOM - BODY_TOP - 20
    for i in range(max(len(agencies), len(groups))):
        pages = max(len(agencies), len(groups))
        more = f" ({i + 1} of {pages})" if pages > 1 else ""
        slide = deck.slide("Outstanding reports by agency and working group" + more, subtitle)
        for x, header, chunks in ((MARGIN, "Agency", agencies), (MARGIN + half + 16, "Working group", groups)):
            chunk = chunks[i] if i < len(chunks) else []
            if chunk:
                columns = [Column(header, TALLY_COLUMNS[0].width), *TALLY_COLUMNS[1:]]
                rows = [[t.name, str(t.outstanding), str(t.overdue), t.objectives] for t in chunk]
                table(slide, x, BODY_TOP, half, max_h, columns, rows, size=10, max_row=max_h / TALLIES_PER_SLIDE)
    details = _chunks(brief.outstanding, OUTSTANDING_PER_SLIDE)
    for i, chunk in enumerate(details):
        more = f" ({i + 1} of {len(details)})" if len(details) > 1 else ""
        slide = deck.slide("Outstanding reports in detail" + more, subtitle)
        rows = [
            [o.agency, o.working_group, o.code, o.state, "yes" if o.overdue else "no", o.comment or "—"] for o in chunk
        ]
        _page_table(slide, OUTSTANDING_COLUMNS, rows, size=9, per_slide=OUTSTANDING_PER_SLIDE)


BEHIND_COLUMNS = [
    Column("Code", 0.7),
    Column("Indicator", 3.2),
    Column("Objective", 3.6),
    Column("Actual vs target", 1.9, PP_ALIGN.RIGHT),
    Column("Achieved", 1.0, PP_ALIGN.RIGHT),
]
DISAGREEMENT_COLUMNS = [
    Column("Objective", 2.3),
    Column("Status", 1.2),
    Column("What the agencies report", 5.6),
    Column("What the indicators say", 2.5),
]


def _behind_rows(brief: Brief, items: Sequence[IndicatorLine]) -> list[list[str]]:
    titles = {o.code: o.title for o in brief.objectives}
    return [
        [i.code, i.name, f"{i.objective_code}: {titles.get(i.objective_code, '')}", i.against, i.achieved]
        for i in items
    ]


def _evidence_slides(deck: Deck) -> None:
    """What the indicators say: those behind their target, then where reports and indicators disagree."""
    brief = deck.brief
    found = brief.evidence
    if not found.indicators:
        slide = deck.slide("Indicator evidence", f"What the indicators say in {brief.quarter}")
        text_box(
            slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 40, brief_data.no_indicators(brief.quarter), 16, max_lines=2
        )
        return
    pages = _chunks(found.behind, BEHIND_PER_SLIDE)
    for i, chunk in enumerate(pages):
        more = f" ({i + 1} of {len(pages)})" if len(pages) > 1 else ""
        slide = deck.slide("Indicator evidence: behind target" + more, f"{found.summary} in {brief.quarter}")
        if not chunk:
            text = brief_data.none_behind(brief.quarter)
            text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 40, text, 16)
            continue
        _page_table(slide, BEHIND_COLUMNS, _behind_rows(brief, chunk), size=10, per_slide=BEHIND_PER_SLIDE)
    pages = _chunks(found.disagreements, DISAGREEMENTS_PER_SLIDE)
    n = len(found.disagreements)
    subtitle = f"{n} objective{'s' * (n != 1)} whose reported status the indicators do not bear out in {brief.quarter}"
    for i, chunk in enumerate(pages):
        more = f" ({i + 1} of {len(pages)})" if len(pages) > 1 else ""
        slide = deck.slide("Indicator evidence: reports and indicators disagree" + more, subtitle)
        if not chunk:
            text = brief_data.none_disagree(brief.quarter)
            text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 40, text, 16)
            continue
        rows = [
            [
                f"{d.code}: {d.title}",
                status_text(d.status, deck.symbols),
                brief_data.agency_words(d.reports, brief.quarter, deck.symbols),
                d.both,
            ]
            for d in chunk
        ]
        fills = [STATUS_COLORS.get(d.status) for d in chunk]
        _page_table(slide, DISAGREEMENT_COLUMNS, rows, size=9, per_slide=DISAGREEMENTS_PER_SLIDE, fills=fills)


REPORT_COLUMNS = [
    Column("Agency", 0.8),
    Column("Status", 1.1),
    Column("Accomplishments", 3.0),
    Column("Challenges", 2.6),
    Column("Next steps", 2.2),
    Column("Risk and mitigation", 2.2),
]
INDICATOR_COLUMNS = [
    Column("Indicator", 3.6),
    Column("Baseline", 1.0, PP_ALIGN.RIGHT),
    Column("Target", 1.0, PP_ALIGN.RIGHT),
    Column("Latest", 2.2, PP_ALIGN.RIGHT),
]


_number = quantity


def _appendix_slides(deck: Deck) -> None:
    brief = deck.brief
    for o in brief.objectives:
        slide = deck.slide(
            f"Appendix · {o.code}: {o.title}",
            f"{status_text(o.status, deck.symbols)} · progress {percent(o.progress)} · risk {o.risk_level or '—'} · "
            f"lead {o.lead_agency or '—'} · {brief.quarter}",
        )
        indicators_h = 0.0
        if o.indicators:
            indicators_h = min(120.0, 22.0 + 18.0 * len(o.indicators))
        reports_h = BODY_BOTTOM - BODY_TOP - (indicators_h + 10 if indicators_h else 0)
        if o.reports:
            rows = [
                [
                    r.agency,
                    f"{status_text(r.status, deck.symbols)}, {r.progress}%, {r.risk_level} risk",
                    r.accomplishments or "—",
                    r.challenges or "—",
                    r.next_steps or "—",
                    r.risk_note or "—",
                ]
                for r in o.reports
            ]
            table(
                slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, reports_h, REPORT_COLUMNS, rows, size=8, max_row=reports_h
            )
        else:
            text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 30, f"No update counted for {brief.quarter}.", 14)
        if o.indicators:
            rows = [
                [
                    i.name,
                    _number(i.baseline, i.unit),
                    _number(i.target, i.unit),
                    f"{_number(i.latest, i.unit)} ({i.latest_quarter})" if i.latest is not None else "—",
                ]
                for i in o.indicators
            ]
            table(
                slide,
                MARGIN,
                BODY_BOTTOM - indicators_h,
                (WIDTH - 2 * MARGIN) * 0.7,
                indicators_h,
                INDICATOR_COLUMNS,
                rows,
                size=8,
                max_row=18,
            )


def write(brief: Brief) -> bytes:
    """The brief as .pptx bytes: title, headline figures, charts, one slide per goal (with its indicators),
    attention, changes, indicator evidence, outstanding reports and, when ``brief.appendix``, one slide per
    objective."""
    deck = Deck(brief)
    _title_slide(deck)
    _headline_slide(deck)
    _charts_slide(deck)
    _goal_slides(deck)
    _attention_slides(deck)
    _change_slides(deck)
    _evidence_slides(deck)
    _outstanding_slides(deck)
    if brief.appendix:
        _appendix_slides(deck)
    return deck.finish()
