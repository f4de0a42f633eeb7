"""`python -m dashboard brief`: a deck or a PDF for a quarter and filters; bad input: one line and exit 1."""

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from dashboard.cli import main
from dashboard.store.database import dispose_engine
from tests.people import demo_template


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "ics.db"
    shutil.copyfile(demo_template(), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    yield path
    dispose_engine(url)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def made_goal(titles: list[str]) -> str:
    """The one goal slide's title (its continuations end in "(continued)")."""
    return next(t for t in titles if t.startswith("Goal 2:"))


def test_writes_a_deck_for_one_goal(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brief.pptx"
    code, printed, err = _run(
        capsys,
        "brief",
        "--quarter",
        "FY2026Q4",
        "--format",
        "pptx",
        "--out",
        str(out),
        "--mission",
        "Peru",
        "--goal",
        "2",
    )
    assert code == 0, err
    assert "wrote the Peru FY2026 Q4 brief (pptx" in printed
    deck = Presentation(io.BytesIO(out.read_bytes()))
    texts = [s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame]
    assert any(t.startswith("Goal 2:") for t in texts)
    assert not any(t.startswith(("Goal 1:", "Goal 3:", "Goal 4:")) for t in texts)
    titles = [next((s.text_frame.text for s in slide.shapes if s.has_text_frame), "") for slide in deck.slides]
    assert titles[1] == "Bottom line" and any(t.startswith("Decisions and actions") for t in titles)
    assert {t.removesuffix(" (continued)") for t in titles if t.startswith("Goal ")} == {made_goal(titles)}
    behind = next(d for d, t in zip(deck.slides, titles, strict=True) if t == "Indicator evidence")
    first_table = next(s.table for s in behind.shapes if s.has_table)  # "Behind target"
    codes = [first_table.cell(r, 0).text_frame.text for r in range(1, len(first_table.rows))]
    assert codes == ["2.2.b"]  # goal 2's indicators only; of them, only 2.2.b is behind in the demo


def test_writes_a_pdf_with_an_appendix(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brief.pdf"
    code, _, err = _run(capsys, "brief", "--quarter", "FY2026 Q4", "--format", "pdf", "--out", str(out), "--appendix")
    assert code == 0, err
    pages = PdfReader(out).pages
    whole = "\n".join(p.extract_text() for p in pages)
    assert whole.count("Appendix ·") == 11  # one per objective, management included
    assert all("FOR PUBLIC RELEASE" in p.extract_text() for p in pages)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--quarter", "FY2030Q1"], "FY2030 Q1 is outside the Peru strategy (FY2022 Q1 to FY2026 Q4)"),
        (["--quarter", "FY2021Q4"], "FY2021 Q4 is outside the Peru strategy"),
        (["--quarter", "last one"], "not a fiscal quarter: 'last one'"),
        (["--quarter", "FY2026Q4", "--mission", "Atlantis"], "unknown mission 'Atlantis' (known: Peru)"),
        (["--quarter", "FY2026Q4", "--goal", "9"], "unknown goal '9' in the Peru strategy (goals: 1, 2, 3, 4, M)"),
        (["--quarter", "FY2026Q4", "--as", "nobody@example.gov"], "unknown account 'nobody@example.gov'"),
    ],
)
def test_bad_input_gets_one_line_and_writes_nothing(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out = tmp_path / "brief.pptx"
    code, printed, err = _run(capsys, "brief", "--format", "pptx", "--out", str(out), *argv)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], err
    assert "Traceback" not in err + printed
    assert not out.exists()


@pytest.mark.parametrize("where", ["missing folder", "a folder", "read-only file"])
def test_unwritable_path_gets_one_line(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    target = {
        "missing folder": tmp_path / "nowhere" / "brief.pdf",
        "a folder": tmp_path,
        "read-only file": Path("/proc/version"),
    }[where]
    code, printed, err = _run(capsys, "brief", "--quarter", "FY2026Q4", "--format", "pdf", "--out", str(target))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot write the brief to {target}"), err
    assert "Traceback" not in err + printed


@pytest.mark.parametrize(("bureau", "allowed"), [("EUR", False), ("WHA", True), (None, True)])
def test_a_bureau_scope_is_a_boundary_for_the_brief(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], bureau: str | None, allowed: bool
) -> None:
    from dashboard.domain.actor import SYSTEM_ACTOR
    from dashboard.services import admin
    from dashboard.store.database import get_engine, write_session

    with write_session(get_engine(f"sqlite:///{demo_db}")) as session:
        admin.add_user(
            session=session, actor_email=SYSTEM_ACTOR, email="scoped@example.gov", role="viewer", bureau=bureau
        )
    out = tmp_path / "brief.pdf"
    argv = ["brief", "--quarter", "FY2026Q4", "--format", "pdf", "--out", str(out), "--as", "scoped@example.gov"]
    code, printed, err = _run(capsys, *argv)
    if allowed:
        assert code == 0 and out.exists(), err
        return
    assert code == 1 and not out.exists()
    assert err.strip() == (
        "error: scoped@example.gov sees only the EUR bureau's missions, and Peru is not one of them: no brief was made."
    )
