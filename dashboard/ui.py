"""The Streamlit side of the app: cached resources and reads shared by the pages.

The engine (and first-start set-up) lives in ``st.cache_resource``; reads are
``st.cache_data`` with the configured TTL, cleared after every write (``after_write``).
Nothing cached reads identity: who is asking is never part of a cached read.
"""

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from dashboard import exports, queries
from dashboard.auth import AccessDenied, Actor
from dashboard.bootstrap import ensure_ready
from dashboard.charts import Chart
from dashboard.db import get_engine, write_session
from dashboard.filters import Filters
from dashboard.fiscal import FiscalQuarter, quarter_range, reporting_quarter, strategy_quarters
from dashboard.overview_view import OverviewBundle, build_overview
from dashboard.progress import STATUS_LEVELS, Overview, overview
from dashboard.settings import ROOT, Settings
from models import format_validation_error
from models.scales import RISK_ORDER

_TTL = Settings.from_env().cache_ttl_seconds
SIGN_IN_PAGE = ROOT / "pages" / "sign_in.py"

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
}


@st.cache_resource(show_spinner="Preparing the database…")
def engine_for(url: str) -> Engine:
    """The engine for ``url``, after migrating it and loading the bundled strategy if new."""
    ensure_ready(replace(Settings.from_env(), database_url=url))
    return get_engine(url)


def engine() -> Engine:
    return engine_for(Settings.from_env().database_url)


@st.cache_data(ttl=_TTL, show_spinner=False)
def missions(url: str) -> pd.DataFrame:
    return queries.missions_frame(engine_for(url))


@st.cache_data(ttl=_TTL, show_spinner=False)
def strategy(url: str, mission_id: int) -> pd.DataFrame:
    return queries.strategy_frame(engine_for(url), mission_id)


@st.cache_data(ttl=_TTL, show_spinner=False)
def demo_rows(url: str) -> int:
    return queries.demo_row_count(engine_for(url))


def database_url() -> str:
    return Settings.from_env().database_url


def demo_banner() -> None:
    count = demo_rows(database_url())
    if count:
        st.info(
            f"Demo data: {count:,} of the status updates shown are generated examples, not real reporting.",
            icon=":material/science:",
        )


def pick_mission(key: str, wanted: int | None = None) -> int | None:
    """The mission to show: a sidebar chooser when there is more than one, starting at ``wanted``.

    ``wanted`` defaults to the ``mission`` id in the URL. Returns None (with a message) when no strategy is loaded.
    """
    frame = missions(database_url())
    if frame.empty:
        st.warning("No strategy loaded yet. Import one with `python -m dashboard import-ics PATH`.")
        return None
    if wanted is None:
        wanted = Filters.from_query_params(st.query_params.get_all).mission_id
    ids = [int(i) for i in frame["mission_id"]]
    if len(ids) == 1:
        return ids[0]
    labels = dict(zip(ids, frame["country"] + " (" + frame["post"] + ")", strict=True))
    index = ids.index(wanted) if wanted in ids else 0
    return int(st.sidebar.selectbox("Mission", ids, index=index, format_func=labels.get, key=key))


@st.cache_data(ttl=_TTL, show_spinner=False)
def expected(url: str, mission_id: int) -> pd.DataFrame:
    return queries.expected_frame(engine_for(url), mission_id)


def updates(url: str, mission_id: int) -> pd.DataFrame:
    """The counted updates (``ICS_COUNT_UPDATES``) of a mission, latest revision each."""
    return _updates(url, mission_id, Settings.from_env().counted_states)


@st.cache_data(ttl=_TTL, show_spinner=False)
def _updates(url: str, mission_id: int, states: tuple[str, ...]) -> pd.DataFrame:
    return queries.updates_frame(engine_for(url), mission_id, narratives=True, states=states)


@st.cache_data(ttl=_TTL, show_spinner=False)
def submissions(url: str, mission_id: int) -> pd.DataFrame:
    """The newest revision of every update in any state (tracker, review queue, to-do list)."""
    return queries.submissions_frame(engine_for(url), mission_id)


def after_write() -> None:
    """Drop every cached read: the next rerun shows what was just written (caches are shared by all users)."""
    st.cache_data.clear()


def show_chart(chart: Chart, key: str) -> None:
    """A chart with its one-sentence summary and a "view data" table (Section 508)."""
    st.plotly_chart(chart.figure, key=f"{key}_chart", config={"displaylogo": False})
    st.caption(chart.summary)
    with st.expander("View data"):
        st.dataframe(chart.data, hide_index=True, key=f"{key}_data", width="stretch")


