"""``python -m dashboard bench``: the overview page against a worldwide database.

Builds a SQLite database of N status entries across 270 missions, with three indicators per objective (about
10,000), their yearly targets and a value for every quarter they report (about 130,000), then, in a new
process, runs the overview page script with Streamlit's AppTest and times:
a cold run (new process, empty caches), a warm rerun, a filter change, and, as the
baseline, the raw SQL that computes the same figures. Reports peak memory (RSS). Also times
``indicators status`` for every mission against the same grouping written as raw SQL, and closing every
mission's quarter at once (``quarter close --all-missions``) against the same reads replayed raw.
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
from datetime import date
from pathlib import Path

from dashboard.settings import ROOT
from dashboard.store.database import migrate
from models.quarters import quarter_index, quarter_of_index
from models.scales import BUREAUS

MISSIONS = 270
GOALS_PER_MISSION = 4
OBJECTIVES_PER_GOAL = 3
AGENCIES_PER_OBJECTIVE = 5
INDICATORS_PER_OBJECTIVE = 3
FIRST_FY, QUARTERS = 2023, 16
AGENCIES = ["State", "USAID", "DAO", "DEA", "DHS", "FAS", "FCS", "MAAG", "Peace Corps", "CDC", "FBI", "Treasury"]
STATUSES = ["Not started", "On track", "At risk", "Off track", "Completed"]
RISKS = ["Low", "Medium", "High", "Critical"]
BUREAU_CODES = list(BUREAUS)  # the missions are spread over the six regional bureaus in turn


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
    for m in range(1, MISSIONS + 1):
        pairs += _insert_mission(con, m, rng)
    _insert_entries(con, pairs, entries, rng)
    _insert_indicators(con, pairs, rng)
    con.commit()
    con.execute("ANALYZE")
    con.close()


def _insert_mission(con: sqlite3.Connection, m: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """Mission ``m`` with its goals (one working group each), objectives and agencies; returns the
    (objective_id, agency_id, working_group_id) pairs that report."""
    con.execute(
        "INSERT INTO mission (id, country, post, strategy_start, strategy_end, bureau) VALUES (?, ?, ?, ?, ?, ?)",
        (
            m,
            f"Country {m:03d}",
            f"Embassy {m:03d}",
            FIRST_FY,
            FIRST_FY + 3,
            BUREAU_CODES[(m - 1) % len(BUREAU_CODES)],
        ),
    )
    pairs: list[tuple[int, int, int]] = []
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
            objective_id = (goal_id - 1) * OBJECTIVES_PER_GOAL + o
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
    return pairs


def _insert_entries(
    con: sqlite3.Connection, pairs: list[tuple[int, int, int]], entries: int, rng: random.Random
) -> None:
    """``entries`` status updates: every pair in every quarter gets a first revision before any gets a second."""
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


def _insert_indicators(con: sqlite3.Connection, pairs: list[tuple[int, int, int]], rng: random.Random) -> None:
    """Three indicators per objective, reported by its lead agency (the first pair of each objective): a baseline
    in the year before the strategy, a target for each of its four years and a value for each of its quarters,
    spread around the target path so every rating occurs."""
    leads: dict[int, int] = {}
    for objective_id, agency_id, _ in pairs:
        leads.setdefault(objective_id, agency_id)
    sheets, targets, values = [], [], []
    for objective_id, agency_id in leads.items():
        for k in range(INDICATORS_PER_OBJECTIVE):
            indicator_id = (objective_id - 1) * INDICATORS_PER_OBJECTIVE + k + 1
            down = k == 2
            baseline, step = (60.0, -6.0) if down else (100.0, 25.0)
            frequency = ("quarterly", "quarterly", "semiannual")[k]
            sheets.append(
                (indicator_id, objective_id, f"x.{k + 1}", f"Indicator {k + 1}", "number", baseline, FIRST_FY - 1,
                 baseline + 4 * step, "down" if down else "up", frequency, agency_id)
            )  # fmt: skip
            for year in range(4):
                targets.append((indicator_id, FIRST_FY + year, 0, baseline + (year + 1) * step))
            for q in range(QUARTERS):
                if frequency == "semiannual" and q % 2 == 0:
                    continue
                path = baseline + step * (q + 1) / 4
                values.append(
                    (indicator_id, FIRST_FY + q // 4, q % 4 + 1, round(path * rng.uniform(0.8, 1.1), 1),
                     "bench@example.gov", "2025-01-01 00:00:00", 0, 1, agency_id)
                )  # fmt: skip
    con.executemany(
        "INSERT INTO indicator (id, objective_id, code, name, unit, baseline, baseline_fy, target, direction, "
        "frequency, agency_id, definition, calculation, data_source, collection_method, disaggregation, "
        "data_quality, is_demo) VALUES (?,?,?,?,?,?,?,?,?,?,?,'','','','','','',0)",
        sheets,
    )
    con.executemany(
        "INSERT INTO indicator_target (indicator_id, fiscal_year, quarter, value) VALUES (?,?,?,?)", targets
    )
    con.executemany(
        "INSERT INTO indicator_value (indicator_id, fiscal_year, quarter, value, author, created_at, is_demo, "
        "revision, agency_id, note) VALUES (?,?,?,?,?,?,?,?,?,'')",
        values,
    )


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

    app = str(ROOT / "dashboard" / "router.py")
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
    rollup = rollup_figures(at)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "cold_s": cold,
                "warm_s": statistics.median(warm_runs),
                "filter_s": statistics.median(filter_runs),
                "peak_rss_mb": peak_mb,
                **rollup,
            }
        )
    )


def rollup_sql_seconds(url: str, first_qindex: int, last_qindex: int) -> float:
    """The Missions page's three grouped statements and the evidence's three reads, run raw (no pandas, no
    Streamlit) on a new connection."""
    from sqlalchemy import bindparam, create_engine, text

    from dashboard.settings import Settings
    from dashboard.store import rollup

    params: dict[str, object] = {
        "states": list(Settings.from_env().counted_states),
        "first": first_qindex,
        "last": last_qindex,
        "first_year": first_qindex // 4,
        "last_year": last_qindex // 4,
    }
    engine = create_engine(url)
    start = time.perf_counter()
    dialect = engine.dialect.name
    with engine.connect() as connection:
        connection.execute(
            text(rollup.objective_quarters_sql(None, params, dialect)).bindparams(bindparam("states", expanding=True)),
            params,
        ).all()
        connection.execute(text(rollup.mission_expected_sql(dialect).format(scope="")), {"qindex": last_qindex}).all()
        connection.execute(text(rollup.MISSION_GOALS_SQL.format(scope=""))).all()
        _indicator_reads(connection, params["states"], quarter_of_index(last_qindex))  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


def rollup_figures(at: "AppTest") -> dict[str, float]:  # noqa: F821
    """The Missions page on empty caches (its SQL runs) against the same statements run raw, alternately,
    three rounds each; medians."""
    from dashboard.domain.fiscal import FiscalQuarter, reporting_quarter
    from dashboard.settings import Settings
    from dashboard.web import cache

    at.switch_page("../pages/missions.py")
    last = min(reporting_quarter(date.today()), FiscalQuarter(FIRST_FY + 3, 4))
    first = FiscalQuarter.parse(f"{last.fiscal_year - 2}Q{last.quarter}").next()
    page_runs, sql_runs = [], []
    for _ in range(3):
        cache.after_write()  # as after any write: every cached read and built page dropped
        start = time.perf_counter()
        at.run()
        page_runs.append(time.perf_counter() - start)
        if at.exception:
            raise SystemExit(f"missions page failed: {at.exception[0].message}")
        sql_runs.append(rollup_sql_seconds(Settings.from_env().database_url, first.index, last.index))
    return {"missions_page_s": statistics.median(page_runs), "missions_sql_s": statistics.median(sql_runs)}


def _indicator_reads(connection: "Connection", states: tuple[str, ...], quarter: tuple[int, int]) -> None:  # noqa: F821
    """The evidence's three reads for every mission (sheets, targets, the quarter's newest counted values), raw."""
    from dashboard.store import indicators

    for statement, given in (
        (indicators.sheets_statement, ()),
        (indicators.targets_statement, ()),
        (indicators.actuals_statement, (tuple(states), quarter)),
    ):
        params: dict[str, object] = {}
        connection.execute(statement(None, None, *given, params), params).all()  # type: ignore[operator]


def status_sql_seconds(url: str, fiscal_year: int, quarter: int) -> float:
    """The statements ``indicators status`` runs for every mission (the quarter's grouped statuses, the sheets,
    the targets and the quarter's newest counted values), run raw (no pandas) on a new connection."""
    from sqlalchemy import bindparam, create_engine, text

    from dashboard.settings import Settings
    from dashboard.store import rollup

    states = Settings.from_env().counted_states
    qindex = quarter_index(fiscal_year, quarter)
    engine = create_engine(url)
    start = time.perf_counter()
    with engine.connect() as connection:
        params: dict[str, object] = {"states": list(states), "first": qindex, "last": qindex}
        params |= {"first_year": fiscal_year, "last_year": fiscal_year}
        grouped = text(rollup.objective_quarters_sql(None, params, engine.dialect.name))
        connection.execute(grouped.bindparams(bindparam("states", expanding=True)), params).all()
        _indicator_reads(connection, states, (fiscal_year, quarter))
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


def status_figures(path: Path, rounds: int = 3) -> dict[str, float]:
    """What ``indicators status --quarter Q --json`` does for every mission (one read of each kind, every mission
    rated, its JSON written), in this process on a new engine, against the same statements run raw
    (``status_sql_seconds``); alternately, medians."""
    from dashboard.domain.fiscal import FiscalQuarter
    from dashboard.settings import Settings
    from dashboard.store.database import dispose_engine, get_engine
    from dashboard.views import evidence

    quarter = FiscalQuarter(FIRST_FY + QUARTERS // 4 - 1, 4)
    url = f"sqlite:///{path}"
    settings = Settings(database_url=url)
    command, raw = [], []
    for _ in range(rounds):
        dispose_engine(url)
        start = time.perf_counter()
        found = evidence.for_missions(
            get_engine(url), quarter, states=settings.counted_states, on_target=settings.indicator_on_target
        )
        out = json.dumps(list(evidence.status_documents(found).values()))
        command.append(time.perf_counter() - start)
        raw.append(status_sql_seconds(url, quarter.fiscal_year, quarter.quarter))
    documents = json.loads(out)
    return {
        "status_s": statistics.median(command),
        "status_sql_s": statistics.median(raw),
        "status_indicators": sum(len(d["indicators"]) for d in documents),
    }


def close_figures(path: Path) -> dict[str, float]:
    """Closing FY2026 Q4 for every mission at once, as ``quarter close --all-missions`` does (on a copy of the
    database), against the same reads run raw: every SELECT the close ran, captured as it ran and replayed on a new
    connection."""
    from sqlalchemy import event

    from dashboard.domain.actor import SYSTEM_ACTOR
    from dashboard.domain.fiscal import FiscalQuarter
    from dashboard.services import quarters
    from dashboard.settings import Settings
    from dashboard.store.database import dispose_engine, get_engine, transact
    from dashboard.views import quarter_records

    copy = Path(tempfile.mkdtemp(prefix="ics-close-")) / "close.db"
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    url = f"sqlite:///{copy}"
    migrate(url)  # a database generated before quarters closed gets the table
    settings = Settings(database_url=url)
    engine = get_engine(url)
    reads: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            reads.append((statement, parameters))

    quarter, today = FiscalQuarter(FIRST_FY + 3, 4), date(FIRST_FY + 4, 1, 15)
    event.listen(engine, "before_cursor_execute", capture)
    start = time.perf_counter()
    rows, skipped = transact(
        engine,
        lambda s: quarters.close_many(
            session=s,
            actor_email=SYSTEM_ACTOR,
            mission_ids=None,
            quarter=quarter,
            today=today,
            records=quarter_records.reader(quarter, settings),
        ),
    )
    closing = time.perf_counter() - start
    event.remove(engine, "before_cursor_execute", capture)
    if skipped or len(rows) != MISSIONS:
        raise RuntimeError(f"closed {len(rows)} of {MISSIONS} missions' quarters")
    dispose_engine(url)
    connection = sqlite3.connect(copy)
    start = time.perf_counter()
    for statement, parameters in reads:
        connection.execute(statement, parameters).fetchall()  # type: ignore[arg-type]
    raw = time.perf_counter() - start
    connection.close()
    return {
        "close_all_s": closing,
        "close_sql_s": raw,
        "close_reads": len(reads),
        "record_kb": statistics.median(row.size for row in rows) / 1024,
    }


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
        "missions_page_s": round(figures["missions_page_s"], 3),
        "missions_sql_s": round(figures["missions_sql_s"], 3),
        "missions_ratio": round(figures["missions_page_s"] / figures["missions_sql_s"], 2),
    }
    status = status_figures(path)
    report["status_indicators"] = status["status_indicators"]
    report["status_s"] = round(status["status_s"], 3)
    report["status_sql_s"] = round(status["status_sql_s"], 3)
    report["status_ratio"] = round(status["status_s"] / status["status_sql_s"], 2)
    closing = close_figures(path)
    report["close_all_s"] = round(closing["close_all_s"], 2)
    report["close_sql_s"] = round(closing["close_sql_s"], 2)
    report["close_ratio"] = round(closing["close_all_s"] / closing["close_sql_s"], 2)
    report["record_kb"] = round(closing["record_kb"], 1)
    if as_json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
    return 0


# --------------------------------------------------------------------------- in the browser

FLOOR_SCRIPT = '''"""Streamlit's floor: one file drawing the overview's eight plotly figures, nothing else."""
import json
import sys

import plotly.io as pio
import streamlit as st

st.set_page_config(layout="wide")
st.title("Floor")
with open(sys.argv[1], encoding="utf-8") as handle:
    figures = json.load(handle)
for i, text in enumerate(figures):
    st.plotly_chart(pio.from_json(text), key=f"chart_{i}")
'''

# Done: the script run is over, the websocket is up, and every plotly chart on the page has drawn its SVG
# (at least ``min`` of them); returns the time since navigation started, in ms.
DRAWN_JS = """
(min) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  if (charts.length < min) return false;
  for (const chart of charts) {
    if (!chart.querySelector('.js-plotly-plot .main-svg')) return false;
  }
  return performance.now();
}
"""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``streamlit run`` on 127.0.0.1 and a free port, in its own process group; a context manager."""

    def __init__(
        self, script: Path, env: dict[str, str], args: tuple[str, ...] = (), flags: tuple[str, ...] = ()
    ) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true"]
        command += ["--server.address=127.0.0.1", f"--server.port={self.port}", "--browser.gatherUsageStats=false"]
        command += list(flags)
        command += ["--", *args] if args else []
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )

    def __enter__(self) -> "Server":
        import urllib.request

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"streamlit did not start on port {self.port}")

    def rss_mb(self) -> float:
        """Resident memory of the server process (MB)."""
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def __exit__(self, *_: object) -> None:
        import signal

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


def floor_figures(url: str, path: Path) -> None:
    """Write the overview's eight figures (mission 1, default quarter) as plotly JSON for the floor page."""
    from dashboard.domain.filters import Filters
    from dashboard.domain.fiscal import quarter_range, reporting_quarter, strategy_quarters
    from dashboard.settings import Settings
    from dashboard.store import queries
    from dashboard.store.database import get_engine
    from dashboard.views.overview import build_overview

    engine = get_engine(url)
    mission = queries.missions_frame(engine).iloc[0]
    mission_id = int(mission["mission_id"])
    first, last = strategy_quarters(int(mission["strategy_start"]), int(mission["strategy_end"]))
    end = min(reporting_quarter(date.today()), last)
    expected = queries.expected_frame(engine, mission_id)
    states = Settings(database_url=url).counted_states
    updates = queries.updates_frame(engine, mission_id, narratives=True, states=states)
    view = build_overview(expected, updates, Filters(start=quarter_range(first, end)[0], end=end), end)
    charts = [view.goals, view.statuses, view.risk_by_goal, view.heatmap, view.agencies]
    charts += [view.trend_goal, view.trend_risk, view.trend_objective]
    path.write_text(json.dumps([c.figure.to_json() for c in charts if c is not None]), encoding="utf-8")


def _visit(browser: "Browser", url: str, charts: int, *, reloads: int) -> tuple[float, list[float], "Page"]:  # noqa: F821
    """First visit in a new browser profile, then ``reloads`` reloads (each a new Streamlit session, with the
    browser's cache warm as a person's would be). Seconds from navigation until every chart is drawn."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(url)
    first = page.wait_for_function(DRAWN_JS, arg=charts, polling="raf", timeout=180_000).json_value() / 1000
    again = []
    for _ in range(reloads):
        page.reload()
        again.append(page.wait_for_function(DRAWN_JS, arg=charts, polling="raf", timeout=180_000).json_value() / 1000)
    return first, again, page


def _filter_change(page: "Page", goal: str) -> float:  # noqa: F821
    """Seconds from picking a goal in the sidebar until the rerun is over and every chart is drawn again."""
    import re

    box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Goal", exact=True)
    box.click()
    option = page.get_by_role("option", name=re.compile(rf"^Goal {goal}: "))
    start = time.perf_counter()
    option.click()
    page.wait_for_url(re.compile(rf"[?&]goal={goal}(&|$)"), timeout=60_000)
    page.wait_for_function(DRAWN_JS, arg=1, polling="raf", timeout=60_000)
    seconds = time.perf_counter() - start
    page.keyboard.press("Escape")
    return seconds


def browser_rounds(url: str, rounds: int, reloads: int = 3) -> dict[str, float]:
    """For one database: in each round a fresh server for the floor page and one for the app (in turn), a first
    visit and reloads of each; on the app also filter changes. Medians over the rounds, and the ratios."""
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="ics-floor-"))
    figures, floor = workdir / "figures.json", workdir / "floor.py"
    floor_figures(url, figures)
    floor.write_text(FLOOR_SCRIPT, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": url, "ICS_DEMO_ON_NEW_DATABASE": "false", "PYTHONUNBUFFERED": "1"}
    got: dict[str, list[float]] = {k: [] for k in ("floor_first", "floor_reload", "app_first", "app_reload")}
    got["app_filter"], got["app_rss_mb"] = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for _ in range(rounds):
                with Server(floor, env, (str(figures),)) as server:
                    first, again, page = _visit(browser, server.url, 8, reloads=reloads)
                    page.context.close()
                got["floor_first"].append(first)
                got["floor_reload"] += again
                with Server(ROOT / "dashboard" / "app.py", env) as server:
                    first, again, page = _visit(browser, server.url, 1, reloads=reloads)
                    got["app_filter"] += [_filter_change(page, goal) for goal in ("2", "3")]
                    got["app_rss_mb"].append(server.rss_mb())
                    page.context.close()
                got["app_first"].append(first)
                got["app_reload"] += again
        finally:
            browser.close()
    out = {key: round(statistics.median(values), 2) for key, values in got.items()}
    out["first_ratio"] = round(out["app_first"] / out["floor_first"], 2)
    out["reload_ratio"] = round(out["app_reload"] / out["floor_reload"], 2)
    return out


def demo_database(path: Path) -> str:
    """The bundled Peru strategy with its demo history (about 600 entries), as a new app database gets it."""
    from dashboard.services.bootstrap import init_database
    from dashboard.settings import Settings

    url = f"sqlite:///{path}"
    if not path.exists():
        init_database(Settings(database_url=url), demo=True)
    return url


def run_browser(entries: int, rounds: int, as_json: bool, keep: Path | None = None) -> int:
    """``bench --browser``: the floor page and the overview in headless Chromium, on the demo database and on
    the generated one, in one run."""
    workdir = Path(tempfile.mkdtemp(prefix="ics-bench-"))
    path = keep or workdir / "bench.db"
    if not path.exists():
        build_database(path, entries)
    report = {
        "demo": browser_rounds(demo_database(workdir / "demo.db"), rounds),
        f"generated_{entries}": browser_rounds(f"sqlite:///{path}", rounds),
    }
    if as_json:
        print(json.dumps(report))
    else:
        for name, figures in report.items():
            print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    return 0


# --------------------------------------------------------------------------- e-mail

NOTIFY_AT = "2026-11-14T14:00:00+00:00"  # 15 days after FY2026 Q4's updates fell due: overdue and escalation
CONTRIBUTORS_PER_AGENCY, VIEWERS_PER_MISSION = 2, 2


def _notify_people(con: sqlite3.Connection, rng: random.Random) -> int:
    """Accounts as a deployment of 270 posts has them: two contributors for each agency at each post, a chair for
    each working group, two viewers per post who take the weekly summary; some last-quarter updates missing,
    waiting for review or returned. Returns the number of accounts."""
    users, agency_rows, group_rows = [], [], []
    missions = con.execute("SELECT id FROM mission ORDER BY id").fetchall()
    for (m,) in missions:
        agencies = con.execute(
            "SELECT DISTINCT oa.agency_id FROM objective_agency oa JOIN objective o ON o.id = oa.objective_id "
            "WHERE o.mission_id = ?",
            (m,),
        ).fetchall()
        for (agency,) in agencies:
            for k in range(CONTRIBUTORS_PER_AGENCY):
                users.append((f"c{k}.a{agency}.m{m}@example.gov", "contributor", False, m))
                agency_rows.append((len(users), agency, m))
        for (group,) in con.execute("SELECT id FROM working_group WHERE mission_id = ?", (m,)).fetchall():
            users.append((f"chair.g{group}@example.gov", "chair", False, m))
            group_rows.append((len(users), group))
        users += [(f"v{k}.m{m}@example.gov", "viewer", True, m) for k in range(VIEWERS_PER_MISSION)]
    con.executemany(
        "INSERT INTO app_user (email, role, weekly_summary, home_mission_id, failed_attempts, disabled, created_at, "
        "review_digest, reminders_off) VALUES (?, ?, ?, ?, 0, 0, '2025-01-01 00:00:00', 1, 0)",
        users,
    )
    con.executemany("INSERT INTO user_agency (user_id, agency_id, mission_id) VALUES (?, ?, ?)", agency_rows)
    con.executemany("INSERT INTO user_working_group (user_id, working_group_id) VALUES (?, ?)", group_rows)
    last = con.execute("SELECT id FROM status_update WHERE fiscal_year = ? AND quarter = 4", (FIRST_FY + 3,)).fetchall()
    picked = rng.sample([i for (i,) in last], len(last) // 5)
    # a throwaway copy: its stored updates may be thinned out, which the append-only guards otherwise refuse
    guards = con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'status_update'")
    for (name,) in guards.fetchall():
        con.execute(f'DROP TRIGGER "{name}"')
    tenth = len(picked) // 4
    con.executemany("DELETE FROM status_update WHERE id = ?", [(i,) for i in picked[: tenth * 3]])
    con.executemany("UPDATE status_update SET state = 'submitted' WHERE id = ?", [(i,) for i in picked[tenth * 3 :]])
    con.executemany(
        "INSERT INTO review_event (status_update_id, decision, comment, reviewer, created_at) "
        "VALUES (?, 'returned', 'Add the figures.', 'chair@example.gov', '2026-11-05 10:00:00')",
        [(i,) for i in picked[tenth * 3 : tenth * 3 + tenth // 3]],
    )
    con.commit()
    return len(users)


def notify_figures(path: Path, rounds: int = 3) -> dict[str, float]:
    """``notify --dry-run`` deciding what is due for every mission and account, median of ``rounds``, on a copy of
    the database with the accounts of ``_notify_people``."""
    from datetime import datetime

    from dashboard.services import notify
    from dashboard.settings import MailSettings, Settings
    from dashboard.store.database import dispose_engine, get_engine

    copy = Path(tempfile.mkdtemp(prefix="ics-notify-")) / "notify.db"
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    url = f"sqlite:///{copy}"
    migrate(url)  # a database generated before e-mail gets the outbox
    with sqlite3.connect(copy) as con:
        accounts = _notify_people(con, random.Random(11))
        con.execute("ANALYZE")
    engine, now = get_engine(url), datetime.fromisoformat(NOTIFY_AT)
    times, messages = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        decision = notify.decide(engine, Settings(database_url=url), MailSettings(), now)
        times.append(time.perf_counter() - start)
        messages = len(decision.notices)
    dispose_engine(url)
    return {"notify_accounts": accounts, "notify_messages": messages, "notify_decide_s": statistics.median(times)}


def run_notify(entries: int, as_json: bool, keep: Path | None = None) -> int:
    """``bench --notify``: deciding the e-mail due across 270 missions and about 8,000 accounts."""
    path = keep or Path(tempfile.mkdtemp(prefix="ics-bench-")) / "bench.db"
    if not path.exists():
        build_database(path, entries)
    report = {"entries": entries, **notify_figures(path)}
    report["notify_decide_s"] = round(report["notify_decide_s"], 2)
    print(json.dumps(report) if as_json else "\n".join(f"{k}: {v}" for k, v in report.items()))
    return 0
