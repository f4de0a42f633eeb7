"""The quarterly brief as a print-ready PDF on US Letter (reportlab), with the same content as the deck.

Every page carries the release marking at its top and bottom and "Page n of N". Charts are reportlab
vector drawings; table cells hold text already wrapped and shortened with "…" by ``brief_text``, so no
row grows taller than a page.
"""

import io
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.domain.numbers import whole
from dashboard.formats import brief_data, brief_text
from dashboard.formats.brief_data import (
    RATING_COLORS,
    RISK_COLORS,
    STATUS_COLORS,
    AgencyReport,
    Brief,
    ChartData,
    GoalSection,
    ObjectiveLine,
    percent,
    quantity,
    rating_text,
    status_text,
)

PAGE_W, PAGE_H = LETTER
MARGIN = 0.75 * inch
BODY_W = PAGE_W - 2 * MARGIN
MARKING_COLOR = colors.HexColor("#8B0000")
HEADER_FILL = colors.HexColor("#1F3A5F")
STRIPE = colors.HexColor("#F2F4F7")
MUTED = colors.HexColor("#555555")
PAD = 3.0  # cell padding, each side


def _hex(value: str) -> colors.Color:
    return colors.HexColor(f"#{value}")


class Text(Flowable):
    """A block of text fitted to the body width (at most ``max_lines`` lines, "…" when cut)."""

    def __init__(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: colors.Color = colors.black,
        max_lines: int = 3,
        space_after: float = 4,
    ) -> None:
        super().__init__()
        self.size, self.bold, self.color, self.space_after = size, bold, color, space_after
        self.lines = brief_text.fit(text, size=size, box_width=BODY_W, max_lines=max_lines, bold=bold)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return BODY_W, len(self.lines) * brief_text.line_height(self.size) + self.space_after

    def draw(self) -> None:
        fonts = brief_text.fonts()
        canvas = self.canv
        canvas.setFont(fonts.bold if self.bold else fonts.regular, self.size)
        canvas.setFillColor(self.color)
        height = len(self.lines) * brief_text.line_height(self.size) + self.space_after
        for i, line in enumerate(self.lines):
            canvas.drawString(
                0, height - self.space_after - (i + 1) * brief_text.line_height(self.size) + 0.22 * self.size, line
            )


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    size: float = 8,
    max_lines: int = 6,
    status_column: int | None = None,
    statuses: Sequence[str] | None = None,
) -> Table:
    """A table across the body width; each cell's text fitted to its column and ``max_lines``."""
    fonts = brief_text.fonts()
    total = sum(widths)
    col_w = [BODY_W * w / total for w in widths]

    def cell(text: str, c: int, bold: bool = False, lines: int = max_lines) -> str:
        return "\n".join(brief_text.fit(text, size=size, box_width=col_w[c] - 2 * PAD, max_lines=lines, bold=bold))

    data = [[cell(h, c, bold=True, lines=2) for c, h in enumerate(header)]]
    data += [[cell(str(v), c) for c, v in enumerate(row)] for row in rows]
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.regular, size, brief_text.line_height(size)),
        ("FONT", (0, 0), (-1, 0), fonts.bold, size, brief_text.line_height(size)),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
    ]
    for r in range(1, len(data)):
        if r % 2 == 0:
            style.append(("BACKGROUND", (0, r), (-1, r), STRIPE))
    if status_column is not None and statuses is not None:
        for r, status in enumerate(statuses, start=1):
            colour = STATUS_COLORS.get(status) or RATING_COLORS.get(status)
            if colour:
                style.append(("LINEBEFORE", (status_column, r), (status_column, r), 4, _hex(colour)))
    return Table(data, colWidths=col_w, style=TableStyle(style), repeatRows=1)


def _bar_chart(data: ChartData, width: float, height: float, statuses: dict[str, str]) -> Drawing:
    """Horizontal bars, one per category, coloured by status (goals in grey), value labels at the bar end."""
    fonts = brief_text.fonts()
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, data.title, fontName=fonts.bold, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y = 60, 20
    chart.width, chart.height = width - 100, height - 40
    values = [v if v is not None else 0 for v in data.series[0].values]
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(data.categories))
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = max(5, min(8, 0.7 * chart.height / max(1, len(values))))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(100, max(values, default=0)) if "%" in data.title else max(1, max(values, default=1))
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 7
    # Each bar's label as every other view prints it: "49%", "no update" for a bar with no figure.
    shown = [percent(v, none="no update") if "%" in data.title else whole(v) for v in data.series[0].values]
    chart.barLabelFormat = "values"
    chart.barLabelArray = [list(reversed(shown))]
    chart.barLabels.fontName = fonts.regular
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    for i, category in enumerate(reversed(data.categories)):
        chart.bars[(0, i)].fillColor = _hex(STATUS_COLORS.get(statuses.get(category, category), "4D4D4D"))
        chart.bars[(0, i)].strokeColor = colors.HexColor("#4D4D4D")
    drawing.add(chart)
    return drawing


