"""Objective page: the ICS text, the timeline, each agency's latest update, narratives and indicators."""

import pandas as pd
import streamlit as st

from dashboard.domain import aggregation
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.views import charts
from dashboard.web import cache, sidebar, widgets

st.title("Objective")
filters, view = sidebar.filtered_view("obj")
quarter = view.quarter
retired = cache.retired_history(cache.database_url(), int(filters.mission_id or 0))
if not retired.empty:
    codes = ", ".join(dict.fromkeys(retired["code"]))
    with st.expander(widgets.plain(f"Retired objectives ({codes}): no longer in the ICS, history kept")):
        st.dataframe(retired, hide_index=True, key="obj_retired", width="stretch")
if view.as_of.empty:
    st.info("No objective of this mission has agencies yet: an admin sets them on the Admin page.")
    st.stop()

options = list(view.as_of["objective_id"])
titles = dict(zip(view.as_of["objective_id"], view.as_of["code"] + " · " + view.as_of["title"], strict=True))
objective_id = st.selectbox("Objective", options, format_func=lambda i: titles[i][:140], key="obj_pick")
row = view.as_of.set_index("objective_id").loc[objective_id]
strategy = (
    cache.strategy_texts(cache.database_url(), int(filters.mission_id or 0)).set_index("objective_id").loc[objective_id]
)

st.header(f"Objective {row['code']}", anchor=False)
st.subheader(row["title"], anchor=False)
status = row["status"]
c1, c2, c3, c4 = st.columns(4)
c1.metric(f"Status, {quarter.label}", f"{charts.STATUS_SYMBOLS.get(status, '')} {status}")
c2.metric("Progress", "—" if pd.isna(row["progress"]) else f"{row['progress']:.0f}%")
c3.metric("Risk level", row["risk_level"] if isinstance(row["risk_level"], str) else "—")
c4.metric("Updates received", f"{row['reports']} of {row['expected']}")

with st.expander("ICS text: justification, linkages and risks"):
    widgets.plain_text_block("Goal", f"{strategy['goal_title']}")
    widgets.plain_text_block("Justification", strategy["justification"])
    widgets.plain_text_block("Linkages", strategy["linkages"])
    widgets.plain_text_block("Risks", strategy["risks"])

history = aggregation.objective_history(view.expected, view.updates, objective_id)
widgets.show_chart(charts.objective_timeline_chart(history), key="obj_timeline")

st.header("Latest update from each agency", anchor=False)
latest = aggregation.latest_by_agency(view.updates, view.expected, objective_id)
st.dataframe(
    latest[["agency", "role", "quarter", "status", "progress", "risk_level", "author"]],
    hide_index=True,
    key="obj_latest",
    width="stretch",
)

st.header("Indicators", anchor=False)
indicator_rows = cache.indicators(cache.database_url(), (int(objective_id),))
if indicator_rows.empty:
    st.info("This objective has no indicators yet.")
for indicator_id, part in indicator_rows.groupby("indicator_id", sort=False):
    first = part.iloc[0]
    values = part.dropna(subset=["value"])
    values = values.assign(
        quarter=[
            FiscalQuarter(int(y), int(q)).label for y, q in zip(values["fiscal_year"], values["quarter"], strict=True)
        ]
    )[["quarter", "value"]]
    widgets.show_chart(
        charts.indicator_chart(first["name"], first["unit"], float(first["baseline"]), float(first["target"]), values),
        key=f"obj_ind_{indicator_id}",
    )

st.header("History of narratives", anchor=False)
narratives = aggregation.narrative_history(view.updates, view.expected, objective_id)
if narratives.empty:
    st.info("No narratives reported in this period.")
for item in narratives.head(40).itertuples():
    with st.expander(f"{item.quarter} · {item.agency} · {item.status}, {item.progress}% · {item.risk_level} risk"):
        widgets.plain_text_block("Accomplishments", item.accomplishments)
        widgets.plain_text_block("Challenges", item.challenges)
        widgets.plain_text_block("Next steps", item.next_steps)
        widgets.plain_text_block("Risk and mitigation", item.risk_note)
        st.caption(f"Reported by {item.author} · revision {item.revision}")
if len(narratives) > 40:
    st.caption(f"Showing the newest 40 of {len(narratives)}; narrow the quarters in the sidebar to see older ones.")
