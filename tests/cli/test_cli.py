"""The command line: ``python -m dashboard init | import-ics | seed-demo``."""

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.formats.ics_document import MAX_PDF_PAGES
from dashboard.store.database import dispose_engine
from tests.formats.ics_corpus import build_pdf, paginate, sample
from tests.services.test_strategy_import import _without_objective_43

ROOT = Path(__file__).resolve().parents[2]
ICS = ROOT / "data" / "ics_peru.md"
MISSION_CODES = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3"]
OBJECTIVE_KEYS = ["code", "title", "justification", "linkages", "risks"]


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli" / "ics.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("ICS_MAX_IMPORT_BYTES", "ICS_DEMO_ON_NEW_DATABASE", "ICS_CACHE_TTL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    yield path
    dispose_engine(url)


def _tables(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with sqlite3.connect(path) as connection:
        return {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _count(path: Path, table: str) -> int:
    """Rows in ``table``; 0 when the database or the table does not exist."""
    if table not in _tables(path):
        return 0
    with sqlite3.connect(path) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _assert_one_line_error(code: int, out: str, err: str) -> str:
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error:"), err
    assert "Traceback" not in err and "Traceback" not in out
    return lines[0]


# --------------------------------------------------------------------------- import-ics --dry-run


def _check_dry_run_json(document: dict) -> None:
    # The shape only grows: the original keys first, in order, then the added ones.
    assert list(document) == ["mission", "goals", "management_objectives", "warnings", "diff"]
    mission = document["mission"]
    assert list(mission) == ["country", "post", "strategy_start", "strategy_end", "approved", "updated",
                             "release_marking"]  # fmt: skip
    assert mission == {
        "country": "Peru",
        "post": "Embassy Lima",
        "strategy_start": 2022,
        "strategy_end": 2026,
        "approved": "2022-03-21",
        "updated": "2023-09-22",
        "release_marking": "FOR PUBLIC RELEASE",
    }
    assert document["warnings"] == []
    goals = document["goals"]
    assert [g["code"] for g in goals] == ["1", "2", "3", "4"]
    for goal in goals:
        assert list(goal) == ["code", "title", "description", "objectives"]
        assert isinstance(goal["title"], str) and goal["title"].strip()
        assert goal["description"].strip()
        for objective in goal["objectives"]:
            assert list(objective) == OBJECTIVE_KEYS
            assert objective["code"].split(".")[0] == goal["code"]
            assert all(isinstance(objective[k], str) and objective[k].strip() for k in OBJECTIVE_KEYS)
    assert [o["code"] for g in goals for o in g["objectives"]] == MISSION_CODES
    assert goals[0]["objectives"][2]["title"] == "Peru progressed in closing its infrastructure gap."
    management = document["management_objectives"]
    assert len(management) == 1
    assert list(management[0]) == OBJECTIVE_KEYS
    assert management[0]["code"] == "M1"
    assert management[0]["title"].startswith("Recruit and equip a diverse, inclusive, and dynamic workforce")


def test_dry_run_json_prints_the_parsed_strategy_and_writes_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "import-ics", str(ICS), "--dry-run", "--json")
    assert code == 0, err
    assert err == ""
    _check_dry_run_json(json.loads(out))
    assert not db_path.exists()
    assert not db_path.parent.exists()


def test_the_readme_names_the_dry_run_json_keys_where_they_are(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The README's import-ics row: "`--dry-run --json` prints `mission` (its `country`, ...), `goals`, ...".
    code, out, err = _run(capsys, "import-ics", str(ICS), "--dry-run", "--json")
    assert code == 0, err
    document = json.loads(out)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `import-ics "))
    said = row.split("`--dry-run --json` prints", 1)[1]
    top_level = re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", said))
    in_parentheses = re.findall(r"`(\w+)`", " ".join(re.findall(r"\(([^)]*)\)", said)))
    assert top_level == list(document)
    assert in_parentheses == list(document["mission"])
    assert "release_marking" in document["mission"]


def test_dry_run_summary_line(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "import-ics", str(ICS), "--dry-run")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[:2] == [
        "Peru: 4 goals, 10 objectives, 1 management objectives (dry run: nothing written)",
        "  new mission: Peru",
    ]
    assert lines[2].startswith("  added: goal 1, objective 1.1, objective 1.2, objective 1.3, goal 2,")
    assert not db_path.exists()


def test_dry_run_on_an_existing_database_writes_nothing(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "init")[0] == 0
    revised = db_path.parent / "revised.md"
    revised.write_text(
        ICS.read_text(encoding="utf-8").replace(
            "Peru progressed in closing its infrastructure gap.", "Peru closed much of its infrastructure gap."
        ),
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "import-ics", str(revised), "--dry-run", "--json")
    assert code == 0
    assert json.loads(out)["goals"][0]["objectives"][2]["title"] == "Peru closed much of its infrastructure gap."
    with sqlite3.connect(db_path) as connection:
        title = connection.execute("SELECT title FROM objective WHERE code = '1.3'").fetchone()[0]
    assert title == "Peru progressed in closing its infrastructure gap."


# --------------------------------------------------------------------------- import-ics, init, seed-demo


def test_import_ics_writes_then_reports_unchanged(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "import-ics", str(ICS), "--json")
    assert code == 0, err
    first = json.loads(out)
    assert list(first) == [
        "mission_id",
        "created",
        "updated",
        "unchanged",
        "kept",
        "retired",
        "retired_from",
        "warnings",
        "diff",
    ]
    assert len(first["created"]) == 1 + 4 + 11
    assert _count(db_path, "mission") == 1 and _count(db_path, "objective") == 11

    code, out, err = _run(capsys, "import-ics", str(ICS))
    assert code == 0, err
    assert out.strip().splitlines() == ["Peru: 0 created, 0 updated, 16 unchanged", "  mission: Peru", "  no changes"]
    assert _count(db_path, "objective") == 11


def test_import_ics_retires_from_the_quarter_given(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "init")[0] == 0
    revised = tmp_path / "revised.md"
    revised.write_text(_without_objective_43(ICS.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, err = _run(capsys, "import-ics", str(revised), "--dry-run", "--retire-from", "FY2026Q3")
    assert code == 0, err
    assert (
        "  Retiring objective 4.3: no longer owed from FY2026 Q3; FY2026 Q2 and earlier quarters keep it, with "
        "every update already sent." in out.splitlines()
    )
    code, out, err = _run(capsys, "import-ics", str(revised), "--retire-from", "someday")
    assert _assert_one_line_error(code, out, err).startswith("error: --retire-from: not a fiscal quarter: 'someday'")
    code, out, err = _run(capsys, "import-ics", str(revised), "--retire-from", "FY2031Q1")
    assert _assert_one_line_error(code, out, err) == (
        "error: retire from: FY2031 Q1 is outside the strategy period (FY2022 Q1 to FY2026 Q4)"
    )
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT retired_on FROM objective WHERE code = '4.3'").fetchone() == (None,)
    code, out, err = _run(capsys, "import-ics", str(revised), "--retire-from", "FY2026Q3", "--json")
    assert code == 0, err
    assert (json.loads(out)["retired"], json.loads(out)["retired_from"]) == (["4.3"], "FY2026 Q3")
    with sqlite3.connect(db_path) as connection:
        row = connection.execute("SELECT retired_from_qindex FROM objective WHERE code = '4.3'").fetchone()
    assert row == (2026 * 4 + 2,)


def test_init_is_idempotent(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "init")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "database: created"
    assert lines[1].startswith("strategy: 16 created, 0 updated")
    assert "agencies added: 8" in lines
    assert "demo status updates written: 0" in lines
    counts = {t: _count(db_path, t) for t in ("mission", "goal", "objective", "agency", "working_group")}
    assert counts == {"mission": 1, "goal": 4, "objective": 11, "agency": 8, "working_group": 5}

    code, out, err = _run(capsys, "init")
    assert code == 0, err
    assert out.strip().splitlines() == [
        "database: up to date",
        "strategy: 0 created, 0 updated, 16 unchanged",
        "agencies added: 0",
        "roles and working groups added: 0",
        "demo status updates written: 0",
    ]
    assert {t: _count(db_path, t) for t in counts} == counts
    assert _count(db_path, "status_update") == 0


def test_init_demo_then_seed_demo_again(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "init", "--demo")
    assert code == 0, err
    written = _count(db_path, "status_update")
    assert written > 0
    assert f"demo status updates written: {written}" in out.splitlines()

    code, out, err = _run(capsys, "seed-demo")
    assert code == 0, err
    assert out.strip() == "demo status updates written: 0 (demo history already present)"
    assert _count(db_path, "status_update") == written


def test_seed_demo_after_init(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "init")[0] == 0
    code, out, err = _run(capsys, "seed-demo")
    assert code == 0, err
    written = _count(db_path, "status_update")
    assert written > 0
    assert out.strip() == f"demo status updates written: {written}"


def test_seed_demo_before_init_is_a_one_line_error(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "seed-demo")
    line = _assert_one_line_error(code, out, err)
    assert "init" in line
    assert _count(db_path, "mission") == 0
    assert _count(db_path, "status_update") == 0


# --------------------------------------------------------------------------- bad input


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_INPUTS = {
    "missing": lambda tmp: tmp / "no-such-file.md",
    "empty": lambda tmp: _write(tmp / "empty.md", b""),
    "blank": lambda tmp: _write(tmp / "blank.md", b"  \n\n\t\n"),
    "binary": lambda tmp: _write(tmp / "blob.md", bytes(range(256)) * 8),
    "binary-no-nul": lambda tmp: _write(tmp / "blob2.txt", bytes(range(1, 32)) * 64),
    "non-ics": lambda tmp: ROOT / "data" / "embassy_lima_page.txt",
    "directory": lambda tmp: tmp,
    "fake-pdf": lambda tmp: _write(tmp / "x.pdf", b"not a pdf at all"),
    "broken-pdf": lambda tmp: _write(tmp / "y.pdf", b"%PDF-1.7\n garbage garbage\n%%EOF"),
    # A whole ICS, then annex pages past the page limit: refused, not read up to the limit.
    "too-many-pages": lambda tmp: build_pdf(
        tmp / "long.pdf", [*paginate(sample("ics_ghana.txt")), *[["Annex"]] * MAX_PDF_PAGES]
    ),
}


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_is_a_one_line_error_and_writes_nothing(
    kind: str, dry_run: bool, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    path = BAD_INPUTS[kind](inputs)
    code, out, err = _run(capsys, "import-ics", str(path), *(["--dry-run"] if dry_run else []))
    _assert_one_line_error(code, out, err)
    assert out == ""
    assert _count(db_path, "mission") == 0
    assert _count(db_path, "objective") == 0


def test_file_over_the_size_limit(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICS_MAX_IMPORT_BYTES", "2048")
    code, out, err = _run(capsys, "import-ics", str(ICS))
    line = _assert_one_line_error(code, out, err)
    assert "too large" in line and "2 KB" in line
    assert _count(db_path, "mission") == 0

    code, out, err = _run(capsys, "import-ics", str(ICS), "--dry-run", "--json")
    _assert_one_line_error(code, out, err)
    assert out == ""


def test_bad_input_leaves_an_existing_strategy_alone(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "init")[0] == 0
    before = {t: _count(db_path, t) for t in ("mission", "goal", "objective")}
    code, out, err = _run(capsys, "import-ics", str(ROOT / "data" / "embassy_lima_page.txt"))
    _assert_one_line_error(code, out, err)
    assert {t: _count(db_path, t) for t in before} == before


@pytest.mark.parametrize(
    ("name", "value", "argv"),
    [
        ("ICS_MAX_IMPORT_BYTES", "abc", ["import-ics", str(ICS), "--dry-run"]),
        ("ICS_MAX_IMPORT_BYTES", "abc", ["init"]),
        ("ICS_MAX_IMPORT_BYTES", "10", ["init"]),
        ("ICS_DEMO_ON_NEW_DATABASE", "maybe", ["seed-demo"]),
        ("ICS_CACHE_TTL_SECONDS", "-5", ["init"]),
    ],
)
def test_bad_setting_is_a_one_line_error(
    name: str,
    value: str,
    argv: list[str],
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(name, value)
    code, out, err = _run(capsys, *argv)
    line = _assert_one_line_error(code, out, err)
    assert name in line  # the message names the setting to fix
    assert value in line
    assert not db_path.exists()


# --------------------------------------------------------------------------- python -m dashboard


def _subprocess_env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICS_")}
    env["DATABASE_URL"] = f"sqlite:///{db}"
    env.update(extra)
    return env


def test_python_dash_m_dashboard_dry_run(tmp_path: Path) -> None:
    db = tmp_path / "sub.db"
    completed = subprocess.run(
        [sys.executable, "-m", "dashboard", "import-ics", "data/ics_peru.md", "--dry-run", "--json"],
        cwd=ROOT,
        env=_subprocess_env(db),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    _check_dry_run_json(json.loads(completed.stdout))
    assert not db.exists()


def test_python_dash_m_dashboard_init_and_errors(tmp_path: Path) -> None:
    db = tmp_path / "sub.db"
    completed = subprocess.run(
        [sys.executable, "-m", "dashboard", "init"],
        cwd=ROOT,
        env=_subprocess_env(db),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == "database: created"
    assert _count(db, "objective") == 11

    completed = subprocess.run(
        [sys.executable, "-m", "dashboard", "import-ics", "data/ics_peru.md"],
        cwd=ROOT,
        env=_subprocess_env(db, ICS_MAX_IMPORT_BYTES="2048"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1
    _assert_one_line_error(completed.returncode, completed.stdout, completed.stderr)
    assert "too large" in completed.stderr


def test_python_dash_m_dashboard_bad_setting(tmp_path: Path) -> None:
    db = tmp_path / "sub.db"
    completed = subprocess.run(
        [sys.executable, "-m", "dashboard", "init"],
        cwd=ROOT,
        env=_subprocess_env(db, ICS_MAX_IMPORT_BYTES="abc"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    _assert_one_line_error(completed.returncode, completed.stdout, completed.stderr)
    assert "ICS_MAX_IMPORT_BYTES" in completed.stderr
    assert not db.exists()
