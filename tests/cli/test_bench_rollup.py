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
