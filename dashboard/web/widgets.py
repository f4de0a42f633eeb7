"""Small Streamlit pieces the pages share: safe text, charts with their data, flashes and the demo banner.

``plain`` is the one way to put user or document text into an element that renders Markdown.
"""

import re
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import streamlit as st

from dashboard.settings import ROOT
from dashboard.views.charts import Chart
from dashboard.web import cache
from dashboard.web.cache import database_url, demo_rows
from models.scales import NoStatus

OBJECTIVE_PAGE = ROOT / "pages" / "objective.py"
REVIEW_PAGE = ROOT / "pages" / "review.py"

# Display names for the data columns shown in tables (the data keeps its column names).
COLUMN_LABELS: dict[str, str] = {
    "code": "Code",
    "title": "Objective",
    "objective_title": "Objective",
    "status": "Status",
    "risk_level": "Risk level",
    "reports": "Updates in",
    "expected": "Expected",
    "working_group": "Working group",
    "agency": "Agency",
    "role": "Role",
    "quarter": "Quarter",
    "quarter_label": "Quarter",
    "status_before": "Status before",
    "status_now": "Status now",
    "risk_before": "Risk before",
    "risk_now": "Risk now",
    "direction": "Direction",
    "progress": "Progress (%)",
    "author": "Reported by",
    "revision": "Revision",
    "days_late": "Days late",
    "review_comment": "Chair's comment",
    "state": "State",
    "objectives": "Objectives",
    "overdue": "Overdue",
    "goal or objective": "Goal or objective",
    "goal": "Goal",
    "series": "Series",
    "received": "Received",
    "missing": NoStatus.MISSING.label,
    "mission": "Mission",
    "bureau": "Bureau",
    "completeness": "Complete (%)",
    "on_track_share": "On track or completed (%)",
    "high_risk": "High or Critical",
}
# Columns holding long text: shown wide, in rows tall enough (WRAPPED_ROW_HEIGHT) for titles to wrap, not be cut.
WIDE_COLUMNS = {"title", "objective_title", "review_comment", "objectives"}
WIDE_WIDTH = 300
WRAPPED_ROW_HEIGHT = 84  # four lines; Streamlit wraps cell text only in rows taller than 4rem (64 px)
VISIBLE_ROWS = 12  # tables up to this many rows show them all, without an inner scroll


def column_config(columns: Sequence[str], **overrides: Any) -> dict[str, Any]:
    """``st.dataframe`` column settings: a human label for every known column, long-text columns wide."""
    config: dict[str, Any] = {}
    for column in columns:
        label = COLUMN_LABELS.get(column)
        if column in WIDE_COLUMNS:
            config[column] = st.column_config.TextColumn(label or column, width=WIDE_WIDTH)
        elif column == "progress":
            config[column] = st.column_config.NumberColumn(label, format="%d")
        elif label:
            config[column] = label
    config.update(overrides)
    return config


def table_of_links(
    frame: pd.DataFrame,
    targets: Sequence[dict[str, str]],
    *,
    key: str,
    config: dict[str, Any] | None = None,
    page: Path = OBJECTIVE_PAGE,
) -> None:
    """A table whose rows open ``page`` (the Objective page unless told): selecting row i switches to it with
    ``targets[i]``, a link from ``domain.links``.

    Rows are tall enough for long titles to wrap when the table has a long-text column.
    """
    wrapped = bool(WIDE_COLUMNS & set(frame.columns))
    rows = min(max(len(frame), 1), VISIBLE_ROWS)
    event = st.dataframe(
        frame,
        hide_index=True,
        key=key,
        width="stretch",
        height=rows * (WRAPPED_ROW_HEIGHT if wrapped else 35) + 38,
        row_height=WRAPPED_ROW_HEIGHT if wrapped else None,
        column_config=config if config is not None else column_config(list(frame.columns)),
        on_select="rerun",
        selection_mode="single-row",
    )
    picked = event.selection.rows
    if picked and picked[0] < len(targets):
        st.switch_page(page, query_params=targets[picked[0]])


