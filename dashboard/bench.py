"""``python -m dashboard bench``: the overview page against a worldwide database.

Builds a SQLite database of N status entries across 270 missions, then, in a new
process, runs the overview page script with Streamlit's AppTest and times:
a cold run (new process, empty caches), a warm rerun, a filter change, and, as the
baseline, the raw SQL that computes the same figures. Reports peak memory (RSS).
"""

import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.settings import ROOT
from dashboard.store.database import migrate

MISSIONS = 270
GOALS_PER_MISSION = 4
OBJECTIVES_PER_GOAL = 3
AGENCIES_PER_OBJECTIVE = 5
FIRST_FY, QUARTERS = 2023, 16
AGENCIES = ["State", "USAID", "DAO", "DEA", "DHS", "FAS", "FCS", "MAAG", "Peace Corps", "CDC", "FBI", "Treasury"]
STATUSES = ["Not started", "On track", "At risk", "Off track", "Completed"]
RISKS = ["Low", "Medium", "High", "Critical"]


def build_database(path: Path, entries: int, seed: int = 7) -> None:
    """Write ``entries`` status-update rows (first revisions, then further revisions) across 270 missions."""
    url = f"sqlite:///{path}"
    migrate(url)
    rng = random.Random(seed)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = OFF")  # a throwaway benchmark file
    con.executemany(
        "INSERT INTO agency (id, acronym, name) VALUES (?, ?, ?)",
        [(i + 1, a.replace(" ", ""), a) for i, a in enumerate(AGENCIES)],
    )
    pairs: list[tuple[int, int, int]] = []  # (objective_id, agency_id, working_group_id)
    objective_id = 0
    for m in range(1, MISSIONS + 1):
        con.execute(
            "INSERT INTO mission (id, country, post, strategy_start, strategy_end) VALUES (?, ?, ?, ?, ?)",
            (m, f"Country {m:03d}", f"Embassy {m:03d}", FIRST_FY, FIRST_FY + 3),
        )
        for g in range(1, GOALS_PER_MISSION + 1):
            goal_id = (m - 1) * GOALS_PER_MISSION + g
            con.execute(
                "INSERT INTO goal (id, mission_id, code, title, description, position) VALUES (?,?,?,?,?,?)",
                (goal_id, m, str(g), f"Goal {g} of mission {m}", "", g),
            )
            con.execute(
                "INSERT INTO working_group (id, mission_id, name, chair_agency_id) VALUES (?,?,?,1)",
                (goal_id, m, f"Goal {g} working group"),
            )
            for o in range(1, OBJECTIVES_PER_GOAL + 1):
                objective_id += 1
                con.execute(
                    "INSERT INTO objective (id, mission_id, goal_id, code, kind, title, justification, linkages, "
                    "risks, position) VALUES (?,?,?,?, 'mission', ?, '', '', '', ?)",
                    (objective_id, m, goal_id, f"{g}.{o}", f"Objective {g}.{o}", objective_id),
                )
                con.execute(
                    "INSERT INTO working_group_objective (working_group_id, objective_id) VALUES (?, ?)",
                    (goal_id, objective_id),
                )
                for k, agency in enumerate(rng.sample(range(1, len(AGENCIES) + 1), AGENCIES_PER_OBJECTIVE)):
                    con.execute(
                        "INSERT INTO objective_agency (objective_id, agency_id, role) VALUES (?, ?, ?)",
                        (objective_id, agency, "lead" if k == 0 else "contributing"),
                    )
                    pairs.append((objective_id, agency, goal_id))
    rows = []
    slots = [(p, q) for q in range(QUARTERS) for p in pairs]
    for n in range(entries):
        (obj, agency, wg), q = slots[n % len(slots)]
        revision = n // len(slots) + 1
        fy, quarter = FIRST_FY + q // 4, q % 4 + 1
        rows.append(
            (
                obj,
                agency,
                wg,
                fy,
                quarter,
                rng.choice(STATUSES),
                rng.randint(0, 100),
                rng.choice(RISKS),
                "",
                "",
                "",
                "",
                "approved",
                "bench@example.gov",
                "2025-01-01 00:00:00",
                revision,
                0,
            )
        )
        if len(rows) == 50_000:
            _insert(con, rows)
            rows = []
    _insert(con, rows)
    con.commit()
    con.execute("ANALYZE")
    con.close()


def _insert(con: sqlite3.Connection, rows: list[tuple]) -> None:
    con.executemany(
        "INSERT INTO status_update (objective_id, agency_id, working_group_id, fiscal_year, quarter, status, "
        "progress, risk_level, accomplishments, challenges, next_steps, risk_note, state, author, created_at, "
        "revision, is_demo) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


RAW_SQL = """
SELECT objective_id, fiscal_year, quarter, AVG(progress), MAX(status), MAX(risk_level), COUNT(*) FROM (
    SELECT su.*, ROW_NUMBER() OVER (PARTITION BY su.objective_id, su.agency_id, su.fiscal_year, su.quarter
                                    ORDER BY su.revision DESC) AS rn
    FROM status_update su JOIN objective o ON o.id = su.objective_id
    WHERE o.mission_id = ? AND su.state IN ('submitted', 'approved')
) WHERE rn = 1 GROUP BY objective_id, fiscal_year, quarter
"""


def raw_sql_seconds(path: Path, mission_id: int = 1, repeat: int = 5) -> float:
    """Median time of the SQL that computes the overview's figures for one mission, on a new connection."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        con = sqlite3.connect(path)
        con.execute(RAW_SQL, (mission_id,)).fetchall()
        con.execute(
            "SELECT * FROM objective_agency oa JOIN objective o ON o.id = oa.objective_id WHERE o.mission_id = ?",
            (mission_id,),
        ).fetchall()
        con.close()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def child() -> None:
    """Runs in a new process: time the overview page cold, warm and after a filter change."""
    import resource

    from streamlit.testing.v1 import AppTest

    app = str(ROOT / "dashboard" / "app.py")
    at = AppTest.from_file(app, default_timeout=300)
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"overview failed: {at.exception[0].message}")
    warm_runs = []
    for _ in range(5):
        start = time.perf_counter()
        at.run()
        warm_runs.append(time.perf_counter() - start)
    filter_runs = []
    for goals in (["2"], ["3"], ["1", "4"], []):
        start = time.perf_counter()
        at.sidebar.multiselect(key="ov_goal").set_value(goals).run()
        filter_runs.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "cold_s": cold,
                "warm_s": statistics.median(warm_runs),
                "filter_s": statistics.median(filter_runs),
                "peak_rss_mb": peak_mb,
            }
        )
    )


def run(entries: int, as_json: bool, keep: Path | None = None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="ics-bench-"))
    path = keep or workdir / "bench.db"
    if not path.exists():
        start = time.perf_counter()
        build_database(path, entries)
        if not as_json:
            print(f"built {entries:,} entries across {MISSIONS} missions in {time.perf_counter() - start:.1f} s")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "ICS_DEMO_ON_NEW_DATABASE": "false"}
    result = subprocess.run(
        [sys.executable, "-c", "from dashboard.bench import child; child()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError((result.stderr.strip().splitlines() or ["benchmark child failed"])[-1])
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    report = {
        "entries": entries,
        "cold_s": round(figures["cold_s"], 3),
        "warm_s": round(figures["warm_s"], 3),
        "filter_s": round(figures["filter_s"], 3),
        "raw_sql_s": round(raw_sql_seconds(path), 4),
        "peak_rss_mb": round(figures["peak_rss_mb"], 1),
    }
    if as_json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
    return 0
