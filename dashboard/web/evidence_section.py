"""The Overview's Evidence section: indicators by rating per goal, and where reports and indicators disagree."""

import streamlit as st

from dashboard.domain import links
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.views import charts, evidence
from dashboard.web import cache, widgets


def overview_evidence(mission_id: int, quarter: FiscalQuarter) -> None:
    st.header("What the indicators say")
    found = cache.evidence(cache.database_url(), mission_id, quarter)
    chart = charts.evidence_by_goal_chart(evidence.by_goal(found))
    widgets.show_chart(chart, key="ov_evidence", data_on_demand=True)
    # Below the chart, full width: each line holds both sides' words, and a narrow column cut them short.
    with st.container():
        st.subheader("Reports and indicators disagree", anchor=False)
        rows = evidence.disagreement_rows(found)
        if rows.empty:
            st.success(f"In {quarter.label} no objective's reported status disagrees with its indicators.")
            return
        for code, both in zip(rows["code"], rows["both"], strict=True):
            st.page_link(
                "../pages/objective.py",
                label=f"{code}: {both}",
                query_params=links.objective_link(code, quarter, mission_id),
                icon=":material/compare_arrows:",
            )
        st.caption("Each opens the objective with its indicators, for the chair and the front office to ask why.")
