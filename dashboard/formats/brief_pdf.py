"""The quarterly brief as a print-ready PDF on US Letter (reportlab), bottom line first.

Page 1 gives the bottom line, then what needs attention and the decisions and actions; then the figures, the
four-quarter trend and what changed; a section per goal; the indicator evidence; the outstanding reports; and, when
asked, the appendix with every agency's words in full. Table rows grow with their text and flow onto the next page,
which repeats the table's header and carries the section's heading ("Goal 2 (continued)"): nothing is cut. Every
page carries the release marking once at its top and once at its bottom, and "Page n of N". Charts are reportlab
vector drawings.
"""

import io

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Circle, Drawing, Line, String
from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

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
from dashboard.formats.brief_pdf_kit import (
    BODY,
    BODY_W,
    PAD,
    BriefDoc,
    heading,
    hex_color,
    labelled,
    numbered_canvas,
    para,
    subline,
    table,
)
from models.scales import NoStatus

_hex = hex_color
# The trend chart's line per goal: distinct, and none of them a status colour.
SERIES_COLORS = ["1F77B4", "FF7F0E", "9467BD", "8C564B", "17BECF", "7F7F7F", "BCBD22", "E377C2"]
ATTENTION_WIDTHS = [1.7, 3.6, 0.95]
WORDS_W = BODY_W * 3.6 / sum(ATTENTION_WIDTHS) - 2 * PAD  # the attention list's words, inside their cell
DIRECTIONS = {"worse": ("▼", "B22222"), "better": ("▲", "1E7B34"), "mixed": ("◆", "B8860B")}


def _bar_chart(
    data: ChartData,
    width: float,
    height: float,
    statuses: dict[str, str],
    palette: dict[str, str] = STATUS_COLORS,
    none: str = "no update",
) -> Drawing:
    """Horizontal bars, one per category, coloured by status (goals in grey; by rating with ``palette``), value
    labels at the bar end."""
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
    shown = [percent(v, none=none) if "%" in data.title else whole(v) for v in data.series[0].values]
    chart.barLabelFormat = "values"
    chart.barLabelArray = [list(reversed(shown))]
    chart.barLabels.fontName = fonts.regular
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    for i, category in enumerate(reversed(data.categories)):
        chart.bars[(0, i)].fillColor = _hex(palette.get(statuses.get(category, category), "4D4D4D"))
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


def _trend_chart(data: ChartData, width: float, height: float) -> Drawing:
    """A line per goal over four quarters, a dot at each figure, with its key; a quarter without a figure is a gap
    in its line, never 0%."""
    fonts = brief_text.fonts()
    drawing = Drawing(width, height)
    title = brief_text.clip(data.title, size=10, box_width=width, bold=True)
    drawing.add(String(0, height - 12, title, fontName=fonts.bold, fontSize=10))
    key_w, left, bottom = 150.0, 30.0, 22.0
    plot_w, plot_h = width - key_w - left - 20, height - 50
    n = max(1, len(data.categories))
    x_at = [left + plot_w * (i + 0.5) / n for i in range(n)]
    for tick in (0, 25, 50, 75, 100):
        y = bottom + plot_h * tick / 100
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=colors.HexColor("#DDDDDD"), strokeWidth=0.5))
        drawing.add(String(left - 4, y - 3, f"{tick}%", fontName=fonts.regular, fontSize=8, textAnchor="end"))
    for x, label in zip(x_at, data.categories, strict=False):
        drawing.add(String(x, bottom - 12, label, fontName=fonts.regular, fontSize=8, textAnchor="middle"))
    for i, series in enumerate(data.series):
        colour = _hex(SERIES_COLORS[i % len(SERIES_COLORS)])
        points = [
            (x, bottom + plot_h * v / 100 if v is not None else None) for x, v in zip(x_at, series.values, strict=False)
        ]
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            if y0 is not None and y1 is not None:
                drawing.add(Line(x0, y0, x1, y1, strokeColor=colour, strokeWidth=2))
        for x, y in points:
            if y is not None:
                drawing.add(Circle(x, y, 2.5, fillColor=colour, strokeColor=colour))
    legend = Legend()
    legend.x, legend.y = width - key_w + 10, height - 30
    legend.fontName, legend.fontSize = fonts.regular, 9
    legend.alignment = "right"
    legend.columnMaximum = 12
    legend.colorNamePairs = [(_hex(SERIES_COLORS[i % len(SERIES_COLORS)]), s.name) for i, s in enumerate(data.series)]
    drawing.add(legend)
    return drawing


