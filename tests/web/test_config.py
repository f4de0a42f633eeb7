"""The hardened Streamlit configuration, secrets kept out of git, and no identity inside a shared cache."""

import ast
import inspect
import subprocess
import tomllib
from pathlib import Path

import pytest

from dashboard.web import cache

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".streamlit" / "config.toml"
CACHE_SOURCE = ROOT / "dashboard" / "web" / "cache.py"
CACHE_DECORATORS = {"cache_data", "cache_resource"}
IDENTITY_WORDS = ("st.user", "session_state", "identity", "auth_email")


@pytest.fixture(scope="module")
def config() -> dict:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def test_errors_show_no_details(config: dict) -> None:
    assert config["client"]["showErrorDetails"] == "none"


def test_no_usage_statistics(config: dict) -> None:
    assert config["browser"]["gatherUsageStats"] is False


def test_uploads_are_small(config: dict) -> None:
    size = config["server"]["maxUploadSize"]
    assert isinstance(size, int) and not isinstance(size, bool)
    assert 1 <= size <= 10


def test_built_in_table_download_is_off(config: dict) -> None:
    # The app's own exports neutralise spreadsheet formulas; the built-in download would not.
    assert config["client"]["disableDataExport"] is True


def test_xsrf_protection_is_not_turned_off(config: dict) -> None:
    assert config.get("server", {}).get("enableXsrfProtection", True) is True


def test_the_server_does_not_watch_its_own_sources(config: dict) -> None:
    # Watching walks every imported module's path after each script run: more than the page costs under load.
    assert config["server"]["fileWatcherType"] == "none"


def test_no_full_garbage_collection_after_every_script_run(config: dict) -> None:
    # A full collection per run held the interpreter longer than the run itself once sessions arrive together.
    assert config["runner"]["postScriptGC"] is False


def test_secrets_are_ignored_and_untracked() -> None:
    ignored = [line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()]
    assert ".streamlit/secrets.toml" in ignored
    tracked = subprocess.run(
        ["git", "ls-files", "--", "*secrets.toml"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == []
    # git agrees that the file would be ignored (no negation elsewhere brings it back).
    check = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", ".streamlit/secrets.toml"], cwd=ROOT, capture_output=True
    )
    assert check.returncode == 0


def _decorator_name(node: ast.expr) -> str | None:
    """``cache_data`` for ``@st.cache_data`` and ``@st.cache_data(...)``, ``shared_frames`` for the module's own
    caching decorator; None for anything else."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "st":
        return node.attr if node.attr in CACHE_DECORATORS else None
    if isinstance(node, ast.Name) and node.id == "shared_frames":
        return node.id
    return None


def _cached_functions() -> dict[str, str]:
    """name -> source of every function in dashboard/web/cache.py decorated with st.cache_data, st.cache_resource
    or shared_frames."""
    source = CACHE_SOURCE.read_text(encoding="utf-8")
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if any(_decorator_name(d) for d in node.decorator_list):
                found[node.name] = ast.get_source_segment(source, node) or ""
    return found


def test_the_cached_functions_are_found() -> None:
    cached = _cached_functions()
    # A sanity floor, so the next test cannot pass by finding nothing.
    assert {"engine_for", "missions", "expected", "submissions", "overview_bundle"} <= set(cached)
    for name in cached:
        function = getattr(cache, name)
        assert callable(getattr(function, "clear", None)), f"cache.{name} is not a Streamlit cached function"
        assert hasattr(function, "__wrapped__"), name


@pytest.mark.parametrize("name", sorted(_cached_functions()))
def test_no_cached_function_reads_identity(name: str) -> None:
    """Caches are shared by every user: who is asking must never be read inside one (pass it as an argument)."""
    source = _cached_functions()[name]
    body = inspect.getsource(inspect.unwrap(getattr(cache, name)))
    for text in (source, body):
        used = [word for word in IDENTITY_WORDS if word in text]
        assert not used, f"cache.{name} reads {used}"
