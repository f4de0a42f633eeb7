"""Objective page: the ICS text, the timeline, each agency's latest update, narratives and indicators.

Opens the objective named by a single ``objective`` query parameter (its code) as of the quarter ``to``:
``?mission=1&objective=2.1&to=2026Q4`` (``links.objective_link``), the target of every drill-down.
"""

from datetime import date

import streamlit as st

from dashboard.domain import aggregation
from dashboard.domain.numbers import percent
from dashboard.views import charts, evidence, strategy_history
from dashboard.web import cache, sidebar, widgets

LINKED_KEY = "obj_linked_code"  # the objective this page last put in the URL

# A single objective in the URL names the objective to open; it is not a sidebar filter here.
linked_codes = st.query_params.get_all("objective")
linked = linked_codes[0] if len(linked_codes) == 1 else None
if linked is not None:
    del st.query_params["objective"]

st.title("Objective")
filters, view = sidebar.filtered_view("obj")
quarter = view.quarter
retired = cache.retired_history(cache.database_url(), int(filters.mission_id or 0))
if not retired.empty:
    codes = ", ".join(dict.fromkeys(retired["code"]))
    with st.expander(widgets.plain(f"Retired objectives ({codes}): no longer in the ICS, history kept")):
        st.caption("Each was owed up to the quarter in Owed until, and is no longer owed after it.")
        st.dataframe(
            retired,
            hide_index=True,
            key="obj_retired",
            width="stretch",
            column_config={"owed_until": "Owed until"},
        )
if view.as_of.empty:
    st.info("No objective of this mission has agencies yet: an admin sets them on the Admin page.")
    st.stop()

options = list(view.as_of["objective_id"])
ids_by_code = dict(zip(view.as_of["code"], view.as_of["objective_id"], strict=True))
titles = dict(zip(view.as_of["objective_id"], view.as_of["code"] + " · " + view.as_of["title"], strict=True))
if linked is not None and linked != st.session_state.get(LINKED_KEY):
    if linked in ids_by_code:
        st.session_state["obj_pick"] = ids_by_code[linked]
    else:
        st.warning(f"Objective {widgets.plain(linked)} is not in this strategy or these filters.")
objective_id = st.selectbox("Objective", options, format_func=lambda i: titles[i][:140], key="obj_pick")
row = view.as_of.set_index("objective_id").loc[objective_id]
st.session_state[LINKED_KEY] = str(row["code"])
st.query_params["objective"] = str(row["code"])  # the address names the objective shown
strategy = (
    cache.strategy_texts(cache.database_url(), int(filters.mission_id or 0)).set_index("objective_id").loc[objective_id]
)

st.header(f"Objective {row['code']}", anchor=False)
st.subheader(widgets.plain(row["title"]), anchor=False)
status = row["status"]
# The status word is the longest figure ("✓ Completed"): it gets the widest column so it is never cut at 1024 px.
c1, c2, c3, c4 = st.columns([2.2, 1, 1, 1.3])
c1.metric(f"Status, {quarter.label}", f"{charts.STATUS_SYMBOLS.get(status, '')} {status}")
c2.metric("Progress", percent(row["progress"]))
c3.metric("Risk level", row["risk_level"] if isinstance(row["risk_level"], str) else "—")
c4.metric("Updates received", f"{row['reports']} of {row['expected']}")

versions = cache.strategy_versions(cache.database_url(), int(filters.mission_id or 0))
stood = strategy_history.version_on(versions, min(quarter.end, date.today()))
texts, goal_title = strategy_history.objective_texts(stood, str(row["code"]), strategy)
with st.expander(f"ICS text as it stood at the end of {quarter.label}: justification, linkages and risks"):
    if stood is not None:
        st.caption(widgets.plain(strategy_history.version_note(stood, quarter.end, versions)))
    widgets.plain_text_block("Goal", goal_title)
    for name, label in strategy_history.FIELDS[1:]:
        widgets.plain_text_block(label, texts[name])
if changes := strategy_history.objective_changes(versions, str(row["code"])):
    with st.expander(f"How the text changed: {len(changes)} change{'s' * (len(changes) != 1)} across versions"):
        for change in changes:
            st.markdown(
                widgets.plain(f"{change.field}, version {change.version} ({change.recorded_at}, {change.actor})")
            )
            st.code(change.diff, language="diff", wrap_lines=True)

history = aggregation.objective_history(view.expected, view.updates, objective_id)
widgets.show_chart(charts.objective_timeline_chart(history), key="obj_timeline")

st.header("Latest update from each agency", anchor=False)
latest = aggregation.latest_by_agency(view.updates, view.expected, objective_id, quarter)
latest_columns = ["agency", "role", "as_of_quarter", "quarter", "status", "progress", "risk_level", "author"]
st.dataframe(
    latest[latest_columns],
    hide_index=True,
    key="obj_latest",
    width="stretch",
    column_config=widgets.column_config(latest_columns, as_of_quarter=quarter.label, quarter="Latest quarter"),
)

st.header("Indicators", anchor=False)
url, mission_id = cache.database_url(), int(filters.mission_id or 0)
found = cache.evidence(url, mission_id, quarter)
indicator_panels = evidence.panels(
    found, cache.indicator_sheets(url, mission_id), cache.indicator_targets(url, mission_id),
    cache.indicator_actuals(url, mission_id), int(objective_id),
)  # fmt: skip
if not indicator_panels:
    st.info("This objective has no indicators yet.")
for panel in indicator_panels:
    widgets.show_chart(panel.chart, key=f"obj_ind_{panel.indicator_id}")
    with st.expander("Reference sheet"):
        for label, text in panel.sheet:
            widgets.plain_text_block(label, text)

st.header("Narratives", anchor=False)
narratives = aggregation.narrative_history(view.updates, view.expected, objective_id)
if narratives.empty:
    st.info("No narratives reported in this period.")
else:
    newest = narratives["quarter"].iloc[0]
    latest_narratives = narratives[narratives["quarter"] == newest]
    st.subheader(f"Latest: {newest}", anchor=False)
    for item in latest_narratives.itertuples():
        with st.container(border=True):
            st.markdown(
                f"**{widgets.plain(str(item.agency))}** · {item.status}, {item.progress}% · {item.risk_level} risk"
            )
            widgets.plain_text_block("Accomplishments", item.accomplishments)
            widgets.plain_text_block("Challenges", item.challenges)
            widgets.plain_text_block("Next steps", item.next_steps)
            widgets.plain_text_block("Risk and mitigation", item.risk_note)
            st.text(f"Reported by {item.author} · revision {item.revision}")
    older = narratives[narratives["quarter"] != newest]
    if not older.empty and st.toggle(f"Show the {len(older)} older narratives", key="obj_older"):
        st.dataframe(
            older,
            hide_index=True,
            key="obj_older_table",
            width="stretch",
            column_config=widgets.column_config(
                list(older.columns),
                accomplishments=st.column_config.TextColumn("Accomplishments", width="large"),
                challenges=st.column_config.TextColumn("Challenges", width="large"),
                next_steps=st.column_config.TextColumn("Next steps", width="large"),
                risk_note=st.column_config.TextColumn("Risk and mitigation", width="large"),
            ),
        )
