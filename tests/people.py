"""A standard cast on the bundled Peru strategy, shared by the auth, admin, submission and concurrency tests.

``build(url)`` migrates and loads the bundled strategy (objectives 1.1..4.3 and M1, the eight
agencies and the five working groups), then adds these users without passwords (scrypt is
slow; the sign-in tests add the one password they need):

    ADMIN      admin
    USAID      contributor for USAID (lead on 1.1)
    USAID2     a second contributor for USAID (for conflicts on the pages)
    STATE      contributor for State (contributing on 1.1; State is an agency on every Peru objective)
    STATE2     a second contributor for State (for conflicts)
    DEA        contributor for DEA (not an agency on 1.1; contributing on 2.1)
    CHAIR1     chair of the Goal 1 working group (objectives 1.1, 1.2, 1.3)
    CHAIR2     chair of the Goal 2 working group (objectives 2.1, 2.2)
    VIEWER     viewer
    DISABLED   contributor for USAID, disabled

STRANGER is signed in (an e-mail from OIDC) but has no account.
"""

import atexit
import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy.engine import make_url
from sqlmodel import select

from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import admin, submissions
from dashboard.services.bootstrap import init_database
from dashboard.settings import Settings
from dashboard.store.database import dispose_engine, get_engine, read_session, write_session
from models import Agency, AuditEntry, Mission, Objective, StatusUpdate, UpdateInput
from models.fields import UpdateKey
from models.tables import SQLModel

TODAY = date(2026, 11, 23)  # in FY2027 Q1: FY2026 Q4 has ended, the strategy ran FY2022..FY2026
QUARTER = FiscalQuarter(2026, 4)
PASSWORD = "correct horse battery staple"

ADMIN = "admin@example.gov"
USAID = "usaid@example.gov"
STATE = "state@example.gov"
STATE2 = "state2@example.gov"
USAID2 = "usaid2@example.gov"
DEA = "dea@example.gov"
CHAIR1 = "chair1@example.gov"
CHAIR2 = "chair2@example.gov"
VIEWER = "viewer@example.gov"
DISABLED = "disabled@example.gov"
STRANGER = "stranger@example.gov"

CAST: list[dict[str, Any]] = [
    {"email": ADMIN, "role": "admin"},
    {"email": USAID, "role": "contributor", "agencies": ["USAID"]},
    {"email": USAID2, "role": "contributor", "agencies": ["USAID"]},
    {"email": STATE, "role": "contributor", "agencies": ["State"]},
    {"email": STATE2, "role": "contributor", "agencies": ["State"]},
    {"email": DEA, "role": "contributor", "agencies": ["DEA"]},
    {"email": CHAIR1, "role": "chair", "groups": ["Goal 1"]},
    {"email": CHAIR2, "role": "chair", "groups": ["Goal 2"]},
    {"email": VIEWER, "role": "viewer"},
    {"email": DISABLED, "role": "contributor", "agencies": ["USAID"]},
]


@dataclass
class World:
    url: str
    engine: Engine
    mission_id: int
    objectives: dict[str, int]  # code -> id
    agencies: dict[str, int]  # acronym -> id

    def form(
        self, code: str = "1.1", agency: str = "USAID", quarter: FiscalQuarter = QUARTER, **fields: Any
    ) -> UpdateInput:
        """A valid update for an objective and agency; ``fields`` override the defaults."""
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

    def key(self, code: str = "1.1", agency: str = "USAID", quarter: FiscalQuarter = QUARTER) -> UpdateKey:
        return UpdateKey(self.objectives[code], self.agencies[agency], quarter.fiscal_year, quarter.quarter)

    def count(self, table: type[SQLModel]) -> int:
        with read_session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(table)).one())

    def all(self, table: type[SQLModel]) -> list[Any]:
        with read_session(self.engine) as session:
            return list(session.exec(select(table).order_by(table.id)).all())  # type: ignore[attr-defined]

    def audit_count(self) -> int:
        return self.count(AuditEntry)

    def submit(self, email: str | None, form: UpdateInput, base_revision: int = 0) -> StatusUpdate:
        with write_session(self.engine) as session:
            return submissions.submit(
                session=session, actor_email=email, form=form, base_revision=base_revision, today=TODAY
            )

    def review(self, email: str | None, status_update_id: int, decision: str, comment: str = "") -> None:
        with write_session(self.engine) as session:
            submissions.review(
                session=session,
                actor_email=email,
                status_update_id=status_update_id,
                decision=decision,
                comment=comment,
            )


def build(url: str, cast: list[dict[str, Any]] = CAST) -> World:
    """The bundled strategy plus ``cast`` in the empty database at ``url``.

    A SQLite file is a copy of one built the same way earlier in this process (building
    takes a few hundred milliseconds, copying a millisecond); PostgreSQL is built in place.
    """
    database = make_url(url).database
    if make_url(url).get_backend_name() == "sqlite" and database and not Path(database).exists():
        shutil.copyfile(_sqlite_template(cast), database)
    else:
        _populate(url, cast)
    engine = get_engine(url)
    with read_session(engine) as session:
        mission = session.exec(select(Mission).where(Mission.country == "Peru")).one()
        assert mission.id is not None
        objectives = {o.code: o.id for o in session.exec(select(Objective).where(Objective.mission_id == mission.id))}
        agencies = {a.acronym: a.id for a in session.exec(select(Agency))}
    return World(url, engine, mission.id, objectives, agencies)  # type: ignore[arg-type]


def _populate(url: str, cast: list[dict[str, Any]]) -> None:
    init_database(Settings(database_url=url), demo=False)
    with write_session(get_engine(url)) as session:
        for person in cast:
            admin.add_user(session=session, actor_email=SYSTEM_ACTOR, **person)
        if any(p["email"] == DISABLED for p in cast):
            admin.update_user(session=session, actor_email=SYSTEM_ACTOR, email=DISABLED, disabled=True)


_TEMPLATES: dict[str, Path] = {}


def demo_template() -> Path:
    """A SQLite file with the bundled strategy and the demo history, built once per process (no users)."""
    if "demo" not in _TEMPLATES:
        path = Path(tempfile.mkdtemp(prefix="ics-demo-")) / "demo.db"
        atexit.register(shutil.rmtree, path.parent, ignore_errors=True)
        url = f"sqlite:///{path}"
        init_database(Settings(database_url=url), demo=True)
        with get_engine(url).connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        dispose_engine(url)
        _TEMPLATES["demo"] = path
    return _TEMPLATES["demo"]


def _sqlite_template(cast: list[dict[str, Any]]) -> Path:
    key = json.dumps(cast, sort_keys=True)
    if key not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="ics-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "template.db"
        url = f"sqlite:///{path}"
        _populate(url, cast)
        with get_engine(url).connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        dispose_engine(url)
        _TEMPLATES[key] = path
    return _TEMPLATES[key]