def write(brief: Brief) -> bytes:
    """The brief as PDF bytes on US Letter, portrait."""
    symbols = brief_text.fonts().symbols
    out = io.BytesIO()
    story: list[Flowable] = [
        *_front(brief),
        *_attention(brief, symbols),
        *_actions(brief, symbols),
        *_headline(brief, symbols),
        *_changes(brief, symbols),
        *_goal_pages(brief, symbols),
        *_evidence(brief, symbols),
        *_outstanding(brief),
    ]
    if brief.appendix:
        for o in brief.objectives:
            story += _appendix_page(o, brief.quarter, symbols)
    doc = BriefDoc(out, brief)
    doc.build(story, canvasmaker=numbered_canvas(brief, doc))
    return out.getvalue()


def prepared(brief: Brief) -> str:
    """ "Prepared 23 November 2026 by someone@example.gov", "… as an automated report", "… by a visitor …"."""
    maker = brief.prepared_for
    how = "as an" if maker == "automated report" else "by"
    return f"Prepared {brief.generated_on:%d %B %Y} {how} {maker}"


def _front(brief: Brief) -> list[Flowable]:
    """The title, who made it and for what scope, then the bottom line."""
    story: list[Flowable] = [
        para("Integrated Country Strategy: quarterly review", 12, color="555555"),
        Spacer(1, 2),
        para(f"{brief.mission} — {brief.post}: {brief.quarter} review brief", 20, bold=True),
        Spacer(1, 4),
        para(f"{prepared(brief)} · {brief.scope}", BODY, color="555555"),
        Spacer(1, 14),
        *heading("Bottom line", 15, section="Bottom line"),
    ]
    for sentence in brief.bluf or (f"No figures for {brief.quarter}.",):
        story += [para(sentence, 11, rich="•&nbsp;&nbsp;"), Spacer(1, 4)]
    return story


def _progress(o: ObjectiveLine) -> str:
    """An objective's progress: "No update" when none counted (never "0%")."""
    if o.status == NoStatus.NO_UPDATE.value or o.progress is None:
        return NoStatus.NO_UPDATE.value
    return f"{percent(o.progress)} progress"


def _objective_cell(o: ObjectiveLine, symbols: bool) -> str:
    risk = f" · {o.risk_level} risk" if o.risk_level else ""
    return f"{o.code}: {o.title}\n{status_text(o.status, symbols)}{risk}"


def _attention(brief: Brief, symbols: bool) -> list[Flowable]:
    """Off track then at risk, Critical first: each objective's challenges, mitigation and next steps, its owner."""
    n = len(brief.attention)
    story: list[Flowable] = [
        Spacer(1, 12),
        *heading("What needs attention", 15, section="What needs attention"),
    ]
    if not brief.attention:
        return [*story, para(f"No objective is at risk or off track in {brief.quarter}.", 11)]
    story += subline(f"{n} objective{'s' * (n != 1)} off track or at risk in {brief.quarter}, the most serious first")
    steps: dict[str, list[str]] = {}
    for a in brief.actions:
        if a.kind == "Next step":
            steps.setdefault(a.code, []).append(a.text)
    rows = []
    for o in brief.attention:
        words = [("Challenges", o.challenges or "none reported."), ("Mitigation", o.mitigation or "none reported.")]
        words += [("Next steps", " ".join(steps[o.code]))] if o.code in steps else []
        rows.append([_objective_cell(o, symbols), labelled(words, WORDS_W), o.lead_agency or "—"])
    story.append(
        table(
            ["Objective", "Challenges, mitigation and next steps", "Owner (lead)"],
            rows,
            ATTENTION_WIDTHS,
            status_column=0,
            statuses=[o.status for o in brief.attention],
        )
    )
    return story


