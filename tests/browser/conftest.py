"""Fixtures for real-browser tests: the app under ``streamlit run`` and headless system Chromium.

Chromium is never downloaded: the tests use Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it)
and fail, rather than skip, when it is missing.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from dashboard import bench

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [*bench.CHROMIUM_ARGS, "--disable-quic"]
STREAMLIT_FLAGS = ["--server.headless=true", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"]
STARTUP_TIMEOUT_S = 60.0
VIEWPORT = {"width": 1400, "height": 1000}

StartApp = Callable[..., str]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health(base_url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip()
    except (urllib.error.URLError, OSError):
        return None


class _Server:
    def __init__(self, process: subprocess.Popen, log_path: Path, base_url: str) -> None:
        self.process = process
        self.log_path = log_path
        self.base_url = base_url

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-8000:]
        except OSError:
            return "<no output>"

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def start_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartApp]:
    """Factory: ``start_app(env=None, args=None) -> base_url`` runs ``streamlit run dashboard/app.py``.

    Each call gets a free port and a fresh SQLite database (``DATABASE_URL`` can be overridden
    through ``env``; ``args`` are extra ``streamlit run`` flags). All servers are stopped (whole
    process group) at teardown.
    """
    servers: list[_Server] = []

    def start(env: dict[str, str] | None = None, args: list[str] | None = None, port: int | None = None) -> str:
        workdir = tmp_path_factory.mktemp("app")
        port = port or _free_port()
        base_url = f"http://127.0.0.1:{port}"
        full_env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'browser.db'}",
            "PYTHONUNBUFFERED": "1",
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            **(env or {}),
        }
        log_path = workdir / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    "dashboard/app.py",
                    *STREAMLIT_FLAGS,
                    "--server.port",
                    str(port),
                    *(args or []),
                ],
                cwd=ROOT,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = _Server(process, log_path, base_url)
        servers.append(server)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {process.returncode} before becoming healthy:\n{server.output()}",
                    pytrace=False,
                )
            if _health(base_url) == "ok":
                return base_url
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit not healthy at {base_url} after {STARTUP_TIMEOUT_S:.0f} s:\n{server.output()}",
                    pytrace=False,
                )
            time.sleep(0.25)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def app_server(start_app: StartApp) -> str:
    """Base URL of the app running with default settings on a fresh database."""
    return start_app()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install Debian's chromium (`apt-get install -y chromium`, "
            "as .ci/run does); browser tests never download a browser.",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()
