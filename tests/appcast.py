"""A cast of users on a fresh database, and AppTest helpers, for the page tests that depend on who is signed in.

``build(url)`` loads the bundled Peru strategy (no demo data) and adds the cast of ``tests/people.py``
(ADMIN, USAID, USAID2, DEA, CHAIR = CHAIR1 of Goal 1, VIEWER and the others).

STRANGER is a signed-in identity with no account. Passwords only where a test signs in through the form.

``app(email, mode)`` is an AppTest of the entrypoint with that identity: in "local" mode through
``st.session_state["auth_email"]``, in "oidc" mode through an ``[auth]`` secrets section and ``st.user``.
"""

import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

from dashboard.domain.fiscal import FiscalQuarter, reporting_quarter
from dashboard.settings import SETTINGS_DOC
from models.fields import UpdateKey
from tests.people import CAST
from tests.people import World as Cast
from tests.people import build as build_world

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "router.py"
PAGES = ROOT / "pages"
MODES = ["local", "oidc"]


OIDC_SECRETS: dict[str, Any] = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "c",
    "client_secret": "s",
    "server_metadata_url": "http://localhost/.well-known/openid-configuration",
}

# The quarter the submit page and the tracker open on: the one being reported, but not past the strategy's end.
STRATEGY_END = FiscalQuarter(2026, 4)


def default_quarter(today: date | None = None) -> FiscalQuarter:
    return min(reporting_quarter(today or date.today()), STRATEGY_END)


def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at a new SQLite file with no demo data and every other setting at its default."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ICS_DEMO_ON_NEW_DATABASE", "false")
    for name in SETTINGS_DOC:
        if name not in ("DATABASE_URL", "ICS_DEMO_ON_NEW_DATABASE"):
            monkeypatch.delenv(name, raising=False)
    return url


def build(url: str, cast: list[dict[str, Any]] = CAST, passwords: dict[str, str] | None = None) -> Cast:
    """Migrate, load the bundled strategy without demo data, and add ``cast`` (``passwords`` by e-mail).

    Built like the service tests' world (``tests.people.build``: a template copied per test).
    """
    passwords = passwords or {}
    people = [{**person, "password": passwords.get(person["email"])} for person in cast]
    return build_world(url, people)


@cache
def _component_manager() -> BidiComponentManager:
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def app(email: str | None, mode: str = "local") -> AppTest:
    """The entrypoint as ``email`` (None: nobody signed in) would open it, before its first run."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    # Each new AppTest scans every installed package for custom components (about 0.6 s); the app has none,
    # so all AppTests share one scan. Private attribute: if it goes away, AppTest simply scans again.
    at._bidi_component_manager = _component_manager()
    if mode == "oidc":
        at.secrets["auth"] = dict(OIDC_SECRETS)
        at.user = {"is_logged_in": True, "email": email} if email else {"is_logged_in": False}
    elif email:
        at.session_state["auth_email"] = email
    return at


def page(name: str) -> str:
    return str(PAGES / f"{name}.py")


def reachable(at: AppTest, name: str) -> bool:
    """Whether ``pages/<name>.py`` is in the navigation of ``at``'s last run (if it is, the next run opens it)."""
    try:
        at.switch_page(page(name))
    except ValueError as exc:
        assert "Could not find a navigation page" in str(exc), exc
        return False
    return True


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def start(email: str | None, mode: str = "local") -> AppTest:
    return ok(app(email, mode).run())


def open_page(at: AppTest, name: str) -> AppTest:
    at.switch_page(page(name))
    return ok(at.run())


def rendered(markdown: str) -> str:
    """What a person reads: the Markdown source without its backslash escapes and without the backticks of the
    code spans that hold e-mails and web addresses (see ``widgets.plain``)."""
    parts = re.split(r"(?<!\\)`([^`]*)`", markdown)
    return "".join(part if i % 2 else re.sub(r"\\(.)", r"\1", part) for i, part in enumerate(parts))


def texts(elements: Any) -> list[str]:
    """The text of each element as shown on the page."""
    return [rendered(str(e.value)) for e in elements]


def update_key(cast: Cast, code: str = "1.1", agency: str = "USAID", quarter: FiscalQuarter | None = None) -> UpdateKey:
    """One update (objective, agency and quarter); the submit page's widget keys for it come from
    ``views.submit_flow.widget_key(field, key)``."""
    quarter = quarter or default_quarter()
    return UpdateKey(cast.objectives[code], cast.agencies[agency], quarter.fiscal_year, quarter.quarter)


def frame_with(at: AppTest, column: str) -> Any:
    """The one table on the page that has ``column``."""
    frames = [df.value for df in at.dataframe if column in df.value.columns]
    assert len(frames) == 1, [list(df.value.columns) for df in at.dataframe]
    return frames[0]
