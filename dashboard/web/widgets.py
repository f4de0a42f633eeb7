"""Small Streamlit pieces the pages share: safe text, charts with their data, flashes and the demo banner.

``plain`` is the one way to put user or document text into an element that renders Markdown.
"""

import re

import streamlit as st

from dashboard.views.charts import Chart
from dashboard.web.cache import database_url, demo_rows

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
    "status_before": "Status before",
    "status_now": "Status now",
    "risk_before": "Risk before",
    "risk_now": "Risk now",
    "direction": "Direction",
    "progress": "Progress (%)",
    "objectives": "Objectives",
    "goal or objective": "Goal or objective",
    "goal": "Goal",
    "series": "Series",
    "received": "Received",
    "missing": "Missing",
    "mission": "Mission",
    "bureau": "Bureau",
    "completeness": "Complete (%)",
    "on_track_share": "On track or completed (%)",
    "high_risk": "High or Critical",
}


def demo_banner() -> None:
    count = demo_rows(database_url())
    if count:
        st.info(
            f"Demo data: {count:,} of the status updates shown are generated examples, not real reporting.",
            icon=":material/science:",
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
    st.caption(chart.summary)
    if data_on_demand:
        if st.toggle("View data", key=f"{key}_show_data"):
            st.dataframe(chart.data, hide_index=True, key=f"{key}_data", width="stretch", column_config=COLUMN_LABELS)
    else:
        with st.expander("View data"):
            st.dataframe(chart.data, hide_index=True, key=f"{key}_data", width="stretch")
    return points


# Characters that make links, autolinks, emphasis, code, HTML, colour or emoji directives, or maths.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|<>~@:$])")


def plain(text: str) -> str:
    """``text`` with Markdown's special characters escaped, for messages and labels that Streamlit renders
    as Markdown but that hold user or database text (e-mails, names, file names): no links, no formatting."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def plain_text_block(label: str, text: str) -> None:
    """A labelled block of user or document text, shown as plain text (never Markdown or HTML)."""
    st.markdown(f"**{label}**")
    st.text(text or "—")


def show_flash(flash_key: str) -> None:
    message = st.session_state.pop(flash_key, None)
    if message:
        st.success(plain(message))
