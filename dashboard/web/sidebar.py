"""The mission chooser and the sidebar filters, mirrored in the URL so a pasted link reproduces the view."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.domain import reporting
from dashboard.domain.aggregation import STATUS_LEVELS, Overview, overview
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter, quarter_range, reporting_quarter, strategy_quarters
from dashboard.domain.opening import default_mission, opening_mission
from dashboard.web import identity
from dashboard.web.cache import database_url, expected, missions, updates
from dashboard.web.widgets import demo_banner, plain
from models.scales import RISK_ORDER

CHOSEN_MISSION = "_ics_chosen_mission"  # the mission last shown in this session, kept across pages
CHOSEN_ON = "_ics_chosen_on"  # the chooser (page key) it was shown by


def scoped_missions(bureau: str | None) -> pd.DataFrame:
    """The missions someone with this bureau scope may see: all (None), or that bureau's."""
    frame = missions(database_url())
    return frame if bureau is None else frame[frame["bureau"] == bureau].reset_index(drop=True)


def visitors_mission() -> int | None:
    """The mission visitors open on: the one an admin marked, else the oldest (``domain.opening``)."""
    frame = missions(database_url())
    return default_mission(zip(frame["mission_id"].astype(int), frame["is_default"].astype(bool), strict=True))


def pick_mission(key: str, wanted: int | None = None) -> int | None:
    """The mission to show: a sidebar chooser when there is more than one, starting at ``wanted``, else the user's
    home mission, else the mission visitors open on (``domain.opening.opening_mission``); then the demo banner
    for it.

    ``wanted`` defaults to the ``mission`` id in the URL. Returns None (with a message) when no strategy is loaded.
    A user with a bureau scope chooses among that bureau's missions only.
    """
    actor = identity.current_actor()
    frame = scoped_missions(actor.bureau)
    if frame.empty:
        if missions(database_url()).empty:
            st.warning("No strategy loaded yet. Import one with `python -m dashboard import-ics PATH`.")
        else:
            st.info("Your account sees one regional bureau's missions only, and none of them is loaded yet.")
        return None
    if wanted is None:
        wanted = Filters.from_query_params(st.query_params.get_all).mission_id
    ids = [int(i) for i in frame["mission_id"]]
    # A link names the mission; else the one last chosen in this session, on any page; else home, else default.
    first = opening_mission(
        ids, link=wanted or st.session_state.get(CHOSEN_MISSION), home=actor.home_mission_id, default=visitors_mission()
    )
    if len(ids) == 1:
        chosen = ids[0]
    else:
        if key not in st.session_state or key != st.session_state.get(CHOSEN_ON):
            st.session_state[key] = first  # a chooser not the last one used starts where the session is
        labels = dict(zip(ids, frame["country"] + " (" + frame["post"] + ")", strict=True))
        chosen = int(st.sidebar.selectbox("Mission", ids, format_func=labels.get, key=key))
    st.session_state[CHOSEN_MISSION], st.session_state[CHOSEN_ON] = chosen, key
    demo_banner([chosen])
    return chosen


def quarter_choices(frame: pd.DataFrame, mission: pd.Series, mission_id: int) -> tuple[list[FiscalQuarter], Filters]:
    """The quarters a mission's slider offers (its strategy's, widened to any update outside it), and the
    filters of a visit without a link: every quarter up to the reporting quarter, nothing else narrowed."""
    first, last = strategy_quarters(int(mission["strategy_start"]), int(mission["strategy_end"]))
    if not frame.empty:
        first = min(first, FiscalQuarter(int(frame["fiscal_year"].min()), 1))
        newest = frame.loc[frame["qindex"].idxmax()]
        last = max(last, FiscalQuarter(int(newest["fiscal_year"]), int(newest["quarter"])))
    quarters = quarter_range(first, last)
    default = Filters(mission_id=mission_id, start=first, end=min(reporting_quarter(date.today()), last))
    return quarters, default


