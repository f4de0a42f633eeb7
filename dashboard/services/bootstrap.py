"""Getting a database ready: migrate, load the bundled strategy, and the demo history on a new database."""

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import select

from dashboard.domain.fiscal import FiscalQuarter, reporting_quarter
from dashboard.formats.ics_document import parse_ics_file
from dashboard.services.demo import seed_demo
from dashboard.services.strategy_import import ImportResult, apply_structure, import_strategy, load_agencies
from dashboard.settings import DATA_DIR, Settings
from dashboard.store.database import get_engine, is_empty, migrate, read_session, write_session
from models import Mission

BUNDLED_ICS = DATA_DIR / "ics_peru.md"
BUNDLED_AGENCIES = DATA_DIR / "agencies.csv"
BUNDLED_STRUCTURE = DATA_DIR / "peru_structure.json"


@dataclass
class InitReport:
    new_database: bool
    imported: ImportResult
    agencies_added: int
    structure_added: int
    demo_rows: int

    def lines(self) -> list[str]:
        return [
            "database: " + ("created" if self.new_database else "up to date"),
            "strategy: " + self.imported.summary(),
            f"agencies added: {self.agencies_added}",
            f"roles and working groups added: {self.structure_added}",
            f"demo status updates written: {self.demo_rows}",
        ]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def demo_through(mission: Mission, today: date) -> FiscalQuarter:
    """The last demo quarter: the quarter being reported now, but not past the strategy's end."""
    return min(reporting_quarter(today), FiscalQuarter(mission.strategy_end, 4))


def init_database(settings: Settings, *, demo: bool, today: date | None = None) -> InitReport:
    """Migrate, then load the bundled ICS, agencies and working groups; optionally the demo history.

    Idempotent: a second run adds nothing. One transaction for the data, so a
    failure leaves the database as it was.
    """
    today = today or date.today()
    new = is_empty(settings.database_url)
    migrate(settings.database_url)
    strategy = parse_ics_file(BUNDLED_ICS, max_bytes=settings.max_import_bytes)
    with write_session(get_engine(settings.database_url)) as session:
        agencies_added = load_agencies(session=session, path=BUNDLED_AGENCIES)
        imported = import_strategy(
            session=session, strategy=strategy, source_sha256=sha256_of(BUNDLED_ICS), record=False
        )
        structure_added = apply_structure(session=session, path=BUNDLED_STRUCTURE)
        demo_rows = 0
        if demo:
            mission = session.get(Mission, imported.mission_id)
            assert mission is not None
            demo_rows = seed_demo(session=session, mission_id=imported.mission_id, through=demo_through(mission, today))
    return InitReport(new, imported, agencies_added, structure_added, demo_rows)


def ensure_ready(settings: Settings) -> InitReport | None:
    """Called on app start: set up a new database (with demo data if the setting allows); migrate an old one."""
    if is_empty(settings.database_url):
        return init_database(settings, demo=settings.demo_on_new_database)
    migrate(settings.database_url)
    with read_session(get_engine(settings.database_url)) as session:
        if session.exec(select(Mission)).first() is not None:
            return None
    return init_database(settings, demo=settings.demo_on_new_database)
