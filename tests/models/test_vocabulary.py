"""The domain's words live in one type each (models/scales.py); the rest of the code derives from them."""

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

from models.scales import (
    STATUS_LEVELS,
    VOCABULARY_CHECKS,
    NoStatus,
    ReviewState,
    RiskLevel,
    Status,
    combine_risk,
    combine_status,
    status_text,
)

ROOT = Path(__file__).resolve().parents[2]
# Every word of the vocabulary as the code would spell it.
WORDS = {m.value for kind in (Status, RiskLevel, ReviewState, NoStatus) for m in kind}
# Data generators may spell the words: they make example rows, they do not decide anything.
GENERATORS = {"dashboard/services/demo.py", "dashboard/bench.py"}
# The ICS parser's "approved" is the date a strategy document was approved, not a review state.
OTHER_MEANINGS = {"dashboard/formats/ics_document.py": {"approved"}}


def _literals(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in WORDS:
            found.append((node.lineno, node.value))
    return sorted(found)


def _spelled_out(folder: Path) -> list[str]:
    offenders = []
    for path in sorted(folder.rglob("*.py")):
        relative = path.relative_to(folder.parent).as_posix()
        if relative in GENERATORS:
            continue
        allowed = OTHER_MEANINGS.get(relative, set())
        offenders += [f"{relative}:{line}: {word!r}" for line, word in _literals(path) if word not in allowed]
    return offenders


@pytest.mark.parametrize("folder", ["dashboard", "pages"])
def test_no_module_spells_out_a_status_risk_level_or_review_state(folder: str) -> None:
    assert _spelled_out(ROOT / folder) == []


def test_the_check_finds_a_word_spelled_out(tmp_path: Path) -> None:
    package = tmp_path / "dashboard"
    package.mkdir()
    (package / "charts.py").write_text('COLOURS = {"At risk": "#E69F00"}\nx = "approved"\n', encoding="utf-8")
    assert _spelled_out(package) == ["dashboard/charts.py:1: 'At risk'", "dashboard/charts.py:2: 'approved'"]


def test_every_member_carries_its_traits() -> None:
    for status in Status:
        assert (
            status.symbol
            and re.fullmatch(r"#[0-9A-F]{6}", status.colour)
            and re.fullmatch(r"#[0-9A-F]{6}", status.tint)
        )
        assert status.text == f"{status.symbol} {status.value}"
    # one colour and one symbol per status: colour never the only cue, and no two statuses look alike
    assert len({s.colour for s in Status}) == len(Status)
    assert len({s.symbol for s in [*Status, *NoStatus]}) == len(Status) + len(NoStatus)
    assert len({r.colour for r in RiskLevel}) == len(RiskLevel)
    assert [s.value for s in Status][: len(Status)] == STATUS_LEVELS[: len(Status)]
    assert STATUS_LEVELS[-1] == NoStatus.NO_UPDATE


@pytest.mark.parametrize(
    ("reported", "combined"),
    [
        (["On track", "Off track", "At risk"], "Off track"),
        (["On track", "At risk"], "At risk"),
        (["Completed", "Completed"], "Completed"),
        (["Not started"], "Not started"),
        (["Completed", "On track"], "On track"),
        (["Not started", "Completed"], "On track"),
        (["On track", "On track"], "On track"),
    ],
)
def test_combine_status_follows_the_documented_rule(reported: list[str], combined: str) -> None:
    assert combine_status(reported) == combined


def test_combine_risk_takes_the_highest() -> None:
    assert combine_risk(["Medium", "Critical", "Low"]) == "Critical"
    assert combine_risk(["Low"]) == "Low"


def test_status_text_puts_the_symbol_before_the_word() -> None:
    assert status_text("At risk") == "▲ At risk"
    assert status_text(NoStatus.NO_UPDATE) == "– No update"
    assert status_text("Goal 2") == "Goal 2"


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql.strip().strip("()")).replace("'", "'")


def test_the_migrated_database_holds_the_checks_the_vocabulary_derives(engine: Engine) -> None:
    """After ``alembic upgrade head``, each vocabulary CHECK in the database keeps the column to exactly the
    members' values: adding a member without a migration fails here."""
    inspector = inspect(engine)
    for name, (table, column, values) in VOCABULARY_CHECKS.items():
        checks = {c["name"]: _normal(c["sqltext"]) for c in inspector.get_check_constraints(table)}
        assert name in checks, f"{table} has no {name}"
        allowed = re.findall(r"'((?:[^']|'')*)'", checks[name])
        assert column in checks[name] and tuple(allowed) == values, (name, checks[name])
    model = {c.name for t in SQLModel.metadata.tables.values() for c in t.constraints if c.name in VOCABULARY_CHECKS}
    assert model == set(VOCABULARY_CHECKS)
