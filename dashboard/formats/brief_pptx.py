"""The quarterly brief as a PowerPoint deck (16:9) a front office presents, bottom line first: the bottom line,
what needs attention and the decisions and actions it asks for, then the figures, the trend and what changed, the
charts, one slide per goal with its indicators, the indicator evidence, outstanding reports and, when asked for,
every objective's full latest narratives.

Charts are native and editable (python-pptx's chart API). Text is editable too: one paragraph per paragraph,
wrapped by the renderer, in boxes with auto-fit; how much goes on a slide is measured with the font the renderer
draws (``brief_pptx_fit``), and what does not fit continues on the next slide (``brief_pptx_layout``). Every slide
carries the release marking once at its top and once at its bottom, and its number.
"""

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.slide import Slide
from pptx.util import Pt

from dashboard.formats import brief_data
from dashboard.formats import brief_pptx_fit as fit
from dashboard.formats.brief_data import (
    RATING_COLORS,
    RISK_COLORS,
    STATUS_COLORS,
    Brief,
    ChartData,
    ObjectiveLine,
    percent,
    quantity,
    rating_text,
    status_text,
)
from dashboard.formats.brief_pptx_layout import (
    BODY,
    BODY_BOTTOM,
    FONT,
    HEIGHT,
    INSET,
    MARGIN,
    MUTED,
    VINSET,
    WIDTH,
    Column,
    Page,
    Para,
    Row,
    Table,
    box,
    flow,
    flow_blocks,
    one_line,
    paras,
    place_table,
)

MARKING_COLOR = "8B0000"
NEUTRAL = RGBColor(0x4D, 0x4D, 0x4D)
DIRECTIONS = {"worse": ("▼", "B00020"), "better": ("▲", "1B7F3B"), "mixed": ("◆", "8A6D00")}
TITLE_TOP = 22.0
TITLE_SIZES = (22.0, 16.0)
BODY_TOP = 94.0  # the body starts here at the latest (below a one-line title and subtitle)
EMPTY = ("", "—")


class Deck:
    """The presentation being written, with the running furniture added to every slide at the end."""

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.prs = Presentation()
        self.prs.slide_width = Pt(WIDTH)
        self.prs.slide_height = Pt(HEIGHT)
        self.layout = self.prs.slide_layouts[6]  # blank
        self.symbols = True  # the renderer draws a symbol its font lacks from a fallback font

    def blank(self) -> Slide:
        return self.prs.slides.add_slide(self.layout)

    def slide(self, title: str, subtitle: str = "") -> tuple[Slide, float]:
        """A slide with its title (one line at 22 points, or wrapped at 16) and subtitle; returns the slide and
        where its body starts."""
        slide = self.blank()
        w = WIDTH - 2 * MARGIN
        big = Para(title, TITLE_SIZES[0], bold=True)
        head = big if fit.count_lines(title, big.size, w - 2 * INSET, True) == 1 else Para(title, 16, bold=True)
        h = min(head.height(w - 2 * INSET) + 2 * VINSET, 150.0)
        box(slide, MARGIN, TITLE_TOP, w, h, [head], floor=BODY / head.size, name="Title")
        y = TITLE_TOP + h
        if subtitle:
            y += one_line(slide, MARGIN, y, w, subtitle, BODY, "Subtitle", color=MUTED)
        return slide, max(BODY_TOP, y + 8)

    def page(self, title: str, subtitle: str = "") -> Page:
        return Page(self.slide, title, subtitle)

    def finish(self) -> bytes:
        total = len(self.prs.slides)
        brief = self.brief
        footer = f"{brief.mission} · {brief.quarter} review"
        for number, slide in enumerate(self.prs.slides, start=1):
            marking = Para(brief.marking, 10, bold=True, color=MARKING_COLOR, align=PP_ALIGN.CENTER)
            box(slide, MARGIN, 4, WIDTH - 2 * MARGIN, 18, [marking], floor=0.5, name="Marking")
            box(slide, WIDTH / 2 - 180, HEIGHT - 22, 360, 18, [marking], floor=0.5, name="Marking")
            box(slide, MARGIN, HEIGHT - 22, 250, 18, [Para(footer, 9, color=MUTED)], floor=0.5, name="Footer")
            number_text = Para(f"Slide {number} of {total}", 9, color=MUTED, align=PP_ALIGN.RIGHT)
            box(slide, WIDTH - MARGIN - 150, HEIGHT - 22, 150, 18, [number_text], floor=0.5, name="Footer")
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color)