def _actions(brief: Brief, symbols: bool) -> list[Flowable]:
    """The decisions and actions for the quarter ahead, each with the agencies that own it."""
    quarters = list(dict.fromkeys(a.quarter for a in brief.actions))
    title = f"Decisions and actions for {quarters[0]}" if len(quarters) == 1 else "Decisions and actions"
    story: list[Flowable] = [Spacer(1, 14), *heading(title, 15, section="Decisions and actions")]
    if not brief.actions:
        return [*story, para("No next step or mitigation was reported for the objectives that need attention.")]
    several = len(quarters) > 1  # a quarter column only when the actions are not all for one quarter
    header = ["Objective", "Action", "Owner"] + (["Quarter"] if several else [])
    widths = [1.0, 4.1, 1.2] + ([0.9] if several else [])
    action_w = BODY_W * widths[1] / sum(widths) - 2 * PAD
    rows = [
        [f"{a.code}\n{status_text(a.status, symbols)}", labelled([(a.kind, a.text)], action_w), a.owner]
        + ([a.quarter] if several else [])
        for a in brief.actions
    ]
    return [*story, table(header, rows, widths, status_column=0, statuses=[a.status for a in brief.actions])]


def _headline(brief: Brief, symbols: bool) -> list[Flowable]:
    """The headline figures and the four-quarter trend per goal."""
    story: list[Flowable] = [
        PageBreak(),
        *heading("Headline figures and trend", 15, section="Headline figures and trend"),
        *subline(f"{brief.quarter}, with the change since {brief.previous_quarter}"),
        table(
            ["Figure", "Now", f"Change since {brief.previous_quarter}"],
            [
                [status_text(f.label, symbols) if f.label in STATUS_COLORS else f.label, f.value, f.change]
                for f in brief.figures
            ],
            [2.2, 1.2, 3.2],
        ),
        Spacer(1, 12),
    ]
    if brief.trend_chart is not None:
        height = max(170.0, 60 + 14.0 * len(brief.trend_chart.series))
        story += [CondPageBreak(height + 30), _trend_chart(brief.trend_chart, BODY_W, height)]
        story += [para(brief.trend_chart.summary, BODY, color="555555"), Spacer(1, 10)]
    return story


def _direction(direction: str) -> str:
    symbol, colour = DIRECTIONS.get(direction, ("", "555555"))
    return f'<font color="#{colour}"><b>{symbol} {direction}</b></font>'


def _changes(brief: Brief, symbols: bool) -> list[Flowable]:
    """The objectives whose status or risk level moved since the previous quarter, worse first; then the overview's
    charts."""
    story: list[Flowable] = [Spacer(1, 6)]
    title = f"What changed since {brief.previous_quarter}"
    if not brief.changes:
        story += heading(title, 13, space=3)
        story.append(para(f"No objective changed status or risk level since {brief.previous_quarter}."))
    else:
        story += heading(title, 13, section=title)
        story += subline("Worse first; a missing update is not a change")
        rows = [
            [
                para("", width=1, rich=_direction(c.direction)),
                f"{c.code}: {c.title}",
                f"{status_text(c.status_before, symbols)} → {status_text(c.status_now, symbols)}",
                f"{c.risk_before} → {c.risk_now}",
            ]
            for c in brief.changes
        ]
        story.append(table(["Direction", "Objective", "Status", "Risk level"], rows, [0.95, 2.7, 1.9, 1.3]))
    return story + _charts(brief)


def _charts(brief: Brief) -> list[Flowable]:
    title = "Progress, status and risk by goal"
    story: list[Flowable] = [PageBreak(), *heading(title, 15, section=title)]
    statuses = {o.code: o.status for o in brief.objectives}
    goal_h = min(560.0, 60 + 13.0 * len(brief.goal_chart.categories))
    story.append(_bar_chart(brief.goal_chart, BODY_W, goal_h, statuses))
    story += [para(brief.goal_chart.summary, BODY, color="555555"), Spacer(1, 10)]
    half = (BODY_W - 12) / 2
    pair = Table(
        [[_bar_chart(brief.status_chart, half, 180, {}), _risk_chart(brief.risk_chart, half, 180)]],
        colWidths=[half + 6, half + 6],
        style=TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]),
    )
    return [*story, CondPageBreak(210), pair, para(brief.status_chart.summary, BODY, color="555555")]


