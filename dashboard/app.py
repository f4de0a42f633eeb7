"""Entrypoint: ``streamlit run dashboard/app.py``. Serves the page script ``dashboard/router.py``, warmed at server
start.

Streamlit runs a page script only when a browser connects, so the first visitor after a start would pay the
imports (pandas, plotly, SQLAlchemy, the app's modules: about 1.5 s), the migration check and the first mission's
reads. Here an ASGI lifespan hook (``st.App``) does that work as the server starts: the imports before it answers
(they cannot hang, and a visitor's page would wait for them anyway, while they also slowed the serving of the
page's own files), the database reads in the background after, so a visitor who arrives meanwhile waits only for
what is left and a server whose database is down still starts and says so on the page.
"""

import asyncio
import gc
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard.web import session_cookie, upload_guard  # noqa: E402


def load_modules() -> None:
    """Import what every page needs. Nothing here reaches the database."""
    import plotly.graph_objects  # noqa: F401

    from dashboard.views import charts, missions, overview  # noqa: F401
    from dashboard.web import account, brief_button, cache, gate, identity, sidebar, widgets  # noqa: F401


def warm() -> None:
    """Import what every page needs and fill the shared caches a first visit reads (engine, missions, the
    visitors' mission's expected pairs and updates, and its overview as a visit without a link draws it), then
    freeze what start-up made (modules, plotly's validators, the engine) so Python's own collections skip it.
    Failures are left for the page to report."""
    try:
        load_modules()  # nothing left to do when the server start did it
        from dashboard.web import cache, config, sidebar

        url = config.settings().database_url
        cache.engine_for(url)
        cache.follow_other_writers(url)  # the version the warmed caches hold, so a later write drops them
        frame = cache.missions(url)
        mission_id = sidebar.visitors_mission()
        if mission_id is not None:  # the mission visitors open on, as a visit without a link shows it
            mission = frame.set_index("mission_id").loc[mission_id]
            _, first_view = sidebar.quarter_choices(cache.updates(url, mission_id), mission, mission_id)
            cache.overview_bundle(url, mission_id, first_view)
    except Exception:  # noqa: BLE001, S110  (the first page run reports any problem to the person)
        pass
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    try:
        await asyncio.to_thread(load_modules)
    except Exception:  # noqa: BLE001, S110  (a bad setting, say: the first page run reports it to the person)
        pass
    threading.Thread(target=warm, name="ics-warm-up", daemon=True).start()
    yield None


app = st.App(
    str(Path(__file__).with_name("router.py")),
    lifespan=lifespan,
    middleware=upload_guard.MIDDLEWARE,
    routes=session_cookie.ROUTES,  # the sign-in cookie (web/session_cookie.py)
)
