"""Cached reads shared by every page: the engine, the frames and the page bundles in ``st.cache_resource``.

Reads carry the configured TTL and are cleared after every write (``after_write``). Nothing cached reads
identity: who is asking is never part of a cached read, because the caches are shared by all users.

Every session gets the same cached object instead of its own unpickled copy (``st.cache_data``), which cost a
new session more than drawing its page and, with many sessions arriving together, held a copy of a mission's
updates per session. A frame is handed out as a shallow copy (``shared_frames``): pandas' copy-on-write copies
data the moment either side changes it, so a page that adds or changes a column never reaches the cache. The two
page bundles (the overview's and the Missions page's figures and tables) are only drawn, never changed.
"""

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, ParamSpec

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from dashboard.domain import reporting
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats import exports
from dashboard.services.bootstrap import ensure_ready
from dashboard.settings import Settings
from dashboard.store import closed_records, queries, rollup
from dashboard.store import indicators as indicator_store
from dashboard.store import strategy_versions as versions_store
from dashboard.store.database import get_engine
from dashboard.views import evidence as evidence_view
from dashboard.views.missions import MissionsBundle, build_missions, mission_evidence
from dashboard.views.overview import OverviewBundle, build_overview
from dashboard.web import config

_TTL = Settings.from_env().cache_ttl_seconds
# How often a process asks the database whether the data changed (one cheap query, shared by every session).
VERSION_CHECK_SECONDS = 1.0
_CLEARED_AFTER_WRITE: list[Callable[[], None]] = []
P = ParamSpec("P")


def shared_frames(read: Callable[P, pd.DataFrame]) -> Callable[P, pd.DataFrame]:
    """``read`` cached once for every session (``st.cache_resource`` with the TTL), each caller getting a
    shallow copy; cleared by ``after_write``."""
    cached = st.cache_resource(ttl=_TTL, show_spinner=False)(read)

    @functools.wraps(read)
    def frame(*args: P.args, **kwargs: P.kwargs) -> pd.DataFrame:
        return cached(*args, **kwargs).copy(deep=False)

    frame.clear = cached.clear  # type: ignore[attr-defined]
    _CLEARED_AFTER_WRITE.append(cached.clear)
    return frame


@st.cache_resource(show_spinner="Preparing the database…")
def engine_for(url: str) -> Engine:
    """The engine for ``url``, after migrating it and loading the bundled strategy if new."""
    ensure_ready(replace(config.settings(), database_url=url))
    return get_engine(url)


def engine() -> Engine:
    return engine_for(config.settings().database_url)


@shared_frames
def missions(url: str) -> pd.DataFrame:
    return queries.missions_frame(engine_for(url))


@shared_frames
def strategy_texts(url: str, mission_id: int) -> pd.DataFrame:
    return queries.strategy_frame(engine_for(url), mission_id)


@st.cache_resource(ttl=_TTL, show_spinner=False)
def strategy_versions(url: str, mission_id: int) -> list[dict[str, Any]]:
    """Every kept version of the mission's strategy texts, oldest first (``store.strategy_versions``)."""
    return versions_store.versions(engine_for(url), mission_id)


_CLEARED_AFTER_WRITE.append(strategy_versions.clear)


@shared_frames
def retired_history(url: str, mission_id: int) -> pd.DataFrame:
    return queries.retired_history(engine_for(url), mission_id)


@st.cache_data(ttl=_TTL, show_spinner=False)
def demo_rows(url: str) -> dict[int, int]:
    """Mission id -> its demo status updates (missions without any left out)."""
    return queries.demo_rows_by_mission(engine_for(url))


def database_url() -> str:
    return config.settings().database_url


def due_days(url: str, mission_id: int) -> int:
    """Days after a quarter ends that the mission's updates fall due (its own setting, else ``ICS_DUE_DAYS``)."""
    own = missions(url).set_index("mission_id").at[mission_id, "due_days"]
    return reporting.mission_due_days(own, config.settings().due_days)


@shared_frames
def expected(url: str, mission_id: int) -> pd.DataFrame:
    return queries.expected_frame(engine_for(url), mission_id)