def _goal_pages(brief: Brief, symbols: bool) -> list[Flowable]:
    """A section per goal: its mean progress and its objectives, rows as tall as their words, then its
    indicators against target."""
    story: list[Flowable] = []
    for goal in brief.goals:
        n = len(goal.objectives)
        story += [PageBreak(), *heading(goal.heading, 15, section=goal.heading.split(":")[0])]
        story += subline(f"Mean progress {percent(goal.progress)} · {n} objective{'s' * (n != 1)}")
        rows = [
            [
                f"{o.code}: {o.title}",
                f"{status_text(o.status, symbols)}\n{_progress(o)}"
                + (f"\n{o.risk_level} risk" if o.risk_level else ""),
                o.lead_agency or "—",
                o.accomplishments or "No accomplishments reported.",
            ]
            for o in goal.objectives
        ]
        story.append(
            table(
                ["Objective", "Status", "Lead", "Latest accomplishments (lead agency first)"],
                rows,
                [1.9, 1.15, 0.95, 3.3],
                status_column=1,
                statuses=[o.status for o in goal.objectives],
            )
        )
        story += _goal_indicators(goal, brief.quarter, symbols)
    return story


def _goal_indicators(goal: GoalSection, quarter: str, symbols: bool) -> list[Flowable]:
    """The goal's indicators under its objectives, each against this quarter's target."""
    data = brief_data.indicator_chart_data(goal, quarter)
    if data is None:
        return []
    ratings = {i.code: i.rating for i in goal.indicators}
    chart = _bar_chart(data, BODY_W, 50 + 18 * len(goal.indicators), ratings, RATING_COLORS, "no value")
    title = heading(f"Indicators in {quarter}: the counted actual against this quarter's target", 11, space=4)
    return [
        Spacer(1, 10),
        KeepTogether([*title, chart]),  # the heading never ends a page alone
        Spacer(1, 6),
        table(
            ["Code", "Indicator", "Actual vs target", "Rating"],
            [[i.code, i.name, i.against, rating_text(i.rating, symbols)] for i in goal.indicators],
            [0.7, 3.3, 1.6, 1.0],
            status_column=3,
            statuses=[i.rating for i in goal.indicators],
        ),
    ]


def _evidence(brief: Brief, symbols: bool) -> list[Flowable]:
    """What the indicators say: those behind their target, then where reports and indicators disagree."""
    found = brief.evidence
    story: list[Flowable] = [PageBreak(), *heading("Indicator evidence", 15, section="Indicator evidence")]
    if not found.indicators:
        return [*story, para(brief_data.no_indicators(brief.quarter), 11)]
    story += subline(f"{found.summary} in {brief.quarter}")
    story += heading("Behind target", 11, space=3)
    titles = {o.code: o.title for o in brief.objectives}
    if found.behind:
        rows = [
            [i.code, i.name, f"{i.objective_code}: {titles.get(i.objective_code, '')}", i.against, i.achieved]
            for i in found.behind
        ]
        story.append(table(["Code", "Indicator", "Objective", "Actual vs target", "Achieved"], rows,
                           [0.6, 2.0, 2.2, 1.3, 0.8]))  # fmt: skip
    else:
        story.append(para(brief_data.none_behind(brief.quarter)))
    story += [Spacer(1, 14), *heading("Where reports and indicators disagree", 11, space=3)]
    if not found.disagreements:
        return [*story, para(brief_data.none_disagree(brief.quarter))]
    rows = [
        [f"{d.code}: {d.title}", status_text(d.status, symbols),
         brief_data.agency_words(d.reports, brief.quarter, symbols), d.both]
        for d in found.disagreements
    ]  # fmt: skip
    story.append(
        table(
            ["Objective", "Status", "What the agencies report", "What the indicators say"],
            rows,
            [1.4, 0.95, 3.0, 1.5],
            status_column=1,
            statuses=[d.status for d in found.disagreements],
        )
    )
    return story


