"""The spreadsheet upload on the Submit page, through AppTest: one bad row writes nothing and says where and why."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.domain import actor
from dashboard.services import admin
from dashboard.services.bootstrap import init_database
from dashboard.settings import Settings
from dashboard.store.database import dispose_engine, get_engine, write_session

ROOT = Path(__file__).resolve().parents[2]
OFFICER = "officer@usaid.gov"
HEADER = "objective,agency,quarter,status,progress,risk_level,accomplishments,challenges,next_steps,risk_note\n"
GOOD = "1.1,USAID,FY2026 Q4,On track,40,Low,Trade mission held,,,\n"
BAD = "1.3,USAID,FY2026 Q4,On track,150,Low,Scholarships awarded,,,\n"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "upload.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ICS_DEMO_ON_NEW_DATABASE", "false")
    init_database(Settings(database_url=url), demo=False)
    with write_session(get_engine(url)) as session:
        admin.add_user(
            session=session, actor_email=actor.SYSTEM_ACTOR, email=OFFICER, role="contributor", agencies=["USAID"]
        )
    yield path
    dispose_engine(url)


def _rows(path: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT author, progress FROM status_update ORDER BY id").fetchall()


def _upload(content: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard" / "router.py"), default_timeout=60)
    at.session_state["auth_email"] = OFFICER
    at.run()
    at.switch_page(str(ROOT / "pages" / "submit.py"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.file_uploader(key="submit_upload").upload("q4.csv", content.encode(), "text/csv")
    at.run()
    at.button(key="submit_import").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_one_bad_row_writes_nothing_and_names_row_column_and_reason(db: Path) -> None:
    at = _upload(HEADER + GOOD + BAD)
    assert _rows(db) == []
    assert any("nothing" in e.value.lower() for e in at.error), [e.value for e in at.error]
    tables = [d.value for d in at.dataframe if list(d.value.columns) == ["Row", "Column", "Problem"]]
    assert len(tables) == 1, [e.value for e in at.error]
    report = tables[0]
    assert report.values.tolist() == [[3, "progress", report.iloc[0]["Problem"]]]
    assert "150" in report.iloc[0]["Problem"] and "100" in report.iloc[0]["Problem"]


def test_a_good_file_writes_every_row_once_even_when_uploaded_twice(db: Path) -> None:
    at = _upload(HEADER + GOOD)
    assert [s.value for s in at.success] == ["wrote 1 update: row 2 (1.1 USAID FY2026 Q4); 0 unchanged"]
    assert _rows(db) == [(OFFICER, 40)]
    again = _upload(HEADER + GOOD)
    assert [s.value for s in again.success] == ["wrote 0 updates, 1 unchanged"]
    assert _rows(db) == [(OFFICER, 40)]
