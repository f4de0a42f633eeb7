"""The code keeps its shape: no function over 80 lines, no page script over 150 lines.

A function's length is ``end_lineno - lineno + 1`` (its decorators aside, its docstring included), for
every function and method in dashboard/, models/ and pages/, nested ones too. The ICS parser
(dashboard/formats/ics_document.py) and the migrations are exempt: a parser reads best as one pass over
the document, and a migration is written once and never read as code again.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_FUNCTION_LINES = 80
MAX_PAGE_LINES = 150
PACKAGES = ("dashboard", "models", "pages")
EXEMPT = {"dashboard/formats/ics_document.py"}

PENDING: set[str] = set()
"""Offenders still being shortened. Empty: every function and page is within the limits; an entry added here
must be removed once it is (a test below says when)."""


def long_functions(source: str, *, limit: int = MAX_FUNCTION_LINES) -> dict[str, int]:
    """``{qualified name: lines}`` of each function in ``source`` longer than ``limit`` lines."""
    found: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    assert child.end_lineno is not None
                    lines = child.end_lineno - child.lineno + 1
                    if lines > limit:
                        found[name] = lines
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def _sources() -> list[Path]:
    paths = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    return [p for p in paths if _name(p) not in EXEMPT and "migrations" not in p.relative_to(ROOT).parts]


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def offenders() -> dict[str, int]:
    """Every function over ``MAX_FUNCTION_LINES`` and every page script over ``MAX_PAGE_LINES``, with its length."""
    found: dict[str, int] = {}
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for function, lines in long_functions(text).items():
            found[f"{_name(path)}:{function}"] = lines
        if path.parent == ROOT / "pages" and len(text.splitlines()) > MAX_PAGE_LINES:
            found[_name(path)] = len(text.splitlines())
    return found


def test_no_function_is_over_80_lines_and_no_page_over_150() -> None:
    new = {name: lines for name, lines in offenders().items() if name not in PENDING}
    assert new == {}, "split these into well-named helpers (functions <= 80 lines, pages <= 150): " + ", ".join(
        f"{name} ({lines} lines)" for name, lines in sorted(new.items())
    )


def test_every_pending_entry_is_still_an_offender() -> None:
    fixed = sorted(PENDING - set(offenders()))
    assert fixed == [], f"within the limits now, so remove from PENDING in {Path(__file__).name}: {fixed}"


def test_the_exempt_parser_is_still_there() -> None:
    for name in EXEMPT:
        assert (ROOT / name).is_file(), f"{name} is exempt but gone: remove it from EXEMPT"


def _function(name: str, body_lines: int, indent: str = "") -> str:
    body = "".join(f"{indent}    x{i} = {i}\n" for i in range(body_lines))
    return f"{indent}def {name}() -> None:\n{body}"


@pytest.mark.parametrize(("body_lines", "reported"), [(79, False), (80, True)])
def test_a_function_of_81_lines_is_reported_and_one_of_80_is_not(body_lines: int, reported: bool) -> None:
    source = _function("f", body_lines)
    assert long_functions(source) == ({"f": body_lines + 1} if reported else {})


def test_methods_and_nested_functions_are_measured_with_their_qualified_name() -> None:
    source = (
        "class Deck:\n"
        + _function("draw", 90, indent="    ")
        + "\n\ndef outer() -> None:\n"
        + _function("inner", 85, indent="    ")
    )
    found = long_functions(source)
    assert found["Deck.draw"] == 91
    assert found["outer.inner"] == 86
    assert found["outer"] == 87
