"""The settings a script run works with: read once at the start of every run and handed down from there.

The entrypoint calls ``begin_run()`` first thing; every page, cache and widget then takes ``settings()``, the
same object for the whole run, instead of reading the environment again. ``use()`` fixes the settings for the
process instead (tests build a ``Settings`` rather than changing the environment).
"""

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from dashboard.settings import Settings

_KEY = "_ics_settings"
_fixed: Settings | None = None


def use(settings: Settings | None) -> None:
    """Run with ``settings`` from now on (None: read the environment again on every run)."""
    global _fixed
    _fixed = settings


def _read() -> Settings:
    return _fixed if _fixed is not None else Settings.from_env()


def begin_run() -> Settings:
    """Read the settings for this run (raises ValueError with a one-line message on a bad value)."""
    settings = _read()
    st.session_state[_KEY] = settings
    return settings


def settings() -> Settings:
    """This run's settings; outside a run (the server's warm-up, a command) the ones in force now."""
    current = None
    if get_script_run_ctx(suppress_warning=True) is not None:  # no session in the warm-up thread or a command
        current = st.session_state.get(_KEY)
    return current if isinstance(current, Settings) else _read()