def sidebar_filters(prefix: str) -> tuple[Filters, pd.DataFrame, pd.DataFrame] | None:
    """Draw the filters in the sidebar, mirrored in the URL; returns the filters and the mission's data.

    Widgets start from ``st.query_params`` so a pasted link reproduces the view,
    and every change is written back to the URL.
    """
    url = database_url()
    from_url = Filters.from_query_params(st.query_params.get_all)
    for problem in from_url.problems:
        st.sidebar.warning(f"Link: {plain(problem)}.")
    mission_id = pick_mission(f"{prefix}_mission", from_url.mission_id)
    if mission_id is None:
        return None
    all_missions = missions(url)  # the mission's id stays in links only when there is more than one
    mission = all_missions.set_index("mission_id").loc[mission_id]
    expected_rows = expected(url, mission_id)
    update_rows = updates(url, mission_id)
    quarters, default = quarter_choices(update_rows, mission, mission_id)
    labels = [q.label for q in quarters]
    end = from_url.end if from_url.end in quarters else default.end
    start = from_url.start if from_url.start in quarters and from_url.start <= end else default.start

    bar = st.sidebar
    bar.header("Filters")
    picked = bar.select_slider(
        "Quarters (as of the last one)", options=labels, value=(start.label, end.label), key=f"{prefix}_quarters"
    )
    chosen = Filters(
        mission_id=mission_id if len(all_missions) > 1 else None,
        start=quarters[labels.index(picked[0])],
        end=quarters[labels.index(picked[1])],
        **narrowing_filters(prefix, expected_rows, from_url),
    )
    mirror_in_url(chosen)
    return chosen.replaced(mission_id=mission_id), expected_rows, update_rows


def narrowing_filters(prefix: str, expected_rows: pd.DataFrame, from_url: Filters) -> dict[str, tuple[str, ...]]:
    """The sidebar's goal, objective, agency, working group, status and risk choosers, starting from the link's
    values that the mission has; returns the chosen values by ``Filters`` field."""
    bar = st.sidebar
    goal_codes = list(dict.fromkeys(expected_rows["goal_code"]))
    goal_names = dict(zip(expected_rows["goal_code"], expected_rows["goal_title"], strict=False))
    goals = bar.multiselect(
        "Goal",
        goal_codes,
        default=[g for g in from_url.goals if g in goal_codes],
        format_func=lambda g: "Management" if g == "M" else f"Goal {g}: {goal_names[g][:50]}",
        key=f"{prefix}_goal",
        placeholder="All goals",
    )
    objective_pool = expected_rows[expected_rows["goal_code"].isin(goals)] if goals else expected_rows
    codes = list(dict.fromkeys(objective_pool["code"]))
    objectives = bar.multiselect(
        "Objective",
        codes,
        default=[c for c in from_url.objectives if c in codes],
        key=f"{prefix}_objective",
        placeholder="All objectives",
    )
    agencies_all = sorted(expected_rows["agency"].unique())
    agencies = bar.multiselect(
        "Agency",
        agencies_all,
        default=[a for a in from_url.agencies if a in agencies_all],
        key=f"{prefix}_agency",
        placeholder="All agencies",
    )
    groups_all = list(dict.fromkeys(expected_rows["working_group"]))
    groups = bar.multiselect(
        "Working group",
        groups_all,
        default=[g for g in from_url.working_groups if g in groups_all],
        key=f"{prefix}_wg",
        placeholder="All working groups",
    )
    statuses = bar.multiselect(
        "Status (as of the last quarter)",
        STATUS_LEVELS,
        default=list(from_url.statuses),
        key=f"{prefix}_status",
        placeholder="Any status",
    )
    risks = bar.multiselect(
        "Risk level (as of the last quarter)",
        RISK_ORDER,
        default=list(from_url.risks),
        key=f"{prefix}_risk",
        placeholder="Any risk level",
    )
    return {
        "goals": tuple(goals),
        "objectives": tuple(objectives),
        "agencies": tuple(agencies),
        "working_groups": tuple(groups),
        "statuses": tuple(statuses),
        "risks": tuple(risks),
    }


def mirror_in_url(filters: Filters) -> None:
    """Write ``filters`` to the URL's query parameters, only when they differ from what it holds."""
    wanted = filters.to_query_params()
    if {k: st.query_params.get_all(k) for k in st.query_params} != {
        k: v if isinstance(v, list) else [v] for k, v in wanted.items()
    }:
        st.query_params.from_dict(wanted)


NO_MATCH = "No objective matches these filters. Clear a filter in the sidebar to see more."


def nothing_shown(expected_rows: pd.DataFrame, quarter: FiscalQuarter) -> str:
    """Why a page for ``quarter`` has no objective: nothing is owed then at all, or the filters leave none."""
    return reporting.nothing_owed(expected_rows, quarter) or NO_MATCH


def filtered_view(prefix: str) -> tuple[Filters, Overview]:
    """Sidebar filters plus the scoped data for pages that drill into it; stops the page when nothing matches."""
    picked = sidebar_filters(prefix)
    if picked is None:
        st.stop()
    filters, expected_rows, update_rows = picked
    assert filters.end is not None
    view = overview(expected_rows, update_rows, filters, filters.end)
    if view.empty:
        st.info(nothing_shown(expected_rows, filters.end))
        st.stop()
    return filters, view