def _risk_chart(data: ChartData, width: float, height: float) -> Drawing:
    fonts = brief_text.fonts()
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, data.title, fontName=fonts.bold, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 40
    chart.width, chart.height = width - 50, height - 70
    chart.data = [list(s.values) for s in data.series]
    chart.categoryAxis.categoryNames = list(data.categories)
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.style = "stacked"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 7
    for i, series in enumerate(data.series):
        chart.bars[i].fillColor = _hex(RISK_COLORS[series.name])
        chart.bars[i].strokeColor = colors.HexColor("#4D4D4D")
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 30, 12
    legend.fontName, legend.fontSize = fonts.regular, 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [(_hex(RISK_COLORS[s.name]), s.name) for s in data.series]
    drawing.add(legend)
    return drawing


def _numbered_canvas(brief: Brief) -> type[Canvas]:
    """A canvas that draws the marking, the mission and "Page n of N" once it knows N."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802  (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

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
            self.restoreState()

    return NumberedCanvas


def write(brief: Brief) -> bytes:
    """The brief as PDF bytes on US Letter, portrait."""
    symbols = brief_text.fonts().symbols
    out = io.BytesIO()
    story: list[Flowable] = [
        *_cover(brief),
        *_headline(brief, symbols),
        *_goal_pages(brief, symbols),
        *_attention(brief, symbols),
        *_changes(brief, symbols),
        *_evidence(brief, symbols),
        *_outstanding(brief),
    ]
    if brief.appendix:
        for o in brief.objectives:
            story += _appendix_page(o, brief.quarter, symbols)
    _document(out, brief).build(story, canvasmaker=_numbered_canvas(brief))
    return out.getvalue()


def _document(out: io.BytesIO, brief: Brief) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        out,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=0.75 * inch,
        bottomMargin=0.7 * inch,
        title=f"{brief.mission} {brief.quarter} review brief",
        author="ICS Progress",
        subject=brief.marking,
    )


def _cover(brief: Brief) -> list[Flowable]:
    return [
        Spacer(1, 1.6 * inch),
        Text("Integrated Country Strategy: quarterly review", 14, color=MUTED),
        Text(f"{brief.mission} — {brief.post}", 26, bold=True, max_lines=2, space_after=10),
        Text(f"{brief.quarter} review brief", 18, space_after=14),
        Text(f"Prepared {brief.generated_on:%d %B %Y} for {brief.prepared_for}", 11, color=MUTED),
        Text(brief.scope, 11, color=MUTED, max_lines=2, space_after=14),
        Text(f"Release marking: {brief.marking}", 12, bold=True, color=MARKING_COLOR),
        PageBreak(),
    ]


def _headline(brief: Brief, symbols: bool) -> list[Flowable]:
    """The headline figures, the goal chart, then the status and risk charts side by side."""
    story: list[Flowable] = [
        Text("Headline figures", 18, bold=True),
        Text(f"{brief.quarter}, with the change since {brief.previous_quarter}", 10, color=MUTED, space_after=8),
        _table(
            ["Figure", "Now", f"Change since {brief.previous_quarter}"],
            [
                [status_text(f.label, symbols) if f.label in STATUS_COLORS else f.label, f.value, f.change]
                for f in brief.figures
            ],
            [2.2, 1.2, 3.2],
            size=10,
            max_lines=2,
        ),
        Spacer(1, 14),
        Text("Progress, status and risk by goal", 14, bold=True, space_after=6),
    ]
    statuses = {o.code: o.status for o in brief.objectives}
    goal_h = min(440.0, 60 + 13.0 * len(brief.goal_chart.categories))
    story.append(_bar_chart(brief.goal_chart, BODY_W, goal_h, statuses))
    story.append(Text(brief.goal_chart.summary, 8, color=MUTED, space_after=10))
    half = (BODY_W - 12) / 2
    pair = Table(
        [[_bar_chart(brief.status_chart, half, 170, {}), _risk_chart(brief.risk_chart, half, 170)]],
        colWidths=[half + 6, half + 6],
        style=TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]),
    )
    story += [CondPageBreak(200), pair, Text(brief.status_chart.summary, 8, color=MUTED, max_lines=2)]
    return story


def _goal_pages(brief: Brief, symbols: bool) -> list[Flowable]:
    """One page per goal: its mean progress and a table of its objectives."""
    story: list[Flowable] = []
    for goal in brief.goals:
        story.append(PageBreak())
        story.append(Text(goal.heading, 15, bold=True, max_lines=3))
        n = len(goal.objectives)
        story.append(
            Text(
                f"Mean progress {percent(goal.progress)} · {n} objective{'s' if n != 1 else ''}",
                10,
                color=MUTED,
                space_after=8,
            )
        )
        story.append(
            _table(
                ["Code", "Objective", "Status", "Progress", "Risk", "Lead", "Latest accomplishments"],
                [
                    [
                        o.code,
                        o.title,
                        status_text(o.status, symbols),
                        percent(o.progress),
                        o.risk_level or "—",
                        o.lead_agency or "—",
                        o.accomplishments or "No accomplishments reported.",
                    ]
                    for o in goal.objectives
                ],
                [0.55, 1.9, 0.95, 0.75, 0.65, 0.6, 2.7],
                size=7.5,
                max_lines=6 if n <= 6 else 4,
                status_column=2,
                statuses=[o.status for o in goal.objectives],
            )
        )
        story += _goal_indicators(goal, brief.quarter, symbols)
    return story


def _goal_indicators(goal: GoalSection, quarter: str, symbols: bool) -> list[Flowable]:
    """The goal's indicators under its objectives, one line each."""
    if not goal.indicators:
        return []
    return [
        Spacer(1, 10),
        Text(f"Indicators in {quarter}: the counted actual against this quarter's target", 10, bold=True),
        _table(
            ["Code", "Indicator", "Actual vs target", "Rating"],
            [[i.code, i.name, i.against, rating_text(i.rating, symbols)] for i in goal.indicators],
            [0.7, 3.4, 1.6, 0.9],
            size=7.5,
            max_lines=2,
            status_column=3,
            statuses=[i.rating for i in goal.indicators],
        ),
    ]


