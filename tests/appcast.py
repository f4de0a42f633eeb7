"""A cast of users on a fresh database, and AppTest helpers, for the page tests that depend on who is signed in.

``build(url)`` loads the bundled Peru strategy (no demo data) and adds:

    ADMIN    admin
    USAID    contributor for USAID (lead on 1.1)
    USAID2   a second contributor for USAID (for conflicts)
    DEA      contributor for DEA (contributing on 2.1, not an agency on 1.1)
    CHAIR    chair of the Goal 1 working group (objectives 1.1 to 1.3)
    VIEWER   viewer

STRANGER is a signed-in identity with no account. Passwords only where a test signs in through the form.

``app(email, mode)`` is an AppTest of the entrypoint with that identity: in "local" mode through
``st.session_state["auth_email"]``, in "oidc" mode through an ``[auth]`` secrets section and ``st.user``.
"""

import json
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

from dashboard import admin, submissions
from dashboard.auth import SYSTEM_ACTOR
from dashboard.bootstrap import init_database
from dashboard.db import dispose_engine, get_engine, read_session, write_session
from dashboard.fiscal import FiscalQuarter, reporting_quarter
from dashboard.settings import SETTINGS_DOC, Settings
from models import Agency, Mission, Objective, StatusUpdate, UpdateInput
from models.tables import SQLModel

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
PAGES = ROOT / "pages"
MODES = ["local", "oidc"]

ADMIN = "admin@example.gov"
USAID = "usaid@example.gov"
USAID2 = "usaid2@example.gov"
DEA = "dea@example.gov"
CHAIR = "chair1@example.gov"
VIEWER = "viewer@example.gov"
STRANGER = "stranger@example.gov"
PASSWORD = "correct horse battery staple"

CAST: list[dict[str, Any]] = [
    {"email": ADMIN, "role": "admin"},
    {"email": USAID, "role": "contributor", "agencies": ["USAID"]},
    {"email": USAID2, "role": "contributor", "agencies": ["USAID"]},
    {"email": DEA, "role": "contributor", "agencies": ["DEA"]},
    {"email": CHAIR, "role": "chair", "groups": ["Goal 1"]},
    {"email": VIEWER, "role": "viewer"},
]

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


@dataclass
class Cast:
    url: str
    engine: Engine
    mission_id: int
    objectives: dict[str, int]  # code -> id
    agencies: dict[str, int]  # acronym -> id

    def form(
        self, code: str = "1.1", agency: str = "USAID", quarter: FiscalQuarter | None = None, **fields: Any
    ) -> UpdateInput:
        quarter = quarter or default_quarter()
        data: dict[str, Any] = {
            "objective_id": self.objectives[code],
            "agency_id": self.agencies[agency],
            "fiscal_year": quarter.fiscal_year,
            "quarter": quarter.quarter,
            "status": "On track",
            "progress": 40,
            "risk_level": "Low",
            "accomplishments": "Trained 40 customs officers.",
        }
        data.update(fields)
        return UpdateInput(**data)

    def submit(self, email: str, form: UpdateInput, base_revision: int = 0) -> StatusUpdate:
        with write_session(self.engine) as session:
            return submissions.submit(session=session, actor_email=email, form=form, base_revision=base_revision)

    def count(self, table: type[SQLModel]) -> int:
        with read_session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(table)).one())

    def all(self, table: type[SQLModel]) -> list[Any]:
        with read_session(self.engine) as session:
            return list(session.exec(select(table).order_by(table.id)).all())  # type: ignore[attr-defined]


def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at a new SQLite file with no demo data and every other setting at its default."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ICS_DEMO_ON_NEW_DATABASE", "false")
    for name in SETTINGS_DOC:
        if name not in ("DATABASE_URL", "ICS_DEMO_ON_NEW_DATABASE"):
            monkeypatch.delenv(name, raising=False)
    return url


_TEMPLATES: dict[str, tuple[Path, Cast]] = {}
_TEMPLATE_DIR = tempfile.TemporaryDirectory(prefix="appcast-")  # removed when the test process ends


def _build(url: str, cast: list[dict[str, Any]], passwords: dict[str, str]) -> Cast:
    init_database(Settings(database_url=url), demo=False)
    engine = get_engine(url)
    with write_session(engine) as session:
        for person in cast:
            admin.add_user(session=session, actor_email=SYSTEM_ACTOR, password=passwords.get(person["email"]), **person)
    with read_session(engine) as session:
        mission = session.exec(select(Mission).where(Mission.country == "Peru")).one()
        objectives = {o.code: o.id for o in session.exec(select(Objective).where(Objective.mission_id == mission.id))}
        agencies = {a.acronym: a.id for a in session.exec(select(Agency))}
    return Cast(url, engine, mission.id, objectives, agencies)  # type: ignore[arg-type]


def build(url: str, cast: list[dict[str, Any]] = CAST, passwords: dict[str, str] | None = None) -> Cast:
    """Migrate, load the bundled strategy without demo data, add ``cast`` (``passwords`` by e-mail).

    The first call for a cast builds a template database; later calls copy it with SQLite's backup API
    (the same database, without repeating the migrations and the password hashing).
    """
    passwords = passwords or {}
    name = json.dumps([cast, passwords], sort_keys=True)
    if name not in _TEMPLATES:
        path = Path(_TEMPLATE_DIR.name) / f"template{len(_TEMPLATES)}.db"
        _TEMPLATES[name] = (path, _build(f"sqlite:///{path}", cast, passwords))
        dispose_engine(f"sqlite:///{path}")
    path, template = _TEMPLATES[name]
    target = url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return replace(template, url=url, engine=get_engine(url))


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


def texts(elements: Any) -> list[str]:
    return [str(e.value) for e in elements]


def form_key(cast: Cast, code: str = "1.1", agency: str = "USAID", quarter: FiscalQuarter | None = None) -> str:
    """The suffix of the submit page's widget keys for one update (objective, agency and quarter)."""
    quarter = quarter or default_quarter()
    return f"{cast.objectives[code]}_{cast.agencies[agency]}_{quarter.fiscal_year}_{quarter.quarter}"


def frame_with(at: AppTest, column: str) -> Any:
    """The one table on the page that has ``column``."""
    frames = [df.value for df in at.dataframe if column in df.value.columns]
    assert len(frames) == 1, [list(df.value.columns) for df in at.dataframe]
    return frames[0]
