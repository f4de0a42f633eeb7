"""The Streamlit side of the app: cached resources and reads shared by the pages.

The engine (and first-start set-up) lives in ``st.cache_resource``; reads are
``st.cache_data`` with the configured TTL and are cleared by ``clear_reads()``
after any write. Nothing here reads identity: it is passed in as an argument.
"""

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from dashboard import queries
from dashboard.bootstrap import ensure_ready
from dashboard.db import get_engine
from dashboard.settings import Settings

_TTL = Settings.from_env().cache_ttl_seconds


@st.cache_resource(show_spinner="Preparing the database…")
def engine_for(url: str) -> Engine:
    """The engine for ``url``, after migrating it and loading the bundled strategy if new."""
    settings = Settings.from_env()
    ensure_ready(Settings(**{**settings.__dict__, "database_url": url}))
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


def clear_reads() -> None:
    """Drop every cached read; call after any write."""
    st.cache_data.clear()


def database_url() -> str:
    return Settings.from_env().database_url


def demo_banner() -> None:
    count = demo_rows(database_url())
    if count:
        st.info(
            f"Demo data: {count:,} of the status updates shown are generated examples, not real reporting.",
            icon=":material/science:",
        )


def pick_mission(key: str = "mission") -> int | None:
    """A mission chooser in the sidebar when there is more than one; returns the mission id."""
    frame = missions(database_url())
    if frame.empty:
        st.warning("No strategy loaded yet. Import one with `python -m dashboard import-ics PATH`.")
        return None
    if len(frame) == 1:
        return int(frame.iloc[0]["mission_id"])
    labels = dict(zip(frame["mission_id"].astype(int), frame["country"] + " (" + frame["post"] + ")", strict=True))
    wanted = st.query_params.get("mission")
    ids = list(labels)
    index = next((i for i, mid in enumerate(ids) if str(mid) == wanted or labels[mid].startswith(str(wanted))), 0)
    choice = st.sidebar.selectbox("Mission", ids, index=index, format_func=labels.get, key=key)
    return int(choice)
