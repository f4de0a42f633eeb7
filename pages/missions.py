"""Missions: Washington's roll-up of every mission (or one bureau's) for a quarter. A row opens its overview."""

from datetime import date

import streamlit as st

from dashboard.domain.fiscal import FiscalQuarter, quarter_range, reporting_quarter
from dashboard.views.missions import HOTSPOT_ROWS, STATUS_CHIP_COLORS, STATUS_CHIPS, hotspot_rows
from dashboard.web import cache, identity, widgets
from models.scales import BUREAUS

TREND_QUARTERS = 8


def status_column(label: str) -> object:
    """A status column: each cell's symbol and name on its status's pale colour, drawn by the browser."""
    return st.column_config.MultiselectColumn(label, options=STATUS_CHIPS, color=STATUS_CHIP_COLORS, width=100)


st.title("Missions")
actor = identity.current_actor()
every = cache.missions(cache.database_url())
if every.empty:
    st.warning("No strategy loaded yet. Import one with `python -m dashboard import-ics PATH`.")
    st.stop()
first = FiscalQuarter(int(every["strategy_start"].min()), 1)
last = FiscalQuarter(int(every["strategy_end"].max()), 4)
quarters = quarter_range(first, last)
labels = [q.label for q in quarters]
try:
    wanted_to = FiscalQuarter.parse(st.query_params.get("to", "")).label
except ValueError:
    wanted_to = min(max(reporting_quarter(date.today()), first), last).label
picked = st.sidebar.selectbox(
    "Quarter",
    labels,
    index=labels.index(wanted_to) if wanted_to in labels else len(labels) - 1,
    key="mi_quarter",
)
quarter = quarters[labels.index(picked)]
if actor.bureau is not None:
    bureau: str | None = actor.bureau
    st.sidebar.caption(widgets.plain(f"Your account sees the {BUREAUS[bureau]} bureau ({bureau}) only."))
else:
    options = ["", *BUREAUS]
    wanted_bureau = st.query_params.get("bureau", "")
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
token = f"{quarter.fiscal_year}Q{quarter.quarter}"
params = {"to": token, **({"bureau": bureau} if bureau and actor.bureau is None else {})}
if dict(st.query_params) != params:
    st.query_params.from_dict(params)

trend_from = quarters[max(0, labels.index(picked) - TREND_QUARTERS + 1)]
view = cache.missions_bundle(cache.database_url(), trend_from, quarter, bureau, date.today())
if view is None:
    st.info("No mission belongs to this bureau yet. Choose another bureau, or all bureaus.")
    st.stop()
head = view.headline
st.caption(
    f"As of {quarter.label}, {'all bureaus' if bureau is None else widgets.plain(BUREAUS[bureau])}: each goal's "
    "status combines its objectives' (the worst counts). Select a row to open that mission's overview."
)
c = st.columns(5)
c[0].metric("Missions", f"{head.missions:,}")
c[1].metric("On track", f"{head.on_track:,}", help="Missions on track or completed")
c[2].metric("Struggling", f"{head.off_track_or_at_risk:,}", help="Missions at risk or off track")
c[3].metric("Late", f"{head.late:,}", help="Missions with updates still missing after the due date")
c[4].metric("High risk", f"{head.hotspots:,}", help="Objectives at High or Critical risk")

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
    + [*view.goal_columns, "received", "expected"],
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
    },
)
rows = picked_rows.selection.rows if picked_rows else []
if rows:
    st.switch_page("../pages/overview.py", query_params={"mission": str(int(table.iloc[rows[0]]["mission_id"]))})
st.caption(
    "Key: ● On track, ▲ At risk, ✖ Off track, ✔ Completed, ○ Not started, – No update; "
    "a blank goal cell: the mission has no such goal."
)

st.header("Risk hotspots")
if view.hotspots.empty:
    st.success(f"No objective is at High or Critical risk in {quarter.label}.")
else:
    rows, note = hotspot_rows(view.hotspots, bool(st.session_state.get("mi_hotspots_all")))
    st.caption(note)
    if len(view.hotspots) > HOTSPOT_ROWS:
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
        st.switch_page(
            "../pages/objective.py",
            query_params={"mission": str(int(row["mission_id"])), "objective": row["code"], "to": token},
        )

st.header("By bureau")
widgets.show_chart(view.completeness, key="mi_complete", data_on_demand=True)
widgets.show_chart(view.trend, key="mi_trend", data_on_demand=True)
widgets.show_chart(view.risk_trend, key="mi_risk_trend", data_on_demand=True)
