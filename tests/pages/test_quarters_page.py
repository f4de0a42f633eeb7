"""The Closed quarters page, as an anonymous visitor: the closed quarters listed from their records, and what
moved between two of them, worse first; with fewer than two, it says what is needed."""

from datetime import date
from pathlib import Path

import pytest

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import quarters
from dashboard.settings import Settings
from dashboard.store.database import dispose_engine, get_engine, write_session
from dashboard.views import quarter_record
from dashboard.web import cache
from tests.appcast import app, ok, open_page, texts
from tests.people import ADMIN, build

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _close(url: str, quarter: FiscalQuarter) -> None:
    engine = get_engine(url)
    settings = Settings(database_url=url)
    with write_session(engine) as session:
        quarters.close(
            session=session,
            actor_email=ADMIN,
            mission_id=1,
            quarter=quarter,
            today=date(2026, 11, 23),
            record=quarter_record.reader(1, quarter, settings),
        )


def test_closed_quarters_are_listed_and_two_compare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    build(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ICS_DEMO_ON_NEW_DATABASE", "false")
    monkeypatch.setattr(cache, "VERSION_CHECK_SECONDS", 0.0)  # a close from elsewhere shows on the next view
    at = open_page(ok(app(None).run()), "quarters")
    assert any("No quarter of this mission has been closed yet" in t for t in texts(at.info))

    _close(url, FiscalQuarter(2026, 3))
    at = open_page(ok(app(None).run()), "quarters")
    assert list(at.dataframe[0].value["Quarter"]) == ["FY2026 Q3"]
    assert any("Two closed quarters are needed" in t for t in texts(at.info))

    _close(url, FiscalQuarter(2026, 4))
    at = open_page(ok(app(None).run()), "quarters")
    assert list(at.dataframe[0].value["Quarter"]) == ["FY2026 Q4", "FY2026 Q3"]
    assert any(t.startswith("Nothing moved between FY2026 Q3 and FY2026 Q4") for t in texts(at.caption))
    at.selectbox(key="q_earlier").set_value(FiscalQuarter(2026, 4)).run()
    assert any("Pick two different quarters" in t for t in texts(at.info))
    dispose_engine(url)
