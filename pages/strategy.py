"""Strategy page: goals, their objectives, and each objective's justification, linkages and risks.

A search lists the matching objectives, those whose code or title matches first, with every match in bold.
"""

from datetime import date

import streamlit as st

from dashboard.domain import search
from dashboard.views import strategy_history
from dashboard.web import cache, gate, widgets

SECTIONS = (("Justification", "justification"), ("Linkages", "linkages"), ("Risks", "risks"))

st.title("Integrated Country Strategy")
_, mission_id = gate.require("strategy")

mission = cache.missions(cache.database_url()).set_index("mission_id").loc[mission_id]
st.caption(
    widgets.plain(
        f"{mission['post']}, {mission['country']} · strategy {mission['strategy_start']}–{mission['strategy_end']}"
        + (f" · approved {mission['approved_on']}" if mission["approved_on"] else "")
        + (f" · updated {mission['updated_on']}" if mission["updated_on"] else "")
    )
)

frame = cache.strategy_texts(cache.database_url(), mission_id)
versions = cache.strategy_versions(cache.database_url(), mission_id)
when = st.date_input(
    "As it stood on", value=date.today(), max_value=date.today(), key="strategy_on", format="YYYY-MM-DD"
)
if (version := strategy_history.version_on(versions, when)) is not None:
    st.caption(widgets.plain(strategy_history.version_note(version, when, versions)))
    if version is not versions[-1]:  # an earlier version: its texts, in place of today's
        frame = strategy_history.frame_of(version, frame)
query = st.text_input("Search the strategy", key="strategy_search", placeholder="e.g. corruption, climate, 2.1")
words = search.query_words(query)
shown = search.search_strategy(frame, query)
if shown.empty:
    st.info(f"No objective mentions “{widgets.plain(query.strip())}”. Try fewer or other words.")
    st.stop()

if words:
    st.caption(f"{len(shown)} of {len(frame)} objectives match; those with a match in their title come first.")
    st.header("Search results", anchor=False)
    for row in shown.itertuples():
        title = widgets.highlighted(search.segments(f"{row.code}: {row.title}", words))
        with st.expander(f"Objective {title}", expanded=True):
            goal = "Management" if row.goal_code == "M" else f"Mission Goal {row.goal_code}: {row.goal_title}"
            st.markdown(widgets.highlighted(search.segments(goal, words)))
            for label, column in SECTIONS:
                st.markdown(f"**{label}**")
                st.markdown(widgets.highlighted(search.segments(getattr(row, column), words)) or "—")
    st.stop()

for (goal_code, goal_title), objectives in shown.groupby(["goal_code", "goal_title"], sort=False):
    heading = "Management objectives" if goal_code == "M" else f"Mission Goal {goal_code}"
    st.header(heading, anchor=False)
    if goal_code != "M":
        st.subheader(widgets.plain(goal_title), anchor=False)
        description = objectives["goal_description"].iloc[0]
        if description:
            with st.expander("Goal description"):
                st.text(description)
    for row in objectives.itertuples():
        with st.expander(f"Objective {row.code}: {widgets.plain(row.title)}"):
            for label, column in SECTIONS:
                widgets.plain_text_block(label, getattr(row, column))