def _status(deck: Deck, status: str) -> str:
    return status_text(status, deck.symbols)


def _progress(status: str, progress: float | None) -> str:
    """Progress as printed; an objective with no update shows "No update", never 0%."""
    no_update = brief_data.NoStatus.NO_UPDATE.value
    return no_update if status == no_update else percent(progress)


def _visible(columns: list[Column], rows: list[Row], keep: int = 1) -> tuple[list[Column], list[Row]]:
    """The columns, without those past the first ``keep`` where no row says anything ("—" or blank)."""
    shown = [i for i, _ in enumerate(columns) if i < keep or any(r.cells[i] not in EMPTY for r in rows)]
    return [columns[i] for i in shown], [Row(tuple(r.cells[i] for i in shown), r.fill) for r in rows]


# --------------------------------------------------------------------------- title and bottom line


def _prepared(brief: Brief) -> str:
    day = f"{brief.generated_on:%d %B %Y}"
    if "@" in brief.prepared_for:
        return f"Prepared {day} by {brief.prepared_for}"
    if brief.prepared_for == "automated report":
        return f"Prepared {day} as an automated report"
    return f"Prepared {day} for {brief.prepared_for}"


def _title_slide(deck: Deck) -> None:
    brief = deck.brief
    slide = deck.blank()
    items = [
        Para("Integrated Country Strategy: quarterly review", 18, color=MUTED),
        Para(f"{brief.mission} — {brief.post}", 34, bold=True, space_before=12),
        Para(f"{brief.quarter} review brief", 24, space_before=12),
        Para(_prepared(brief), 14, color=MUTED, space_before=24),
        *paras(brief.scope, size=14, color=MUTED, space_before=6),
    ]
    box(slide, 60, 110, WIDTH - 120, BODY_BOTTOM - 130, items, floor=BODY / 14, name="Body")


def _bluf_slide(deck: Deck) -> None:
    brief = deck.brief
    slide, top = deck.slide("Bottom line", f"{brief.quarter} · {brief.scope}")
    sentences = brief.bluf or ("No bottom line could be written from this quarter's figures.",)
    items = [Para(s, 20, bullet=True, space_before=10 if i else 0) for i, s in enumerate(sentences)]
    box(slide, MARGIN, top, WIDTH - 2 * MARGIN, BODY_BOTTOM - top, items, floor=BODY / 20, name="Body")


def _attention_items(deck: Deck, o: ObjectiveLine) -> list[Para]:
    color = STATUS_COLORS.get(o.status, "4D4D4D")
    risk = f" · {o.risk_level} risk" if o.risk_level else ""
    owner = f" · owner {o.lead_agency} (lead agency)" if o.lead_agency else ""
    return [
        Para(o.title, 14, bold=True, lead=f"{o.code}  ", keep=True),
        Para(
            f"{risk.lstrip(' ·')}{owner}".strip(" ·"),
            BODY,
            lead=_status(deck, o.status) + "  ",
            lead_color=color,
            keep=True,
        ),  # fmt: skip
        *paras(o.challenges or "None reported.", lead="Challenges: ", space_before=4),
        *paras(o.mitigation or "None reported.", lead="Mitigation: ", space_before=4),
    ]


def _attention_slides(deck: Deck) -> None:
    brief = deck.brief
    if not brief.attention:
        return
    n = len(brief.attention)
    page = deck.page(
        "What needs attention",
        f"{n} objective{'s' * (n != 1)} off track or at risk in {brief.quarter}: off track first, the highest risk "
        "first, each with its challenges, mitigation and owner",
    )
    blocks = [_attention_items(deck, o) for o in brief.attention]
    flow_blocks(page, blocks)


ACTION_COLUMNS = [Column("Objective", 1.5), Column("Action", 6.0), Column("Owner", 1.6), Column("Quarter", 1.1)]


def _decisions_slides(deck: Deck) -> None:
    brief = deck.brief
    quarters = sorted({a.quarter for a in brief.actions})
    title = "Decisions and actions" + (f" for {quarters[0]}" if len(quarters) == 1 else "")
    page = deck.page(title, "The next steps and mitigation of the objectives that need attention, with their owners")
    if not brief.actions:
        flow(page, [Para(f"No objective is off track or at risk in {brief.quarter}: no decision or action is asked "
                         "for.", 16)])  # fmt: skip
        return
    rows = [
        Row(
            (f"{a.code} {_status(deck, a.status)}", f"{a.kind}: {a.text}", a.owner, a.quarter),
            STATUS_COLORS.get(a.status),
        )
        for a in brief.actions
    ]
    columns = ACTION_COLUMNS if len(quarters) > 1 else ACTION_COLUMNS[:3]
    rows = [Row(r.cells[: len(columns)], r.fill) for r in rows]
    place_table(page, Table(columns, rows, status_column=0))


