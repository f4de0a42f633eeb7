"""``dashboard/serve.py``: the app behind an ASGI lifespan that warms it at server start."""

import gc
from pathlib import Path

import pytest
import streamlit as st

from dashboard import serve
from dashboard.store import queries
from dashboard.store.database import dispose_engine, is_empty
from dashboard.web import cache


def test_warm_prepares_the_database_and_fills_the_first_visit_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'warm.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ICS_DEMO_ON_NEW_DATABASE", "false")
    st.cache_data.clear()
    st.cache_resource.clear()
    calls: list[int] = []
    real = queries.expected_frame
    monkeypatch.setattr(
        queries, "expected_frame", lambda engine, mission_id: calls.append(mission_id) or real(engine, mission_id)
    )
    serve.warm()
    try:
        # What start-up made is frozen, so the collections Python runs on its own skip it.
        assert gc.get_freeze_count() > 0
        assert not is_empty(url)  # migrated, the bundled strategy loaded
        assert len(calls) == 1
        cache.expected(url, calls[0])  # the page's read is served from the warmed cache
        assert len(calls) == 1
    finally:
        gc.unfreeze()
        dispose_engine(url)


def test_the_server_entrypoint_serves_the_app() -> None:
    assert isinstance(serve.app, st.App)
    assert Path(serve.app._script_path).name == "app.py"
