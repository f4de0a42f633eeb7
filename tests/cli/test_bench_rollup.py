"""``bench``'s roll-up figure times the Missions page on empty caches: its grouped SQL runs in every round."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import bench
from dashboard.store import rollup
from dashboard.store.database import dispose_engine

ROOT = Path(__file__).resolve().parents[2]


def test_every_round_of_the_missions_figure_runs_the_pages_sql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bench.db"
    bench.build_database(path, 5_000)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ICS_DEMO_ON_NEW_DATABASE", "false")
    runs: list[int] = []
    real = rollup.objective_quarters_frame
    monkeypatch.setattr(rollup, "objective_quarters_frame", lambda *a, **k: runs.append(1) or real(*a, **k))
    try:
        at = AppTest.from_file(str(ROOT / "dashboard" / "router.py"), default_timeout=120).run()
        figures = bench.rollup_figures(at)
    finally:
        dispose_engine(url)
    assert len(runs) == 3  # one per round: nothing cached from the round before
    assert figures["missions_page_s"] > 0 and figures["missions_sql_s"] > 0


def test_the_generated_database_has_three_indicators_an_objective_and_status_reads_every_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    path = tmp_path / "bench.db"
    bench.build_database(path, 5_000)
    monkeypatch.setenv("ICS_DEMO_ON_NEW_DATABASE", "false")
    with sqlite3.connect(path) as con:
        objectives = con.execute("SELECT COUNT(*) FROM objective").fetchone()[0]
        indicators = con.execute("SELECT COUNT(*) FROM indicator").fetchone()[0]
        per_year = con.execute("SELECT COUNT(DISTINCT fiscal_year) FROM indicator_target").fetchone()[0]
        values = con.execute("SELECT COUNT(*) FROM indicator_value").fetchone()[0]
    assert indicators == 3 * objectives and per_year == 4
    assert values == objectives * (16 + 16 + 8)  # two quarterly indicators and a semiannual one, 16 quarters
    try:
        figures = bench.status_figures(path, rounds=1)
    finally:
        dispose_engine(f"sqlite:///{path}")
    assert figures["status_indicators"] == indicators
    assert figures["status_s"] > 0 and figures["status_sql_s"] > 0
