"""Many sessions at once against one real server (``streamlit run dashboard/app.py``), on each database.

What must hold on any machine: every session, on the Overview and on the Missions page, finishes its script
run without an error, and the server's memory stays within the load test's bound. How long they take is
measured by ``python -m tests.load.load_sessions`` (a benchmark on an idle machine, not a timed test).
"""

from dashboard.services.bootstrap import init_database
from dashboard.settings import Settings
from tests.load.load_sessions import run

SESSIONS = 20


def test_sessions_arriving_together_all_finish(database_url: str) -> None:
    init_database(Settings(database_url=database_url), demo=True)
    report = run(SESSIONS, database_url, check_pages=0)
    assert report["succeeded"] == SESSIONS, report["failures"]
    assert report["failures"] == []
    assert report["growth_mb"] <= 100.0 * SESSIONS / 50, report
