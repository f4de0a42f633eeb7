"""``python -m dashboard mission list | set`` and ``user add --home``, on both databases."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from dashboard.cli import main
from dashboard.store.database import dispose_engine, get_engine

GHANA_SAMPLE = Path(__file__).resolve().parents[1] / "formats" / "samples" / "ics_ghana.txt"


@pytest.fixture
def two_posts(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[str]:
    """The bundled Peru (``init``) and Ghana imported beside it; the output of both is dropped."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("ICS_DUE_DAYS", raising=False)
    assert main(["init"]) == 0
    assert main(["import-ics", str(GHANA_SAMPLE)]) == 0
    capsys.readouterr()
    yield database_url
    dispose_engine(database_url)


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    with get_engine(url).connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql)).all()]


def test_mission_list_names_each_mission_with_its_id_country_post_and_bureau(
    two_posts: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mission", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1 | Peru | Embassy Lima | WHA | FY2022–FY2026 from FY2022 Q3 | due 30 days after each quarter (ICS_DUE_DAYS) "
        "| visitors open here",
        "2 | Ghana | Embassy Accra | no bureau | FY2022–FY2026 from FY2022 Q4 "
        "| due 30 days after each quarter (ICS_DUE_DAYS)",
    ]
    assert main(["mission", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(m["id"], m["country"], m["post"], m["bureau"], m["default"]) for m in listed] == [
        (1, "Peru", "Embassy Lima", "WHA", True),
        (2, "Ghana", "Embassy Accra", None, False),
    ]
    assert set(listed[1]) >= {"strategy_start", "strategy_end", "first_reporting_quarter", "time_zone", "due_days"}


def test_mission_set_changes_every_setting_with_an_audit_row(
    two_posts: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["mission", "set", "ghana", "--bureau", "AF", "--first-quarter", "FY2023Q1", "--start", "2023"]
    argv += ["--end", "2027", "--post", "U.S. Embassy Accra", "--release-marking", "UNCLASSIFIED"]
    argv += ["--time-zone", "Africa/Accra", "--due-days", "45", "--default"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("Ghana: ") and "bureau: None → AF" in out and "due_days: None → 45" in out
    columns = "bureau, post, strategy_start, strategy_end, reporting_from_fy, reporting_from_quarter, release_marking"
    stored = _rows(two_posts, f"SELECT {columns}, time_zone, due_days, is_default FROM mission WHERE id = 2")
    assert stored == [("AF", "U.S. Embassy Accra", 2023, 2027, 2023, 1, "UNCLASSIFIED", "Africa/Accra", 45, True)]
    audited = _rows(two_posts, "SELECT actor, entity_key FROM audit_log WHERE action = 'change mission' ORDER BY id")
    assert audited == [("operator (command line)", "Peru"), ("operator (command line)", "Ghana")]  # the default moved
    assert main(["mission", "set", "2", "--due-days", "default"]) == 0
    assert capsys.readouterr().out == "Ghana: due_days: 45 → None\n"
    assert main(["mission", "set", "2", "--time-zone", "Africa/Accra"]) == 0
    assert capsys.readouterr().out == "Ghana: no change\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--bureau", "XYZ"], "error: Regional bureau: 'XYZ' is not one of the six regional bureaus"),
        (["--first-quarter", "FY2030Q1"], "error: First reporting quarter: FY2030 Q1 is outside the strategy period"),
        (["--time-zone", "Accra"], "error: Time zone: 'Accra' is not a time zone name"),
        (
            ["--start", "2025", "--end", "2023"],
            "error: Strategy period: it ends in FY2023, before it starts in FY2025.",
        ),
        (["--due-days", "-3"], "error: Due days: '-3' is not a whole number of days from 0 to 365"),
        (["--bureau", "AF", "--country", "Peru"], "error: Country: another mission is already Peru"),
    ],
)
def test_mission_set_refuses_bad_input_in_one_line_and_writes_nothing(
    two_posts: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    before = _rows(two_posts, "SELECT * FROM mission ORDER BY id")
    assert main(["mission", "set", "Ghana", *argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert _rows(two_posts, "SELECT * FROM mission ORDER BY id") == before
    assert _rows(two_posts, "SELECT id FROM audit_log WHERE action = 'change mission'") == []


def test_mission_set_names_an_unknown_mission(two_posts: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mission", "set", "Nepal", "--bureau", "SCA"]) == 1
    assert capsys.readouterr().err == "error: unknown mission 'Nepal' (known: Ghana, Peru)\n"


def test_user_add_takes_a_home_mission(two_posts: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "add", "kathmandu@example.gov", "--role", "viewer", "--home", "Ghana"]) == 0
    assert main(["user", "add", "lima@example.gov", "--role", "contributor", "--mission", "1", "--agency", "DEA"]) == 0
    assert main(["user", "add", "nowhere@example.gov", "--role", "viewer"]) == 0  # several missions: visitors'
    out = capsys.readouterr().out
    assert "kathmandu@example.gov | viewer | home: Ghana |" in out and "home: Peru" in out
    homes = dict(_rows(two_posts, "SELECT email, home_mission_id FROM app_user"))  # type: ignore[arg-type]
    assert homes == {"kathmandu@example.gov": 2, "lima@example.gov": 1, "nowhere@example.gov": None}
    assert main(["user", "add", "x@example.gov", "--role", "viewer", "--bureau", "WHA", "--home", "Ghana"]) == 1
    assert capsys.readouterr().err.startswith("error: Home mission: Ghana is outside the WHA bureau this user sees")
