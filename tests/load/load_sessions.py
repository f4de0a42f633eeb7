"""A bounded load test: N concurrent Streamlit sessions open the Overview and the Missions page on one server.

Run: ``python -m tests.load.load_sessions [--sessions 50] [--database URL] [--check-pages 3] [--replicas 2] [--proxy]
[--json]``. With ``--replicas 2`` (or ``--proxy``) the sessions go through the shipped nginx configuration
(``data/deploy/nginx.conf``, on loopback) to that many servers sharing the database, each session on one replica.

It starts ``streamlit run dashboard/app.py`` on 127.0.0.1 (a free port; nothing else is contacted) and drives each
session at the protocol level, as Streamlit's frontend does: a websocket to ``/_stcore/stream`` carrying protobuf
``BackMsg`` (``rerun_script`` with the page's name) up and ``ForwardMsg`` down, until ``script_finished``. Half the
sessions open the Overview, half the Missions page; each session is timed from its connection to the end of its
script run, and fails on an exception element, a timeout or any other end. A handful of real headless Chromium
pages then load both pages as a check.

Criteria (Streamlit's own): every session succeeds; p95 from session start to script completion at most 5 s;
the server's memory grows at most 100 MB per 50 sessions and comes back down once they close.
Bounds: at most 200 sessions, 120 s per session, 10 browser pages, and the whole run under ``--deadline`` seconds.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from dashboard.bench import CHROMIUM_ARGS, DRAWN_JS, Server, _free_port, demo_database
from dashboard.services.bootstrap import init_database
from dashboard.settings import Settings
from dashboard.store.database import is_empty

ROOT = Path(__file__).resolve().parents[2]
PAGES = {"overview": "", "missions": "missions"}
APP = ROOT / "dashboard" / "app.py"
MAX_SESSIONS, SESSION_TIMEOUT_S, MAX_PAGES, MAX_REPLICAS = 200, 120.0, 10, 4


async def one_session(port: int, page: str) -> dict[str, object]:
    """Open ``page`` as a new session; seconds from connecting to the script's successful end."""
    start = time.perf_counter()
    outcome: dict[str, object] = {"page": page, "ok": False}
    try:
        async with asyncio.timeout(SESSION_TIMEOUT_S):
            async with websockets.connect(
                f"ws://127.0.0.1:{port}/_stcore/stream",
                subprotocols=["streamlit"],  # type: ignore[list-item]
                max_size=64 * 1024 * 1024,
                ping_interval=None,  # as the browser: no client pings, so a busy server is not cut off mid-run
                origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
            ) as ws:
                back = BackMsg()
                back.rerun_script.query_string = ""
                back.rerun_script.page_name = PAGES[page]
                await ws.send(back.SerializeToString())
                async for raw in ws:
                    msg = ForwardMsg.FromString(raw if isinstance(raw, bytes) else raw.encode())
                    kind = msg.WhichOneof("type")
                    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                        if msg.delta.new_element.WhichOneof("type") == "exception":
                            outcome["error"] = msg.delta.new_element.exception.message[:200]
                    elif kind == "script_finished":
                        if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                            outcome["seconds"] = time.perf_counter() - start
                            outcome["ok"] = "error" not in outcome
                            break
                        if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                            outcome["error"] = "compile error"
                            break
    except TimeoutError:
        outcome["error"] = f"no script_finished within {SESSION_TIMEOUT_S:.0f} s"
    except (OSError, websockets.WebSocketException) as exc:
        outcome["error"] = f"{type(exc).__name__}: {exc}"[:200]
    return outcome