def updates(url: str, mission_id: int) -> pd.DataFrame:
    """The counted updates (``ICS_COUNT_UPDATES``) of a mission, latest revision each."""
    return _updates(url, mission_id, config.settings().counted_states)


@shared_frames
def _updates(url: str, mission_id: int, states: tuple[str, ...]) -> pd.DataFrame:
    return queries.updates_frame(engine_for(url), mission_id, narratives=True, states=states)


@shared_frames
def indicator_sheets(url: str, mission_id: int) -> pd.DataFrame:
    return indicator_store.sheets_frame(engine_for(url), mission_id)


@shared_frames
def indicator_targets(url: str, mission_id: int) -> pd.DataFrame:
    return indicator_store.targets_frame(engine_for(url), mission_id)


def indicator_actuals(url: str, mission_id: int) -> pd.DataFrame:
    """The counted actuals (``ICS_COUNT_UPDATES``) of a mission's indicators, newest revision each."""
    return _indicator_actuals(url, mission_id, config.settings().counted_states)


@shared_frames
def _indicator_actuals(url: str, mission_id: int, states: tuple[str, ...]) -> pd.DataFrame:
    return indicator_store.actuals_frame(engine_for(url), mission_id, states)


def evidence(url: str, mission_id: int, quarter: FiscalQuarter) -> evidence_view.Evidence:
    """What the mission's indicators say in ``quarter``, from the shared frames (the same computation as the
    command line's ``indicators status``); a closed quarter's is its record's."""
    record = closed(url, mission_id).get(quarter.index)
    if record is not None:
        return evidence_view.recorded(record["record"], quarter)
    return evidence_view.build(
        sheets=indicator_sheets(url, mission_id),
        targets=indicator_targets(url, mission_id),
        actuals=indicator_actuals(url, mission_id),
        expected=expected(url, mission_id),
        updates=updates(url, mission_id),
        quarter=quarter,
        on_target=config.settings().indicator_on_target,
    )


@st.cache_resource(ttl=_TTL, show_spinner=False)
def closed(url: str, mission_id: int) -> dict[int, dict[str, Any]]:
    """The mission's closed quarters by quarter index: the close's ``at``, ``actor``, ``sha256`` and ``record``."""
    return closed_records.closed_quarters(engine_for(url), mission_id)


_CLEARED_AFTER_WRITE.append(closed.clear)


def recorded_at(url: str, mission_id: int, quarter: FiscalQuarter) -> datetime | None:
    """When the mission's quarter was closed (None: it is open and its figures are live)."""
    found = closed(url, mission_id).get(quarter.index)
    return None if found is None else found["at"]


@st.cache_resource(ttl=_TTL, show_spinner=False)
def closed_missions(url: str, quarter: FiscalQuarter) -> frozenset[int]:
    """The missions whose ``quarter`` is closed (the Missions page says which figures are records)."""
    with engine_for(url).connect() as connection:
        every = closed_records.closed_figures(connection, None)
    return frozenset(m for m, q in every if q == quarter.index)


_CLEARED_AFTER_WRITE.append(closed_missions.clear)


@shared_frames
def submissions(url: str, mission_id: int) -> pd.DataFrame:
    """The newest revision of every update in any state (tracker, review queue, to-do list)."""
    return queries.submissions_frame(engine_for(url), mission_id)


def after_write() -> None:
    """Drop every cached read: the next rerun shows what was just written (caches are shared by all users)."""
    st.cache_data.clear()
    for clear in _CLEARED_AFTER_WRITE:
        clear()


