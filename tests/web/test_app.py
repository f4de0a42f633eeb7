"""``dashboard/app.py``: the one entrypoint, the page router behind an ASGI lifespan that warms it at server start."""

import gc
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import app as entrypoint
from dashboard.store import queries
from dashboard.store.database import dispose_engine, is_empty
from dashboard.web import cache

ROOT = Path(__file__).resolve().parents[2]


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
    built: list[object] = []
    real_build = cache.build_overview
    monkeypatch.setattr(cache, "build_overview", lambda *args: built.append(args) or real_build(*args))
    entrypoint.warm()
    try:
        # What start-up made is frozen, so the collections Python runs on its own skip it.
        assert gc.get_freeze_count() > 0
        assert not is_empty(url)  # migrated, the bundled strategy loaded
        assert len(calls) == 1
        cache.expected(url, calls[0])  # the page's read is served from the warmed cache
        assert len(calls) == 1
        assert len(built) == 1
        # A first visitor without a link gets the overview drawn from what the warm-up built.
        at = AppTest.from_file(str(ROOT / "dashboard" / "router.py"), default_timeout=60).run()
        assert not at.exception
        assert [t.value for t in at.title] == ["Strategy progress"]
        assert any("Updates received" in p.text for p in at.get("progress"))
        assert len(built) == 1 and len(calls) == 1
    finally:
        gc.unfreeze()
        dispose_engine(url)


def test_the_entrypoint_serves_the_page_router() -> None:
    assert isinstance(entrypoint.app, st.App)
    assert Path(entrypoint.app._script_path) == ROOT / "dashboard" / "router.py"


STARTUP = """
import asyncio, sys
from dashboard import app

async def main():
    before = "dashboard.views.overview" in sys.modules
    async with app.lifespan(None):
        print(before, "dashboard.views.overview" in sys.modules, "plotly.graph_objects" in sys.modules)

asyncio.run(main())
"""


def _start(tmp_path: Path, **env: str) -> list[str]:
    import os
    import subprocess
    import sys

    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}", **env}
    done = subprocess.run(
        [sys.executable, "-c", STARTUP], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_the_server_answers_only_once_the_pages_modules_are_loaded(tmp_path: Path) -> None:
    # The lifespan's start-up is over (the server starts answering) with the pages' imports done.
    assert _start(tmp_path) == ["False", "True", "True"]


def test_a_bad_setting_does_not_stop_the_server_starting(tmp_path: Path) -> None:
    # The page then reports the setting to the person; the server itself still starts.
    assert _start(tmp_path, ICS_CACHE_TTL_SECONDS="soon")[0] == "False"


def test_the_readme_run_command_starts_the_warmed_entrypoint() -> None:
    # `streamlit run FILE` serves FILE's st.App (with its lifespan) when it defines one, else runs FILE as a page.
    from streamlit.web.server.app_discovery import discover_asgi_app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/streamlit run dashboard/app.py" in readme
    assert "serve.py" not in readme
    found = discover_asgi_app(ROOT / "dashboard" / "app.py")
    assert found.is_asgi_app and found.import_string == "app:app"
    assert not discover_asgi_app(ROOT / "dashboard" / "router.py").is_asgi_app