def _quarter_options(frame: pd.DataFrame, mission: pd.Series) -> list[FiscalQuarter]:
    first, last = strategy_quarters(int(mission["strategy_start"]), int(mission["strategy_end"]))
    if not frame.empty:
        first = min(first, FiscalQuarter(int(frame["fiscal_year"].min()), 1))
        newest = frame.loc[frame["qindex"].idxmax()]
        last = max(last, FiscalQuarter(int(newest["fiscal_year"]), int(newest["quarter"])))
    return quarter_range(first, last)


def sidebar_filters(prefix: str) -> tuple[Filters, pd.DataFrame, pd.DataFrame] | None:
    """Draw the filters in the sidebar, mirrored in the URL; returns the filters and the mission's data.

    Widgets start from ``st.query_params`` so a pasted link reproduces the view,
    and every change is written back to the URL.
    """
    url = database_url()
    from_url = Filters.from_query_params(st.query_params.get_all)
    for problem in from_url.problems:
        st.sidebar.warning(f"Link: {problem}.")
    mission_id = pick_mission(f"{prefix}_mission", from_url.mission_id)
    if mission_id is None:
        return None
    all_missions = missions(url)
    mission = all_missions.set_index("mission_id").loc[mission_id]
    exp = expected(url, mission_id)
    upd = updates(url, mission_id)
    quarters = _quarter_options(upd, mission)
    labels = [q.label for q in quarters]
    default_end = min(reporting_quarter(date.today()), quarters[-1])
    end = from_url.end if from_url.end in quarters else default_end
    start = from_url.start if from_url.start in quarters and from_url.start <= end else quarters[0]

    sb = st.sidebar
    sb.header("Filters")
    picked = sb.select_slider(
        "Quarters (as of the last one)", options=labels, value=(start.label, end.label), key=f"{prefix}_quarters"
    )
    goal_codes = list(dict.fromkeys(exp["goal_code"]))
    goal_names = dict(zip(exp["goal_code"], exp["goal_title"], strict=False))
    goals = sb.multiselect(
        "Goal",
        goal_codes,
        default=[g for g in from_url.goals if g in goal_codes],
        format_func=lambda g: "Management" if g == "M" else f"Goal {g}: {goal_names[g][:50]}",
        key=f"{prefix}_goal",
        placeholder="All goals",
    )
    objective_pool = exp[exp["goal_code"].isin(goals)] if goals else exp
    codes = list(dict.fromkeys(objective_pool["code"]))
    objectives = sb.multiselect(
        "Objective",
        codes,
        default=[c for c in from_url.objectives if c in codes],
        key=f"{prefix}_objective",
        placeholder="All objectives",
    )
    agencies_all = sorted(exp["agency"].unique())
    agencies = sb.multiselect(
        "Agency",
        agencies_all,
        default=[a for a in from_url.agencies if a in agencies_all],
        key=f"{prefix}_agency",
        placeholder="All agencies",
    )
    groups_all = list(dict.fromkeys(exp["working_group"]))
    groups = sb.multiselect(
        "Working group",
        groups_all,
        default=[g for g in from_url.working_groups if g in groups_all],
        key=f"{prefix}_wg",
        placeholder="All working groups",
    )
    statuses = sb.multiselect(
        "Status (as of the last quarter)",
        STATUS_LEVELS,
        default=list(from_url.statuses),
        key=f"{prefix}_status",
        placeholder="Any status",
    )
    risks = sb.multiselect(
        "Risk level (as of the last quarter)",
        RISK_ORDER,
        default=list(from_url.risks),
        key=f"{prefix}_risk",
        placeholder="Any risk level",
    )
    chosen = Filters(
        mission_id=mission_id if len(all_missions) > 1 else None,
        goals=tuple(goals),
        objectives=tuple(objectives),
        agencies=tuple(agencies),
        working_groups=tuple(groups),
        start=quarters[labels.index(picked[0])],
        end=quarters[labels.index(picked[1])],
        statuses=tuple(statuses),
        risks=tuple(risks),
    )
    wanted = chosen.to_query_params()
    if {k: st.query_params.get_all(k) for k in st.query_params} != {
        k: v if isinstance(v, list) else [v] for k, v in wanted.items()
    }:
        st.query_params.from_dict(wanted)
    return chosen.with_(mission_id=mission_id), exp, upd


@st.cache_data(ttl=_TTL, show_spinner=False)
def indicators(url: str, objective_ids: tuple[int, ...]) -> pd.DataFrame:
    return queries.indicators_frame(engine_for(url), list(objective_ids))


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