def demo_banner() -> None:
    count = demo_rows(database_url())
    if count:
        st.info(
            f"Demo data: {count:,} of the status updates shown are generated examples, not real reporting.",
            icon=":material/science:",
        )


def _data_table(chart: Chart, key: str) -> None:
    st.dataframe(
        chart.data,
        hide_index=True,
        key=f"{key}_data",
        width="stretch",
        column_config=column_config(list(chart.data.columns)),
    )


def show_chart(chart: Chart, key: str, *, data_on_demand: bool = False, selectable: bool = False) -> list[dict]:
    """A chart with its one-sentence summary and a "view data" table (Section 508).

    ``data_on_demand``: the table is drawn only once asked for (a toggle), which keeps a page with many charts
    light. ``selectable``: a click on a point reruns the page; returns the clicked points (else ``[]``).
    """
    config = {"displaylogo": False}
    if selectable:
        event = st.plotly_chart(
            chart.figure, key=f"{key}_chart", config=config, on_select="rerun", selection_mode="points"
        )
        points = list(event.selection.points) if event else []
    else:
        st.plotly_chart(chart.figure, key=f"{key}_chart", config=config)
        points = []
    st.caption(plain(chart.summary))
    if data_on_demand:
        if st.toggle("View data", key=f"{key}_show_data"):
            _data_table(chart, key)
    else:
        with st.expander("View data"):
            _data_table(chart, key)
    return points


# Characters that make links, autolinks, emphasis, code, HTML, colour or emoji directives, or maths.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|<>~@:$])")
# GitHub-flavoured autolinks (e-mails, www., http://) are found in the text after escapes are resolved, so
# escaping cannot stop them; inside a code span nothing is a link, and the text copies exactly as stored.
# (Trailing punctuation stays outside the span: "… by officer@usaid.gov: returned.")
_AUTOLINK_TOKEN = re.compile(r"[^\s`]*(?:@|\bwww\.|\bhttps?:)[^\s`]*?(?=[.,:;!?)\]]*(?:\s|$))", re.IGNORECASE)


def plain(text: str) -> str:
    """``text`` with Markdown's special characters escaped, for messages and labels that Streamlit renders
    as Markdown but that hold user or database text (e-mails, names, file names): no links, no formatting.

    Reads the same; e-mails and web addresses are shown as code, so they are not turned into links and copy as
    typed.
    """
    out, last = [], 0
    for match in _AUTOLINK_TOKEN.finditer(text):
        out.append(_MARKDOWN_SPECIALS.sub(r"\\\1", text[last : match.start()]))
        out.append(f"`{match.group(0)}`")
        last = match.end()
    out.append(_MARKDOWN_SPECIALS.sub(r"\\\1", text[last:]))
    return "".join(out)


def highlighted(pieces: list[tuple[str, bool]]) -> str:
    """Markdown for search-result text: every piece escaped with ``plain``, the matching ones in bold.

    Line breaks stay line breaks (Markdown would join the lines of a paragraph).
    """
    text = "".join(f"**{plain(piece)}**" if match else plain(piece) for piece, match in pieces)
    return text.replace("\n", "  \n")


def plain_text_block(label: str, text: str) -> None:
    """A labelled block of user or document text, shown as plain text (never Markdown or HTML)."""
    st.markdown(f"**{label}**")
    st.text(text or "—")


def browser_zone() -> tzinfo | None:
    """The reader's time zone, as the browser reports it (``st.context.timezone``); None when it is unknown or not a
    zone this server knows."""
    name = st.context.timezone
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, ZoneInfoNotFoundError):  # the browser sends the name: it may be anything
        return None


def show_flash(flash_key: str) -> None:
    message = st.session_state.pop(flash_key, None)
    if message:
        st.success(plain(message))


def data_time() -> None:
    """The time of the data the page draws, in the sidebar: the last moment the shared caches were found current."""
    as_of = cache.data_as_of(database_url())
    if as_of is not None:
        st.sidebar.caption(f"Data as of {as_of:%d %b %Y %H:%M:%S} UTC")