class _Freshness:
    """What this process knows of one database's data it caches: the version it last saw, and when it last
    checked it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: tuple[object, ...] | None = None
        self.checked = float("-inf")  # monotonic
        self.checked_at: datetime | None = None  # the same moment, as a time of day


_FRESHNESS: dict[str, _Freshness] = {}
_FRESHNESS_LOCK = threading.Lock()


def _freshness(url: str) -> _Freshness:
    with _FRESHNESS_LOCK:
        return _FRESHNESS.setdefault(url, _Freshness())


def follow_other_writers(url: str) -> bool:
    """Drop the shared caches when the data changed since this process last looked: a write from another
    replica or from the command line then shows on the next page view. Asks the database at most once every
    ``VERSION_CHECK_SECONDS`` per process; returns True when it dropped the caches."""
    now = time.monotonic()
    state = _freshness(url)
    with state.lock:
        if now - state.checked < VERSION_CHECK_SECONDS:
            return False
        version = queries.data_version(engine_for(url))
        state.checked, state.checked_at = now, datetime.now(UTC)
        # The first look only remembers: nothing is cached for this database before it (the router and the
        # warm-up look before they read).
        changed = state.version is not None and version != state.version
        state.version = version
    if changed:
        after_write()
    return changed


def data_as_of(url: str) -> datetime | None:
    """The last time this process found its cached data of ``url`` current (None: not checked yet). A page
    drawn now shows data at least this recent."""
    return _freshness(url).checked_at


@shared_frames
def indicators(url: str, objective_ids: tuple[int, ...]) -> pd.DataFrame:
    return queries.indicators_frame(engine_for(url), list(objective_ids))


def as_of_quarter(url: str, mission_id: int, quarter: FiscalQuarter) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The expected and updates frames a quarter's own figures are computed from: live, or for a closed quarter
    its record's (the quarter and the one before, as they stood at the close)."""
    record = closed(url, mission_id).get(quarter.index)
    if record is None:
        return expected(url, mission_id), updates(url, mission_id)
    return closed_records.as_recorded(expected(url, mission_id), updates(url, mission_id), record["record"])


@st.cache_resource(ttl=_TTL, show_spinner=False, max_entries=64)
def overview_bundle(url: str, mission_id: int, filters: Filters) -> OverviewBundle:
    """The overview's figures and tables for one filter set; a rerun with the same filters draws from here."""
    assert filters.end is not None
    return build_overview(*as_of_quarter(url, mission_id, filters.end), filters, filters.end)


_CLEARED_AFTER_WRITE.append(overview_bundle.clear)


@st.cache_data(ttl=_TTL, show_spinner=False, max_entries=16)
def export_bytes(url: str, mission_id: int, filters: Filters, kind: str) -> bytes:
    frame = overview_bundle(url, mission_id, filters).export
    assert frame is not None
    return exports.to_csv_bytes(frame) if kind == "csv" else exports.to_xlsx_bytes(frame)


@st.cache_data(ttl=_TTL, show_spinner=False, max_entries=32)
def rollup_frames(
    url: str, first_qindex: int, last_qindex: int, bureau: str | None, states: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Washington's roll-up, grouped in the database: missions with the updates owed for the quarter
    ``last_qindex``, their goals, and per objective and quarter the counted reports, status and top risk
    (``store.rollup``)."""
    engine = engine_for(url)
    return (
        rollup.mission_expected_frame(engine, qindex=last_qindex, bureau=bureau),
        rollup.mission_goals_frame(engine, bureau=bureau),
        rollup.objective_quarters_frame(
            engine, first_qindex=first_qindex, last_qindex=last_qindex, states=states, bureau=bureau
        ),
    )


@st.cache_resource(ttl=_TTL, show_spinner=False, max_entries=32)
def missions_bundle(
    url: str, trend_from: FiscalQuarter, quarter: FiscalQuarter, bureau: str | None, today: date
) -> MissionsBundle | None:
    """What the Missions page draws for a quarter and bureau (``None``: no mission in that bureau)."""
    settings = config.settings()
    missions, goals, per = rollup_frames(url, trend_from.index, quarter.index, bureau, settings.counted_states)
    if missions.empty:
        return None
    found = mission_evidence(
        evidence_view.for_missions(
            engine_for(url),
            quarter,
            states=settings.counted_states,
            on_target=settings.indicator_on_target,
            bureau=bureau,
            statuses=per,
        )
    )
    closed = closed_missions(url, quarter)
    return build_missions(
        missions, goals, per, quarter, today=today, due_days=settings.due_days, found=found, closed=closed
    )


_CLEARED_AFTER_WRITE.append(missions_bundle.clear)
