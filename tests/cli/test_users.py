"""``python -m dashboard user add | list | disable | enable | set-password``."""

import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.services.passwords import verify_password
from dashboard.store.database import dispose_engine

PASSWORD = "a long enough password"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "users.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["init"]) == 0
    yield path
    dispose_engine(url)


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def _user(path: Path, email: str) -> dict[str, object]:
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM app_user WHERE email = ?", (email,)).fetchone()
    return dict(row) if row else {}


def _audit(path: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT actor, action, entity_key, after FROM audit_log ORDER BY id").fetchall()


def test_first_admin_with_a_password_from_stdin(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["user", "list"]) == 0
    assert "create the first admin" in capsys.readouterr().out
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["user", "add", "Boss@State.gov", "--role", "admin", "--password-stdin"]) == 0
    assert "added boss@state.gov | admin" in capsys.readouterr().out
    user = _user(db_path, "boss@state.gov")
    assert user["role"] == "admin"
    assert user["password_hash"] != PASSWORD
    assert verify_password(PASSWORD, str(user["password_hash"]), str(user["password_salt"]))
    actor, action, key, after = _audit(db_path)[-1]
    assert (actor, action, key) == ("operator (command line)", "add user", "boss@state.gov")
    assert json.loads(after)["role"] == "admin"


def test_contributor_and_chair_bindings_then_list(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "add", "x@usaid.gov", "--role", "contributor", "--agency", "usaid", "--agency", "State"]) == 0
    assert main(["user", "add", "c@state.gov", "--role", "chair", "--group", "Goal 2"]) == 0
    capsys.readouterr()
    assert main(["user", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "c@state.gov | chair | chairs: Goal 2 Working Group: Security and Rule of Law | home: Peru | no local password",
        "x@usaid.gov | contributor | agencies: State, USAID | home: Peru | no local password",
    ]


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["user", "add", "nobody", "--role", "viewer"], "", "error: email: 'nobody' is not an e-mail address"),
        (["user", "add", "a@b.gov", "--role", "contributor"], "", "needs at least one agency"),
        (["user", "add", "a@b.gov", "--role", "contributor", "--agency", "NASA"], "", "unknown NASA (known: "),
        (["user", "add", "a@b.gov", "--role", "chair", "--group", "Nope"], "", "working group: unknown 'Nope'"),
        (["user", "add", "a@b.gov", "--role", "admin", "--password-stdin"], "short\n", "at least 12 characters"),
        (["user", "disable", "ghost@b.gov"], "", "no account for ghost@b.gov"),
        (["user", "set-password", "ghost@b.gov", "--password-stdin"], PASSWORD + "\n", "no account for ghost@b.gov"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    message: str,
) -> None:
    _stdin(monkeypatch, stdin)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert _audit(db_path) == []


def test_set_password_needs_a_terminal_or_stdin(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["user", "add", "x@usaid.gov", "--role", "contributor", "--agency", "USAID"]) == 0
    _stdin(monkeypatch, "")
    assert main(["user", "set-password", "x@usaid.gov"]) == 1
    assert "pipe it in with --password-stdin" in capsys.readouterr().err
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["user", "set-password", "x@usaid.gov", "--password-stdin"]) == 0
    user = _user(db_path, "x@usaid.gov")
    assert verify_password(PASSWORD, str(user["password_hash"]), str(user["password_salt"]))
    assert _audit(db_path)[-1][1] == "set password"
    assert PASSWORD not in str(_audit(db_path))


def test_disable_and_enable(db_path: Path) -> None:
    assert main(["user", "add", "x@usaid.gov", "--role", "contributor", "--agency", "USAID"]) == 0
    assert main(["user", "disable", "x@usaid.gov"]) == 0
    assert _user(db_path, "x@usaid.gov")["disabled"] == 1
    assert main(["user", "enable", "X@usaid.gov"]) == 0
    assert _user(db_path, "x@usaid.gov")["disabled"] == 0
    assert [a[1] for a in _audit(db_path)] == ["add user", "change user", "change user"]


def test_a_bureau_viewer(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "add", "wha@example.gov", "--role", "viewer", "--bureau", "WHA"]) == 0
    assert _user(db_path, "wha@example.gov")["bureau"] == "WHA"
    assert "bureau: WHA" in capsys.readouterr().out
    with pytest.raises(SystemExit):  # argparse refuses a bureau that is not one of the six
        main(["user", "add", "x@example.gov", "--role", "viewer", "--bureau", "XX"])
    assert _user(db_path, "x@example.gov") == {}
