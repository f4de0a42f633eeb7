"""``python -m dashboard indicators import FILE [--mission M] [--dry-run] [--json] [--as EMAIL]`` and
``indicators export --out FILE [--mission M]``, on SQLite and PostgreSQL."""

import json
from pathlib import Path

import pytest
from sqlmodel import select

from dashboard.cli import main
from dashboard.store.database import read_session
from models import AuditEntry, Indicator
from tests.people import ADMIN, USAID, World, build

HEADER = (
    "objective,code,name,definition,unit,direction,baseline,baseline_fy,frequency,agency,data_source,"
    "target_FY2025,target_FY2026,target_FY2026_Q2"
)
FIRMS = "1.1,1.1.a,Firms exporting,Firms that export,firms,increase,10,FY2022,quarterly,USAID,Customs,30,50,40"
CASES = "2.1,2.1.a,Cases still open,Share open at year end,percent,decrease,60,2022,semiannual,State,Courts,,30,"


@pytest.fixture
def world(database_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return build(database_url)


def _file(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "sheets.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def _audit(world: World) -> list[tuple[str, str, str]]:
    with read_session(world.engine) as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.entity == "indicator").order_by(AuditEntry.id)).all()
        return [(r.actor, r.action, r.entity_key) for r in rows]


def test_import_creates_the_indicators_as_the_operator_and_lists_each_change(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["indicators", "import", _file(tmp_path, FIRMS, CASES)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Peru: indicators: 2 created, 0 changed, 0 retired, 0 unchanged"
    assert out[1].startswith("  row 2: create indicator 1.1.a: created: objective: 1.1; code: 1.1.a;")
    assert "targets: FY2025: 30, FY2026: 50, FY2026 Q2: 40" in out[1]
    assert _audit(world) == [("operator (command line)", "create indicator", c) for c in ("1.1.a", "2.1.a")]


def test_a_dry_run_lists_the_changes_and_json_prints_them_and_nothing_is_written(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, FIRMS)
    assert main(["indicators", "import", path, "--dry-run", "--mission", "Peru"]) == 0
    assert "(dry run: nothing written)" in capsys.readouterr().out
    assert main(["indicators", "import", path, "--dry-run", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {k: document[k] for k in ("mission", "dry_run", "written", "unchanged", "problems")} == {
        "mission": "Peru",
        "dry_run": True,
        "written": False,
        "unchanged": 0,
        "problems": [],
    }
    [change] = document["changes"]
    assert (change["row"], change["action"], change["code"], change["before"]) == (2, "create indicator", "1.1.a", None)
    assert change["after"]["targets"] == ["FY2025: 30", "FY2026: 50", "FY2026 Q2: 40"]
    assert world.count(Indicator) == 0 and _audit(world) == []


def test_as_acts_as_that_user_who_must_be_an_admin(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, FIRMS)
    assert main(["indicators", "import", path, "--as", USAID]) == 1
    assert capsys.readouterr().err == "error: Only an admin can do this.\n"
    assert world.count(Indicator) == 0
    assert main(["indicators", "import", path, "--as", ADMIN]) == 0
    assert _audit(world) == [(ADMIN, "create indicator", "1.1.a")]


def test_bad_rows_are_each_named_and_nothing_is_written(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, FIRMS.replace(",10,", ",ten,"), CASES.replace(",,30,", ",,101,"))
    assert main(["indicators", "import", path]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "row 2, baseline: 'ten' is not a number",
        "row 3, target_FY2026: 101 is not a percentage between 0 and 100",
        "error: nothing written: 2 problem(s) in 2 row(s)",
    ]
    assert main(["indicators", "import", path, "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert problems[0] == {"row": 2, "column": "baseline", "message": "'ten' is not a number"}
    assert world.count(Indicator) == 0 and _audit(world) == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_export_imports_again_with_no_change(
    world: World, tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["indicators", "import", _file(tmp_path, FIRMS, CASES)]) == 0
    out = tmp_path / f"exported{suffix}"
    assert main(["indicators", "export", "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"wrote 2 indicators of Peru to {out}"
    assert main(["indicators", "import", str(out)]) == 0
    assert capsys.readouterr().out == "Peru: indicators: 0 created, 0 changed, 0 retired, 2 unchanged\n"
    assert len(_audit(world)) == 2


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["indicators", "export", "--out", "sheets.txt"],
            "error: sheets.txt: write the indicators to a .csv or .xlsx file",
        ),
        (["indicators", "import", "missing.csv"], "error: cannot read missing.csv: No such file or directory"),
        (["indicators", "import", "FILE", "--mission", "Nepal"], "error: unknown mission 'Nepal' (known: Peru)"),
    ],
)
def test_a_wrong_command_is_a_one_line_error(
    world: World,
    tmp_path: Path,
    argv: list[str],
    error: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    _file(tmp_path, FIRMS)
    argv = [a.replace("FILE", "sheets.csv") for a in argv]
    assert main(argv) == 1
    assert capsys.readouterr().err == error + "\n"


def test_a_file_without_the_sheet_columns_is_refused_in_one_line(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "values.csv"
    path.write_text("indicator,quarter,value\n1.1.a,FY2026 Q4,4\n", encoding="utf-8")
    assert main(["indicators", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: values.csv: The header row does not match the indicator sheet (missing objective,")
    assert len(err.splitlines()) == 1