def _attention(brief: Brief, symbols: bool) -> list[Flowable]:
    """The objectives at risk or off track, with their challenges and mitigation."""
    story: list[Flowable] = [
        PageBreak(),
        Text("At risk and off track", 15, bold=True),
        Text(f"{len(brief.attention)} objectives need attention in {brief.quarter}", 10, color=MUTED, space_after=8),
    ]
    if not brief.attention:
        return [*story, Text(f"No objective is at risk or off track in {brief.quarter}.", 11)]
    story.append(
        _table(
            ["Code", "Objective", "Status", "Risk", "Challenges", "Risk and mitigation"],
            [
                [
                    o.code,
                    o.title,
                    status_text(o.status, symbols),
                    o.risk_level or "—",
                    o.challenges or "None reported.",
                    o.mitigation or "None reported.",
                ]
                for o in brief.attention
            ],
            [0.55, 2.0, 0.95, 0.6, 2.2, 2.2],
            size=7.5,
            max_lines=10,
            status_column=2,
            statuses=[o.status for o in brief.attention],
        )
    )
    return story


def _changes(brief: Brief, symbols: bool) -> list[Flowable]:
    """The objectives whose status or risk level moved since the previous quarter."""
    story: list[Flowable] = [
        Spacer(1, 16),
        CondPageBreak(120),
        Text(f"What changed since {brief.previous_quarter}", 15, bold=True),
        Text(
            "Objectives whose status or risk level moved (a missing update is not a change)",
            10,
            color=MUTED,
            space_after=8,
        ),
    ]
    if not brief.changes:
        return [
            *story,
            Text(
                f"No objective changed status or risk level between {brief.previous_quarter} and {brief.quarter}.",
                11,
                max_lines=2,
            ),
        ]
    story.append(
        _table(
            ["Code", "Objective", "Status", "Risk level", "Direction"],
            [
                [
                    c.code,
                    c.title,
                    f"{status_text(c.status_before, symbols)} → {status_text(c.status_now, symbols)}",
                    f"{c.risk_before} → {c.risk_now}",
                    c.direction,
                ]
                for c in brief.changes
            ],
            [0.55, 2.6, 1.9, 1.3, 0.7],
            size=8,
            max_lines=3,
        )
    )
    return story


