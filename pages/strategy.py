"""Strategy page: goals, their objectives, and each objective's justification, linkages and risks."""

import streamlit as st

from dashboard.domain import search
from dashboard.web import cache, gate, widgets

st.title("Integrated Country Strategy")
_, mission_id = gate.require("strategy")

mission = cache.missions(cache.database_url()).set_index("mission_id").loc[mission_id]
st.caption(
    widgets.plain(f"{mission['post']}, {mission['country']}")
    + f" · strategy {mission['strategy_start']}–{mission['strategy_end']}"
    + (f" · approved {mission['approved_on']}" if mission["approved_on"] else "")
    + (f" · updated {mission['updated_on']}" if mission["updated_on"] else "")
)

frame = cache.strategy_texts(cache.database_url(), mission_id)
query = st.text_input("Search the strategy", key="strategy_search", placeholder="e.g. corruption, climate, 2.1")
shown = search.search_strategy(frame, query)
if shown.empty:
    st.info(f"No objective mentions “{query}”. Try fewer or other words.")
    st.stop()
if query.strip():
    st.caption(f"{len(shown)} of {len(frame)} objectives match.")

for (goal_code, goal_title), objectives in shown.groupby(["goal_code", "goal_title"], sort=False):
    heading = "Management objectives" if goal_code == "M" else f"Mission Goal {goal_code}"
    st.header(heading)
    if goal_code != "M":
        st.subheader(widgets.plain(goal_title), anchor=False)
        description = objectives["goal_description"].iloc[0]
        if description:
            with st.expander("Goal description"):
                st.text(description)
    for row in objectives.itertuples():
        with st.expander(widgets.plain(f"Objective {row.code}: {row.title}"), expanded=bool(query.strip())):
            for label, text in (("Justification", row.justification), ("Linkages", row.linkages), ("Risks", row.risks)):
                st.markdown(f"**{label}**")
                st.text(text or "—")
