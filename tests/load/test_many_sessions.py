"""Many sessions at once against one real server (``streamlit run dashboard/app.py``), on each database.

What must hold on any machine: every session, on the Overview and on the Missions page, finishes its script
run without an error, and the server's memory stays within the load test's bound. How long they take is
measured by ``python -m tests.load.load_sessions`` (a benchmark on an idle machine, not a timed test).
"""

from dashboard.services.bootstrap import init_database
from dashboard.settings import Settings
from tests.load.load_sessions import run
from tests.proxy.nginx import require_nginx

SESSIONS = 20


def test_sessions_arriving_together_all_finish(database_url: str) -> None:
    init_database(Settings(database_url=database_url), demo=True)
    report = run(SESSIONS, database_url, check_pages=0)
    assert report["succeeded"] == SESSIONS, report["failures"]
    assert report["failures"] == []
    assert report["growth_mb"] <= 100.0 * SESSIONS / 50, report


def test_two_replicas_behind_the_proxy_share_the_sessions(database_url: str) -> None:
    """The shipped nginx configuration in front of two servers on one database: each session stays on one
    replica (the proxy's sticky key), both replicas serve some, and every one finishes."""
    require_nginx()
    init_database(Settings(database_url=database_url), demo=True)
    report = run(SESSIONS, database_url, check_pages=0, replicas=2)
    assert report["succeeded"] == SESSIONS, report["failures"]
    shares = report["sessions_per_replica"]
    assert len(shares) == 2 and min(shares) > 0 and sum(shares) >= SESSIONS, report