async def wave(port: int, sessions: int) -> list[dict[str, object]]:
    pages = [("overview", "missions")[i % 2] for i in range(sessions)]
    return await asyncio.gather(*(one_session(port, page) for page in pages))


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def browser_check(url: str, pages: int) -> list[float]:
    """``pages`` real headless Chromium pages, in turn, each waiting until every chart on the page is drawn."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for i in range(pages):
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page.goto(f"{url}/{('', 'missions')[i % 2]}")
                done = page.wait_for_function(DRAWN_JS, arg=1, polling="raf", timeout=120_000).json_value()
                if page.locator('[data-testid="stException"]').count():
                    raise RuntimeError(f"an exception on {page.url}")
                times.append(done / 1000)
                page.close()
        finally:
            browser.close()
    return times


@contextmanager
def serving(database_url: str, replicas: int, proxy: bool) -> Iterator[tuple[int, list[Server], Path | None]]:
    """``replicas`` app servers, behind the shipped nginx configuration when ``proxy``; yields (the port the
    sessions connect to, the servers, nginx's folder with its access log or None)."""
    env = {**os.environ, "DATABASE_URL": database_url, "ICS_DEMO_ON_NEW_DATABASE": "false", "PYTHONUNBUFFERED": "1"}
    env["ICS_TRUSTED_PROXIES"] = "127.0.0.1" if proxy else ""
    # Closed sessions are kept for a reconnect for server.disconnectedSessionTTL (120 s by default); a short
    # TTL lets the run see them dropped.
    with ExitStack() as stack:
        servers = []
        for _ in range(replicas):  # one after the other: each migrates (under a lock) and warms as it starts
            servers.append(stack.enter_context(Server(APP, env, flags=("--server.disconnectedSessionTTL=5",))))
        if not proxy:
            yield servers[0].port, servers, None
            return
        from tests.proxy import nginx

        found = nginx.find_nginx()
        if not found:
            raise SystemExit("--proxy needs nginx (apt-get install -y nginx)")
        port = _free_port()
        prefix = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ics-nginx-")))
        stack.enter_context(nginx.running(found, prefix, port=port, upstream_ports=[s.port for s in servers]))
        yield port, servers, prefix


def run(
    sessions: int, database_url: str, check_pages: int, replicas: int = 1, proxy: bool = False
) -> dict[str, object]:
    with serving(database_url, replicas, proxy or replicas > 1) as (port, servers, nginx_folder):

        def rss() -> float:
            return sum(server.rss_mb() for server in servers)

        asyncio.run(wave(port, 2 * replicas))  # warm: imports, engine, caches, as after any first visitor
        time.sleep(2)
        before = rss()
        peak = before
        start = time.perf_counter()

        async def measured() -> list[dict[str, object]]:
            nonlocal peak
            task = asyncio.ensure_future(wave(port, sessions))
            while not task.done():
                peak = max(peak, rss())
                await asyncio.sleep(0.1)
            return task.result()

        results = asyncio.run(measured())
        wall = time.perf_counter() - start
        time.sleep(8)  # past the disconnected-session TTL; one more session makes the server sweep them
        asyncio.run(wave(port, replicas))
        time.sleep(2)
        after = rss()
        per_replica = _sessions_per_replica(nginx_folder, servers)
        browser = browser_check(f"http://127.0.0.1:{port}", check_pages) if check_pages else []
    times = [float(r["seconds"]) for r in results if r["ok"]]  # type: ignore[arg-type]
    failures = [r for r in results if not r["ok"]]
    return {
        "sessions": sessions,
        "replicas": replicas,
        "proxy": proxy or replicas > 1,
        "sessions_per_replica": per_replica,
        "succeeded": len(times),
        "failures": failures[:5],
        "p50_s": round(statistics.median(times), 2) if times else None,
        "p95_s": round(p95(times), 2) if times else None,
        "max_s": round(max(times), 2) if times else None,
        "wall_s": round(wall, 2),
        "rss_before_mb": round(before, 1),
        "rss_peak_mb": round(peak, 1),
        "rss_after_close_mb": round(after, 1),
        "growth_mb": round(peak - before, 1),
        "browser_pages_s": [round(t, 2) for t in browser],
    }


def _sessions_per_replica(nginx_folder: Path | None, servers: list[Server]) -> list[int]:
    """WebSocket sessions each replica served, from nginx's access log (empty without the proxy)."""
    if nginx_folder is None:
        return []
    from tests.proxy.nginx import stream_upstreams

    counts = stream_upstreams(nginx_folder)
    return [counts.get(f"127.0.0.1:{server.port}", 0) for server in servers]


def verdict(report: dict[str, object]) -> list[str]:
    """The criteria that failed (empty: all met)."""
    problems = []
    if report["succeeded"] != report["sessions"]:
        problems.append(f"{report['sessions'] - report['succeeded']} sessions failed")  # type: ignore[operator]
    if report["p95_s"] is None or report["p95_s"] > 5.0:  # type: ignore[operator]
        problems.append(f"p95 {report['p95_s']} s > 5 s")
    allowed = 100.0 * report["sessions"] / 50  # type: ignore[operator]
    if report["growth_mb"] > allowed:  # type: ignore[operator]
        problems.append(f"memory grew {report['growth_mb']} MB > {allowed:.0f} MB")
    if report["rss_after_close_mb"] > report["rss_before_mb"] + allowed / 2:  # type: ignore[operator]
        problems.append("memory did not come back down after the sessions closed")
    shares = report.get("sessions_per_replica") or []
    if len(shares) > 1 and min(shares) < report["sessions"] / (2 * len(shares)):  # type: ignore[operator]
        problems.append(f"sessions not spread over the replicas: {shares}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50, choices=range(1, MAX_SESSIONS + 1), metavar="1-200")
    parser.add_argument("--database", help="DATABASE_URL to serve (default: a new demo database)")
    parser.add_argument("--check-pages", type=int, default=3, choices=range(0, MAX_PAGES + 1), metavar="0-10")
    parser.add_argument("--deadline", type=float, default=600.0, help="give up after this many seconds")
    parser.add_argument("--replicas", type=int, default=1, choices=range(1, MAX_REPLICAS + 1), metavar="1-4")
    parser.add_argument(
        "--proxy", action="store_true", help="through data/deploy/nginx.conf (implied by --replicas 2+)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    url = args.database or demo_database(Path(tempfile.mkdtemp(prefix="ics-load-")) / "demo.db")
    if args.database and is_empty(url):  # e.g. a new PostgreSQL schema: the bundled strategy and its demo history
        init_database(Settings(database_url=url), demo=True)

    import signal

    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("load test deadline passed")))
    signal.alarm(int(args.deadline))
    report = run(args.sessions, url, args.check_pages, args.replicas, args.proxy)
    signal.alarm(0)
    problems = verdict(report)
    report["criteria_met"] = not problems
    report["problems"] = problems
    print(json.dumps(report) if args.json else "\n".join(f"{k}: {v}" for k, v in report.items()))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
