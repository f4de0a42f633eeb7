"""Missions: Washington's roll-up of every mission (or one bureau's) for a quarter. A row opens its overview."""

from datetime import date

import streamlit as st

from dashboard.domain import links
from dashboard.views import missions
from dashboard.web import cache, identity, widgets
from models.scales import BUREAUS


def status_column(label: str) -> object:
    """A status column: each cell's symbol and name on its status's pale colour, drawn by the browser."""
    return st.column_config.MultiselectColumn(
        label, options=missions.STATUS_CHIPS, color=missions.STATUS_CHIP_COLORS, width=100
    )


st.title("Missions")
actor = identity.current_actor()
every = cache.missions(cache.database_url())
if every.empty:
    st.warning("No strategy loaded yet. Import one with `python -m dashboard import-ics PATH`.")
    st.stop()
# Coming back from another page shows what this page last showed in the session; a first visit reads the link.
shown = missions.opening_params(st.query_params.to_dict(), st.session_state.get(missions.SHOWN))
quarters, wanted = missions.quarter_choices(every, shown.get("to", ""), date.today())
labels = [q.label for q in quarters]
picked = st.sidebar.selectbox("Quarter", labels, index=quarters.index(wanted), key="mi_quarter")
quarter = quarters[labels.index(picked)]
if actor.bureau is not None:
    bureau: str | None = actor.bureau
    st.sidebar.caption(widgets.plain(f"Your account sees the {BUREAUS[bureau]} bureau ({bureau}) only."))
else:
    options = ["", *BUREAUS]
    wanted_bureau = shown.get("bureau", "")
    bureau = (
        st.sidebar.selectbox(
            "Regional bureau",
            options,
            index=options.index(wanted_bureau) if wanted_bureau in options else 0,
            format_func=lambda b: f"{b}: {BUREAUS[b]}" if b else "All bureaus",
            key="mi_bureau",
        )
        or None
    )
params = links.missions_link(quarter, bureau if actor.bureau is None else None)
st.session_state[missions.SHOWN] = params
if dict(st.query_params) != params:
    st.query_params.from_dict(params)

trend_from = missions.trend_start(quarters, quarter)
view = cache.missions_bundle(cache.database_url(), trend_from, quarter, bureau, date.today())
if view is None:
    st.info("No mission belongs to this bureau yet. Choose another bureau, or all bureaus.")
    st.stop()
widgets.demo_banner(view.table["mission_id"].tolist())
head = view.headline
st.caption(
    f"{view.figures_note} As of {quarter.label}, {'all bureaus' if bureau is None else widgets.plain(BUREAUS[bureau])}"
    ": each goal's status combines its objectives' (the worst counts). Select a row to open that mission's overview."
)
figures = missions.headline_figures(head)
for column, (label, value, help_text) in zip(st.columns(len(figures)), figures, strict=True):
    column.metric(label, value, help=help_text)

st.header("Missions by goal")
table = view.table
picked_rows = st.dataframe(
    table,
    hide_index=True,
    key="mi_table",
    width="stretch",
    height=min(38 + 35 * len(table), 560),
    on_select="rerun",
    selection_mode="single-row",
    # Washington's three questions first (on track, late, at risk), then the goal-by-goal matrix.
    column_order=["mission", "bureau", "status", "days_late", "completeness", "high_risk", "progress"]
    + ["indicators_on_target", "disagreements", *view.goal_columns, "received", "expected"],
    column_config={
        "mission": st.column_config.TextColumn("Mission", width="medium"),
        "bureau": st.column_config.TextColumn("Bureau", width="small"),
        "status": status_column("Overall"),
        **{goal: status_column(goal) for goal in view.goal_columns},
        "progress": st.column_config.ProgressColumn("Progress", format="%.0f%%", min_value=0, max_value=100),
        "high_risk": st.column_config.NumberColumn(
            "High risk", width="small", help="Objectives at High or Critical risk"
        ),
        "received": st.column_config.NumberColumn("Updates in", width="small"),
        "expected": st.column_config.NumberColumn("Owed", width="small"),
        "completeness": st.column_config.NumberColumn("Complete", format="%.0f%%", width="small"),
        "days_late": st.column_config.NumberColumn("Days late", width="small"),
        "indicators_on_target": st.column_config.NumberColumn(
            "On target", format="%.0f%%", width="small", help="Rated indicators met or on target"
        ),
        "disagreements": st.column_config.NumberColumn(
            "Disagree", width="small", help="Objectives whose reported status and indicators point different ways"
        ),
    },
)
rows = picked_rows.selection.rows if picked_rows else []
if rows:
    st.switch_page("../pages/overview.py", query_params=links.overview_link(int(table.iloc[rows[0]]["mission_id"])))
st.caption(
    "Key: ● On track, ▲ At risk, ✖ Off track, ✔ Completed, ○ Not started, – No update; "
    "a blank goal cell: the mission has no such goal."
)

st.header("Risk hotspots")
if view.hotspots.empty:
    st.success(f"No objective is at High or Critical risk in {quarter.label}.")
else:
    rows, note = missions.hotspot_rows(view.hotspots, bool(st.session_state.get("mi_hotspots_all")))
    st.caption(note)
    if len(view.hotspots) > missions.HOTSPOT_ROWS:
        st.toggle(f"Show all {len(view.hotspots):,}", key="mi_hotspots_all")
    hot = st.dataframe(
        rows,
        hide_index=True,
        key="mi_hotspots",
        width="stretch",
        height=min(38 + 35 * len(rows), 400),
        on_select="rerun",
        selection_mode="single-row",
        column_order=["mission", "bureau", "code", "title", "risk_level", "status", "progress"],
        column_config={
            **widgets.COLUMN_LABELS,
            "mission": st.column_config.TextColumn("Mission", width="medium"),
            "bureau": st.column_config.TextColumn("Bureau", width="small"),
            "code": st.column_config.TextColumn("Code", width="small"),
            "title": st.column_config.TextColumn("Objective", width=320),  # the whole row fits at 1440 px
            "progress": st.column_config.ProgressColumn(
                "Progress", format="%.0f%%", min_value=0, max_value=100, width="small"
            ),
        },
    )
    if hot and hot.selection.rows:
        row = rows.iloc[hot.selection.rows[0]]
        link = links.objective_link(str(row["code"]), quarter, int(row["mission_id"]))
        st.switch_page("../pages/objective.py", query_params=link)

st.header("By bureau")
widgets.show_chart(view.completeness, key="mi_complete", data_on_demand=True)
if view.evidence is not None:
    widgets.show_chart(view.evidence, key="mi_evidence", data_on_demand=True)
widgets.show_chart(view.trend, key="mi_trend", data_on_demand=True)
widgets.show_chart(view.risk_trend, key="mi_risk_trend", data_on_demand=True)