def late(days: int, overdue: bool) -> str:
    """ "34 days late", "1 day late", "not yet due"."""
    return f"{days} day{'s' * (days != 1)} late" if overdue and days > 0 else ("late" if overdue else "not yet due")


def _outstanding(brief: Brief) -> list[Flowable]:
    """The expected updates not received: tallies by agency and by working group, then each one with its days
    late. With none outstanding, one line under the evidence."""
    total = len(brief.outstanding)
    if not brief.outstanding:
        return [Spacer(1, 14), *heading("Outstanding reports", 13, space=3),
                para(f"Every expected update for {brief.quarter} is in.")]  # fmt: skip
    story: list[Flowable] = [PageBreak(), *heading("Outstanding reports", 15, section="Outstanding reports")]
    story += subline(f"{total} expected update{'s' * (total != 1)} not received for {brief.quarter}")
    for label, tallies in (("Agency", brief.by_agency), ("Working group", brief.by_working_group)):
        same = all(t.outstanding == t.overdue for t in tallies)
        header = [label, "Outstanding (all overdue)" if same else "Outstanding"] + ([] if same else ["Overdue"])
        rows = [[t.name, str(t.outstanding)] + ([] if same else [str(t.overdue)]) + [t.objectives] for t in tallies]
        widths = [2.0, 1.1] + ([] if same else [0.8]) + [3.0]
        story += [*heading(f"By {label.lower()}", 11, space=3), table([*header, "Objectives"], rows, widths)]
        story.append(Spacer(1, 10))
    comments = any(o.comment.strip() for o in brief.outstanding)
    header = ["Agency", "Working group", "Code", "State", "Late"] + (["Chair's comment"] if comments else [])
    rows = [
        [o.agency, o.working_group, o.code, o.state, late(o.days_late, o.overdue)]
        + ([o.comment or "—"] if comments else [])
        for o in brief.outstanding
    ]
    widths = [1.0, 2.0, 0.8, 1.1, 1.1] + ([2.3] if comments else [])
    return [*story, *heading("In detail", 11, space=3), table(header, rows, widths)]


def _appendix_page(o: ObjectiveLine, quarter: str, symbols: bool) -> list[Flowable]:
    """One objective's appendix: every agency's narratives in full, the lead agency first, then its indicators
    against target."""
    story: list[Flowable] = [
        PageBreak(),
        *heading(f"Appendix · {o.code}: {o.title}", 13, section=f"Appendix, objective {o.code}", space=3),
        *subline(
            f"{status_text(o.status, symbols)} · {_progress(o)} · risk {o.risk_level or '—'} · "
            f"lead {o.lead_agency or '—'} · {quarter}"
        ),
    ]
    if not o.reports:
        story.append(para(f"No update counted for {quarter}."))
    for r in o.reports:
        story += _agency_report(r, symbols, lead=r.agency == o.lead_agency)
    if o.indicators:
        story += heading("Indicators against target", 11, space=3)
        rows = [
            [i.name, quantity(i.baseline, i.unit), quantity(i.target, i.unit),
             f"{quantity(i.latest, i.unit)} ({i.latest_quarter})" if i.latest is not None else "—"]
            for i in o.indicators
        ]  # fmt: skip
        story.append(table(["Indicator", "Baseline", "Target", "Latest"], rows, [3.0, 1.0, 1.0, 1.6]))
    return story


def _agency_report(r: AgencyReport, symbols: bool, lead: bool) -> list[Flowable]:
    role = " (lead)" if lead else ""
    return [
        *heading(
            f"{r.agency}{role}: {status_text(r.status, symbols)}, {r.progress}%, {r.risk_level} risk", 11, space=3
        ),
        table(
            ["", "Narrative"],
            [
                ["Accomplishments", r.accomplishments or "—"],
                ["Challenges", r.challenges or "—"],
                ["Next steps", r.next_steps or "—"],
                ["Risk and mitigation", r.risk_note or "—"],
            ],
            [1.25, 5.35],
        ),
        Spacer(1, 8),
    ]