# --------------------------------------------------------------------------- figures, trend, what changed


def _headline_slide(deck: Deck) -> None:
    brief = deck.brief
    slide, top = deck.slide("Headline figures", f"{brief.quarter}, with the change since {brief.previous_quarter}")
    per_row = 4
    card_w = (WIDTH - 2 * MARGIN - (per_row - 1) * 16) / per_row
    card_h = min(150.0, (BODY_BOTTOM - top - 24) / 2)
    for i, figure in enumerate(brief.figures):
        x = MARGIN + (i % per_row) * (card_w + 16)
        y = top + 8 + (i // per_row) * (card_h + 16)
        card = slide.shapes.add_shape(1, Pt(x), Pt(y), Pt(card_w), Pt(card_h))  # rectangle
        card.fill.solid()
        card.fill.fore_color.rgb = _rgb("F2F4F7")
        card.line.color.rgb = _rgb("CCCCCC")
        colour = STATUS_COLORS.get(figure.label)
        label = _status(deck, figure.label) if colour else figure.label
        items = [
            Para(label, 14, bold=True, color=MUTED),
            Para(figure.value, 36, bold=True, space_before=4),
            Para(figure.change, 14, color=MUTED, space_before=4),
        ]
        box(slide, x + 8, y + 6, card_w - 16, card_h - 12, items, floor=BODY / 14, name="Body")


def _change_items(deck: Deck) -> list[Para]:
    brief = deck.brief
    items = [Para(f"What changed since {brief.previous_quarter}", 14, bold=True, keep=True)]
    if not brief.changes:
        items.append(Para(f"No objective changed status or risk level since {brief.previous_quarter}."))
    for c in brief.changes:
        mark, color = DIRECTIONS.get(c.direction, ("•", "4D4D4D"))
        status = f"{_status(deck, c.status_before)} → {_status(deck, c.status_now)}"
        risk = f"; risk {c.risk_before} → {c.risk_now}" if c.risk_before != c.risk_now else ""
        items.append(
            Para(f"{c.code} {c.title}: {status}{risk}", lead=f"{mark} {c.direction} ", lead_color=color, space_before=6)
        )
    if not brief.outstanding:
        items.append(Para("Outstanding reports", 14, bold=True, space_before=14))
        items.append(Para(f"Every expected update for {brief.quarter} is in."))
    return items


def _trend_chart(slide: Slide, data: ChartData, x: float, y: float, w: float, h: float) -> None:
    chart = _chart(slide, x, y, w, h, data, XL_CHART_TYPE.LINE_MARKERS)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(BODY)
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale, axis.major_unit = 0, 100, 25
    axis.tick_labels.number_format = '0"%"'
    axis.tick_labels.number_format_is_linked = False
    for series in chart.plots[0].series:
        series.smooth = False


def _trend_slide(deck: Deck) -> None:
    """The four-quarter trend per goal beside what changed (worse first), and a line for no outstanding reports."""
    brief = deck.brief
    data = brief.trend_chart
    page = deck.page(f"Trend and what changed since {brief.previous_quarter}", data.summary if data else "")
    slide = page.new()
    if data is not None and data.series:
        chart_w = (WIDTH - 2 * MARGIN) * 0.55
        _trend_chart(slide, data, MARGIN, page.y, chart_w, BODY_BOTTOM - page.y)
        page.attach(slide, MARGIN + chart_w + 16, page.y, WIDTH - 2 * MARGIN - chart_w - 16)
    flow(page, _change_items(deck))


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
    title_font.size, title_font.bold, title_font.name = Pt(BODY), True, FONT
    chart.font.size = Pt(10)
    chart.font.name = FONT
    return chart


def _goal_chart(slide: Slide, brief: Brief, x: float, y: float, w: float, h: float) -> None:
    data = brief.goal_chart
    chart = _chart(slide, x, y, w, h, data, XL_CHART_TYPE.BAR_CLUSTERED)
    chart.has_legend = False
    axis = chart.category_axis
    axis.reverse_order = True  # first goal at the top, as on the page
    axis.tick_labels.font.size = Pt(max(6, min(BODY, 0.6 * (h - 60) / max(1, len(data.categories)))))
    value_axis = chart.value_axis
    value_axis.minimum_scale, value_axis.maximum_scale = 0, 100
    value_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    statuses = {o.code: o.status for o in brief.objectives}
    fills = [STATUS_COLORS.get(statuses.get(category, ""), "4D4D4D") for category in data.categories]
    _percent_bars(chart, 40, max(6, min(10, 0.5 * (h - 60) / max(1, len(data.categories)))), fills)


def _percent_bars(chart, gap: int, label_size: float, fills: list[str]) -> None:  # noqa: ANN001
    """A bar chart's bars labelled in whole percent, each filled with its colour (hex, without "#")."""
    plot = chart.plots[0]
    plot.gap_width = gap
    plot.has_data_labels = True
    plot.data_labels.number_format = '0"%"'
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(label_size)
    for point, colour in enumerate(fills):
        fill = plot.series[0].points[point].format.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(colour)


def _status_chart(slide: Slide, data: ChartData, x: float, y: float, w: float, h: float) -> None:
    chart = _chart(slide, x, y, w, h, data, XL_CHART_TYPE.BAR_CLUSTERED)
    chart.has_legend = False
    chart.category_axis.reverse_order = True
    chart.value_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.value_axis.major_unit = 1
    plot = chart.plots[0]
    plot.gap_width = 50
    plot.has_data_labels = True
    plot.data_labels.font.size = Pt(10)
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


def _charts_slide(deck: Deck) -> None:
    brief = deck.brief
    slide, top = deck.slide("Progress, status and risk by goal", brief.goal_chart.summary)
    left_w = (WIDTH - 2 * MARGIN) * 0.56
    _goal_chart(slide, brief, MARGIN, top, left_w, BODY_BOTTOM - top)
    right_x = MARGIN + left_w + 16
    right_w = WIDTH - MARGIN - right_x
    half = (BODY_BOTTOM - top - 12) / 2
    _status_chart(slide, brief.status_chart, right_x, top, right_w, half)
    _risk_chart(slide, brief.risk_chart, right_x, top + half + 12, right_w, half)


# --------------------------------------------------------------------------- goals and evidence

OBJECTIVE_COLUMNS = [
    Column("Code", 0.55),
    Column("Objective", 2.8),
    Column("Status", 1.25),
    Column("Progress", 1.0, PP_ALIGN.RIGHT),
    Column("Risk", 0.85),
    Column("Lead", 0.9),
    Column("Latest accomplishments", 5.4),
]
GOAL_INDICATOR_COLUMNS = [
    Column("Code", 0.8),
    Column("Indicator", 4.6),
    Column("Objective", 0.9),
    Column("Actual vs target", 2.4),
    Column("Achieved", 1.0, PP_ALIGN.RIGHT),
    Column("Rating", 1.3),
]


SUMMARY_CHARS = 360  # of an objective's accomplishments beside it on its goal's slide (the appendix has them all)


def abridged(text: str, limit: int = SUMMARY_CHARS) -> str:
    """``text``'s paragraphs up to about ``limit`` characters, the last cut between two words and ended with "…"."""
    kept: list[str] = []
    left = limit
    for paragraph in fit.paragraphs(text):
        if len(paragraph) <= left:
            kept.append(paragraph)
            left -= len(paragraph)
            continue
        cut = paragraph[: max(left, 40)].rsplit(" ", 1)[0].rstrip(" ,;:.-")
        kept.append(cut + "…")
        break
    return "\n".join(kept)


def _goal_slides(deck: Deck) -> None:
    brief = deck.brief
    for goal in brief.goals:
        n = len(goal.objectives)
        page = deck.page(
            goal.heading,
            f"Mean progress {percent(goal.progress)} · {n} objective{'s' * (n != 1)} · {brief.quarter}"
            + (" · each objective's full narratives in the appendix" if brief.appendix else ""),
        )
        rows = [
            Row(
                (
                    o.code,
                    o.title,
                    _status(deck, o.status),
                    _progress(o.status, o.progress),
                    o.risk_level or "—",
                    o.lead_agency or "—",
                    abridged(o.accomplishments) or "No accomplishments reported.",
                ),
                STATUS_COLORS.get(o.status),
            )
            for o in goal.objectives
        ]
        columns, rows = _visible(OBJECTIVE_COLUMNS, rows, keep=4)
        place_table(page, Table(columns, rows, status_column=2))
        if goal.indicators:
            label = Para(f"Indicators in {brief.quarter}: the counted actual against this quarter's target",
                         BODY, bold=True, color=MUTED)  # fmt: skip
            rows = [
                Row(
                    (i.code, i.name, i.objective_code, i.against, i.achieved, rating_text(i.rating, deck.symbols)),
                    RATING_COLORS.get(i.rating),
                )
                for i in goal.indicators
            ]
            place_table(page, Table(GOAL_INDICATOR_COLUMNS, rows, status_column=5), label)
            _indicator_chart_slide(deck, goal)


def _indicator_chart_slide(deck: Deck, goal: brief_data.GoalSection) -> None:
    """The goal's indicators against target as a native bar chart on a slide of its own, one bar per indicator
    coloured by its rating, 100% (target met) marked by a gridline."""
    data = brief_data.indicator_chart_data(goal, deck.brief.quarter)
    if data is None:
        return
    slide, top = deck.slide(f"Indicators against target: {goal.name}", data.summary)
    h = BODY_BOTTOM - top
    chart = _chart(slide, MARGIN, top, WIDTH - 2 * MARGIN, h, data, XL_CHART_TYPE.BAR_CLUSTERED)
    chart.has_legend = False
    chart.category_axis.reverse_order = True  # the first indicator at the top, as in the table
    chart.category_axis.tick_labels.font.size = Pt(12)
    shown = [v for v in data.series[0].values if v is not None]
    axis = chart.value_axis
    axis.minimum_scale = min(0, *shown) if shown else 0
    axis.maximum_scale = max(150, *shown) if shown else 150
    axis.major_unit = 50
    axis.has_major_gridlines = True
    axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _percent_bars(chart, 60, 12, [RATING_COLORS.get(line.rating, "4D4D4D") for line in goal.indicators])


BEHIND_COLUMNS = [
    Column("Code", 0.8),
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


def _evidence_slides(deck: Deck) -> None:
    """What the indicators say: those behind their target, then where reports and indicators disagree."""
    brief = deck.brief
    found = brief.evidence
    page = deck.page("Indicator evidence", f"{found.summary} in {brief.quarter}" if found.indicators else "")
    if not found.indicators:
        flow(page, [Para(brief_data.no_indicators(brief.quarter), 16)])
        return
    titles = {o.code: o.title for o in brief.objectives}
    behind = Para("Behind target", 14, bold=True)
    if found.behind:
        rows = [
            Row((i.code, i.name, f"{i.objective_code}: {titles.get(i.objective_code, '')}", i.against, i.achieved))
            for i in found.behind
        ]
        place_table(page, Table(BEHIND_COLUMNS, rows), behind)
    else:
        flow(page, [behind, Para(brief_data.none_behind(brief.quarter))])
    page.title = "Indicator evidence: reports and indicators disagree"
    disagree = Para("Where reports and indicators disagree", 14, bold=True)
    if not found.disagreements:
        flow(page, [disagree, Para(brief_data.none_disagree(brief.quarter))])
        return
    rows = [
        Row(
            (
                f"{d.code}: {d.title}",
                _status(deck, d.status),
                brief_data.agency_words(d.reports, brief.quarter, deck.symbols),
                d.both,
            ),
            STATUS_COLORS.get(d.status),
        )
        for d in found.disagreements
    ]
    place_table(page, Table(DISAGREEMENT_COLUMNS, rows, status_column=1), disagree)


# --------------------------------------------------------------------------- outstanding reports

OUTSTANDING_COLUMNS = [
    Column("Agency", 1.0),
    Column("Working group", 2.6),
    Column("Objective", 0.9),
    Column("State", 1.3),
    Column("Days late", 1.0, PP_ALIGN.RIGHT),
    Column("Chair's comment", 4.2),
]


def _tally_table(header: str, tallies: tuple[brief_data.Tally, ...]) -> Table:
    """Outstanding by agency or working group; the Overdue column only when it differs from Outstanding."""
    overdue = any(t.overdue != t.outstanding for t in tallies)
    columns = [Column(header, 3.0), Column("Outstanding", 1.2, PP_ALIGN.RIGHT)]
    columns += [Column("Overdue", 1.0, PP_ALIGN.RIGHT)] if overdue else []
    columns += [Column("Objectives", 4.0)]
    rows = [
        Row((t.name, str(t.outstanding), *([str(t.overdue)] if overdue else []), t.objectives or "—")) for t in tallies
    ]
    return Table(columns, rows)


def _outstanding_slides(deck: Deck) -> None:
    """Each expected update not received, with how many days late; then the same by agency and working group."""
    brief = deck.brief
    if not brief.outstanding:
        return  # one line beside what changed says so
    total = len(brief.outstanding)
    late = sum(o.overdue for o in brief.outstanding)
    page = deck.page(
        "Outstanding reports",
        f"{total} expected update{'s' * (total != 1)} not received for {brief.quarter}, {late} of them late",
    )
    rows = [
        Row(
            (
                o.agency,
                o.working_group,
                o.code,
                o.state,
                str(o.days_late) if o.overdue else "not yet due",
                o.comment or "—",
            )
        )
        for o in brief.outstanding
    ]
    columns, rows = _visible(OUTSTANDING_COLUMNS, rows, keep=5)
    if len({r.cells[3] for r in rows}) == 1:  # one state for all: said once, above the table
        page.subtitle += f" (state: {rows[0].cells[3]})"
        columns, rows = columns[:3] + columns[4:], [Row(r.cells[:3] + r.cells[4:]) for r in rows]
    place_table(page, Table(columns, rows))
    for header, tallies in (("Agency", brief.by_agency), ("Working group", brief.by_working_group)):
        if tallies:
            place_table(page, _tally_table(header, tallies), Para(f"By {header.lower()}", 14, bold=True))


# --------------------------------------------------------------------------- appendix

INDICATOR_COLUMNS = [
    Column("Indicator", 4.6),
    Column("Baseline", 1.2, PP_ALIGN.RIGHT),
    Column("Target", 1.2, PP_ALIGN.RIGHT),
    Column("Latest", 2.4, PP_ALIGN.RIGHT),
]
FIELDS = (
    ("Accomplishments: ", "accomplishments"),
    ("Challenges: ", "challenges"),
    ("Next steps: ", "next_steps"),
    ("Risk and mitigation: ", "risk_note"),
)


def _report_items(deck: Deck, o: ObjectiveLine) -> list[list[Para]]:
    """Each agency's full latest narrative, the lead agency's first (as the brief orders them)."""
    blocks: list[list[Para]] = []
    for r in o.reports:
        items: list[Para] = []
        lead = " (lead agency)" if r.agency == o.lead_agency else ""
        color = STATUS_COLORS.get(r.status, "4D4D4D")
        heading = f"{r.progress}% · {r.risk_level} risk"
        items.append(
            Para(heading, 14, lead=f"{r.agency}{lead} · {_status(deck, r.status)} · ", lead_color=color, keep=True)
        )
        said = [(label, getattr(r, name)) for label, name in FIELDS if getattr(r, name).strip()]
        for label, text in said or [("", "No narrative reported.")]:
            items += paras(text, lead=label, space_before=4)
        blocks.append(items)
    return blocks


def _appendix_slides(deck: Deck) -> None:
    brief = deck.brief
    for o in brief.objectives:
        page = deck.page(
            f"Appendix · {o.code}: {o.title}",
            f"{_status(deck, o.status)} · progress {_progress(o.status, o.progress)} · risk {o.risk_level or '—'} · "
            f"lead {o.lead_agency or '—'} · {brief.quarter}",
        )
        flow_blocks(page, _report_items(deck, o) or [[Para(f"No update counted for {brief.quarter}.", 14)]])
        if o.indicators:
            rows = [
                Row(
                    (
                        i.name,
                        quantity(i.baseline, i.unit),
                        quantity(i.target, i.unit),
                        f"{quantity(i.latest, i.unit)} ({i.latest_quarter})" if i.latest is not None else "—",
                    )
                )
                for i in o.indicators
            ]
            place_table(page, Table(INDICATOR_COLUMNS, rows))


def write(brief: Brief) -> bytes:
    """The brief as .pptx bytes: title; bottom line; what needs attention; decisions and actions; headline figures;
    the trend and what changed; the charts; one slide per goal with its indicators; the indicator evidence;
    outstanding reports; and, when ``brief.appendix``, each objective's full latest narratives."""
    deck = Deck(brief)
    _title_slide(deck)
    _bluf_slide(deck)
    _attention_slides(deck)
    _decisions_slides(deck)
    _headline_slide(deck)
    _trend_slide(deck)
    _charts_slide(deck)
    _goal_slides(deck)
    _evidence_slides(deck)
    _outstanding_slides(deck)
    if brief.appendix:
        _appendix_slides(deck)
    return deck.finish()