@st.cache_data(ttl=_TTL, show_spinner=False, max_entries=64)
def overview_bundle(url: str, mission_id: int, filters: Filters) -> OverviewBundle:
    """The overview's figures and tables for one filter set; a rerun with the same filters draws from here."""
    assert filters.end is not None
    return build_overview(expected(url, mission_id), updates(url, mission_id), filters, filters.end)


@st.cache_data(ttl=_TTL, show_spinner=False, max_entries=16)
def export_bytes(url: str, mission_id: int, filters: Filters, kind: str) -> bytes:
    frame = overview_bundle(url, mission_id, filters).export
    assert frame is not None
    return exports.to_csv_bytes(frame) if kind == "csv" else exports.to_xlsx_bytes(frame)


NO_MATCH = "No objective matches these filters. Clear a filter in the sidebar to see more."


def filtered_view(prefix: str) -> tuple[Filters, Overview]:
    """Sidebar filters plus the scoped data for pages that drill into it; stops the page when nothing matches."""
    picked = sidebar_filters(prefix)
    if picked is None:
        st.stop()
    filters, expected_rows, update_rows = picked
    assert filters.end is not None
    view = overview(expected_rows, update_rows, filters, filters.end)
    if view.empty:
        st.info(NO_MATCH)
        st.stop()
    return filters, view


ROLE_LABELS = {"viewer": "Viewer", "contributor": "Contributor", "chair": "Working-group chair", "admin": "Admin"}


def describe(actor: Actor) -> str:
    """ "Contributor for USAID" style one-liner for the signed-in user."""
    text = ROLE_LABELS.get(actor.role, actor.role)
    if actor.agencies:
        text += " for " + ", ".join(actor.agencies)
    if actor.user_id is None:
        text = "Viewer (no account here)"
    return text


# What a signed-in user can do, as the navigation decides it; a right lost mid-session is explained (lost_rights).
RIGHTS = {"can_submit": "submit updates", "can_review": "review updates", "is_admin": "administer the dashboard"}
_RIGHTS_KEY = "account_rights"


def lost_rights(actor: Actor) -> list[str]:
    """The rights ``actor`` had on this session's previous run and no longer has (disabled or demoted meanwhile).

    Remembers this run's rights in the session (per user, never in a cache).
    """
    now = [name for name in RIGHTS if getattr(actor, name)]
    before = st.session_state.get(_RIGHTS_KEY)
    st.session_state[_RIGHTS_KEY] = (actor.email, now)
    if not before or before[0] != actor.email:
        return []
    return [RIGHTS[name] for name in before[1] if name not in now]


def account_box(actor: Actor) -> None:
    """Who is signed in, at the foot of the sidebar, with a sign-out button.

    When the account was disabled or demoted since the last run, the page the user was on (a form they just sent)
    is no longer in the navigation: say so plainly instead of silently showing another page.
    """
    from dashboard import identity  # late: identity imports this module

    lost = lost_rights(actor)
    if not actor.signed_in:
        return
    if lost:
        why = f"The account {plain(actor.email or '')} was disabled" if actor.disabled else "Your access changed"
        st.error(
            f"{why} while you were signed in, so you can no longer {' or '.join(lost)}. "
            "Anything you had not saved yet was not stored."
        )
    box = st.sidebar.container(border=True)
    box.caption("Signed in")
    box.text(f"{actor.email}\n{describe(actor)}")
    if actor.disabled:
        box.warning("This account is disabled: you can view but not change anything.")
    if box.button("Sign out", key="account_sign_out", icon=":material/logout:"):
        identity.sign_out()
        after_write()
        # The sign-in page is in every navigation (same URL as "Account"); the page the user was on may not be.
        st.switch_page(SIGN_IN_PAGE)


def run_write(flash_key: str, success: str, write: Callable[[Session], object], clear: tuple[str, ...] = ()) -> None:
    """Run one write in its own transaction; on success clear caches and the ``clear`` widget keys, flash and rerun.

    A refused or invalid write shows its message, keeps what was typed and writes nothing.
    """
    try:
        with write_session(engine()) as session:
            write(session)
    except (AccessDenied, ValueError) as exc:
        message = "; ".join(format_validation_error(exc)) if isinstance(exc, ValidationError) else str(exc)
        st.error(plain(message))
        return
    after_write()
    for key in clear:
        st.session_state.pop(key, None)
    st.session_state[flash_key] = success
    st.rerun()


def show_flash(flash_key: str) -> None:
    message = st.session_state.pop(flash_key, None)
    if message:
        st.success(plain(message))
