"""``import-ics`` prints the same warnings and change summary as the Import strategy page."""

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.store.database import dispose_engine
from tests.formats.ics_corpus import build_pdf, paginate, sample

ROOT = Path(__file__).resolve().parents[2]
PERU = ROOT / "data" / "ics_peru.md"
PERIOD_WARNING = "the document states no strategy period; assumed 2022-2026 from its approval date (2022-04-12)"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli" / "ics.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("ICS_MAX_IMPORT_BYTES", "ICS_DEMO_ON_NEW_DATABASE", "ICS_CACHE_TTL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    yield path
    dispose_engine(url)


@pytest.fixture
def ghana_pdf(tmp_path: Path) -> Path:
    return build_pdf(tmp_path / "ghana.pdf", paginate(sample("ics_ghana.txt"), glue=True), mode="mixed")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _missions(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT country, release_marking FROM mission ORDER BY country").fetchall()


def test_ghana_pdf_dry_run_then_import_creates_a_mission(
    db_path: Path, ghana_pdf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "init")[0] == 0
    code, out, err = _run(capsys, "import-ics", str(ghana_pdf), "--dry-run")
    assert code == 0
    assert err.splitlines() == [f"warning: {PERIOD_WARNING}"]
    lines = out.splitlines()
    assert lines[0] == "Ghana: 2 goals, 4 objectives, 2 management objectives (dry run: nothing written)"
    assert lines[1:3] == ["  new mission: Ghana", "  added: goal 1, objective 1.1, objective 1.2, goal 2, "
                          "objective 2.1, objective 2.2, management objective M1, management objective M2"]  # fmt: skip
    assert _missions(db_path) == [("Peru", "FOR PUBLIC RELEASE")]

    code, out, err = _run(capsys, "import-ics", str(ghana_pdf), "--json")
    assert code == 0 and err.splitlines() == [f"warning: {PERIOD_WARNING}"]
    result = json.loads(out)
    assert result["warnings"] == [PERIOD_WARNING]
    assert result["diff"]["new_mission"] is True
    assert _missions(db_path) == [("Ghana", "FOR PUBLIC RELEASE"), ("Peru", "FOR PUBLIC RELEASE")]
    with sqlite3.connect(db_path) as connection:
        action, key = connection.execute("SELECT action, entity_key FROM audit_log ORDER BY id DESC").fetchone()
    assert (action, key) == ("import strategy", "Ghana")


def test_dry_run_json_diff_is_the_page_diff(db_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert _run(capsys, "init")[0] == 0
    revised = tmp_path / "revised.md"
    revised.write_text(
        PERU.read_text(encoding="utf-8").replace(
            "Peru progressed in closing its infrastructure gap.", "Peru closed its infrastructure gap."
        ),
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "import-ics", str(revised), "--dry-run", "--json")
    assert code == 0
    diff = json.loads(out)["diff"]
    kept = "the strategy's texts will be kept as version 2; earlier versions stay readable"
    assert diff["summary"] == ["mission: Peru", "retitled: objective 1.3", kept]
    assert (diff["retitled"], diff["added"], diff["removed"], diff["version"]) == (["objective 1.3"], [], [], 2)
    code, out, _ = _run(capsys, "import-ics", str(revised))
    assert out.splitlines() == [
        "Peru: 0 created, 1 updated, 15 unchanged",
        "  mission: Peru",
        "  retitled: objective 1.3",
        f"  {kept}",
    ]


def test_mission_option_imports_into_the_named_mission(
    db_path: Path, ghana_pdf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "init")[0] == 0
    code, out, _ = _run(capsys, "import-ics", str(ghana_pdf), "--dry-run", "--mission", "peru")
    assert code == 0
    assert "  mission: Peru" in out.splitlines()
    assert "  removed (will be retired, history kept): " in out

    code, _, err = _run(capsys, "import-ics", str(ghana_pdf), "--mission", "Atlantis")
    assert code == 1 and err.strip() == "error: unknown mission 'Atlantis' (known: Peru)"
    assert _missions(db_path) == [("Peru", "FOR PUBLIC RELEASE")]


def test_duplicate_codes_are_one_error_and_nothing_written(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = sample("ics_ghana.txt").replace("Mission Objective 1.2 | Ghanaian", "Mission Objective 1.1 | Ghanaian")
    path = tmp_path / "dup.txt"
    path.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, "import-ics", str(path))
    assert code == 1 and out == ""
    assert err.strip() == "error: dup.txt has objective 1.1 twice with its own texts; each code must appear once"
    assert not db_path.exists()