def _evidence(brief: Brief, symbols: bool) -> list[Flowable]:
    """What the indicators say: those behind their target, then where reports and indicators disagree."""
    found = brief.evidence
    story: list[Flowable] = [PageBreak(), Text("Indicator evidence", 15, bold=True)]
    if not found.indicators:
        return [*story, Text(brief_data.no_indicators(brief.quarter), 11, max_lines=2)]
    story.append(Text(f"{found.summary} in {brief.quarter}", 10, color=MUTED, space_after=8))
    story += [Spacer(1, 4), Text("Behind target", 11, bold=True)]
    titles = {o.code: o.title for o in brief.objectives}
    if found.behind:
        rows = [
            [i.code, i.name, f"{i.objective_code}: {titles.get(i.objective_code, '')}", i.against, i.achieved]
            for i in found.behind
        ]
        story.append(
            _table(
                ["Code", "Indicator", "Objective", "Actual vs target", "Achieved"],
                rows,
                [0.6, 2.0, 2.2, 1.3, 0.75],
                size=7.5,
                max_lines=3,
            )  # fmt: skip
        )
    else:
        story.append(Text(brief_data.none_behind(brief.quarter), 10))
    story += [Spacer(1, 14), CondPageBreak(120), Text("Where reports and indicators disagree", 11, bold=True)]
    if not found.disagreements:
        return [*story, Text(brief_data.none_disagree(brief.quarter), 10, max_lines=2)]
    rows = [
        [f"{d.code}: {d.title}", status_text(d.status, symbols),
         brief_data.agency_words(d.reports, brief.quarter, symbols), d.both]
        for d in found.disagreements
    ]  # fmt: skip
    story.append(
        _table(
            ["Objective", "Status", "What the agencies report", "What the indicators say"],
            rows,
            [1.4, 0.85, 3.0, 1.5],
            size=7.5,
            max_lines=14,
            status_column=1,
            statuses=[d.status for d in found.disagreements],
        )  # fmt: skip
    )
    return story


def _outstanding(brief: Brief) -> list[Flowable]:
    """The expected updates not received: tallies by agency and by working group, then each one."""
    total = len(brief.outstanding)
    story: list[Flowable] = [
        PageBreak(),
        Text("Outstanding reports", 15, bold=True),
        Text(
            f"{total} expected update{'s' if total != 1 else ''} not received for {brief.quarter}",
            10,
            color=MUTED,
            space_after=8,
        ),
    ]
    if not brief.outstanding:
        return [*story, Text(f"Every expected update for {brief.quarter} is in.", 11)]
    for label, tallies in (("Agency", brief.by_agency), ("Working group", brief.by_working_group)):
        story.append(
            KeepTogether(
                [
                    Text(f"By {label.lower()}", 11, bold=True),
                    _table(
                        [label, "Outstanding", "Overdue", "Objectives"],
                        [[t.name, str(t.outstanding), str(t.overdue), t.objectives] for t in tallies],
                        [2.0, 0.9, 0.8, 3.0],
                        size=8,
                        max_lines=3,
                    ),
                    Spacer(1, 10),
                ]
            )
        )
    story += [CondPageBreak(120), Text("In detail", 11, bold=True)]
    story.append(
        _table(
            ["Agency", "Working group", "Objective", "State", "Overdue", "Chair's comment"],
            [
                [o.agency, o.working_group, o.code, o.state, "yes" if o.overdue else "no", o.comment or "—"]
                for o in brief.outstanding
            ],
            [0.8, 1.6, 0.7, 1.0, 0.6, 2.5],
            size=7.5,
            max_lines=4,
        )
    )
    return story


def _appendix_page(o: ObjectiveLine, quarter: str, symbols: bool) -> list[Flowable]:
    """One objective's appendix page: every agency's narratives, then its indicators against target."""
    story: list[Flowable] = [
        PageBreak(),
        Text(f"Appendix · {o.code}: {o.title}", 13, bold=True, max_lines=3),
        Text(
            f"{status_text(o.status, symbols)} · progress {percent(o.progress)} · risk "
            f"{o.risk_level or '—'} · lead {o.lead_agency or '—'} · {quarter}",
            9,
            color=MUTED,
            space_after=8,
        ),
    ]
    if not o.reports:
        story.append(Text(f"No update counted for {quarter}.", 10))
    for r in o.reports:
        story += _agency_report(r, symbols)
    if o.indicators:
        story.append(Text("Indicators against target", 10, bold=True))
        story.append(
            _table(
                ["Indicator", "Baseline", "Target", "Latest"],
                [
                    [
                        i.name,
                        _number(i.baseline, i.unit),
                        _number(i.target, i.unit),
                        f"{_number(i.latest, i.unit)} ({i.latest_quarter})" if i.latest is not None else "—",
                    ]
                    for i in o.indicators
                ],
                [3.0, 1.0, 1.0, 1.6],
                size=8,
                max_lines=2,
            )
        )
    return story


def _agency_report(r: AgencyReport, symbols: bool) -> list[Flowable]:
    return [
        Text(f"{r.agency}: {status_text(r.status, symbols)}, {r.progress}%, {r.risk_level} risk", 10, bold=True),
        _table(
            ["", "Narrative"],
            [
                ["Accomplishments", r.accomplishments or "—"],
                ["Challenges", r.challenges or "—"],
                ["Next steps", r.next_steps or "—"],
                ["Risk and mitigation", r.risk_note or "—"],
            ],
            [1.2, 5.4],
            size=8,
            max_lines=40,
        ),
        Spacer(1, 8),
    ]


_number = quantity
