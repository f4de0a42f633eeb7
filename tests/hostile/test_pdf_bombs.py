"""PDF bombs: kilobytes that decode to gigabytes are read in a bounded child, and the user gets one sentence.

Each bomb goes through ``parse_ics_bytes``, as the Import strategy page and ``import-ics`` do; the sandbox's
own report of the child's peak memory and wall time is read through a spy on ``run_bounded``.
"""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dashboard.formats import ics_document
from dashboard.formats.ics_document import PDF_MEMORY_BYTES, PDF_REFUSALS, IcsParseError, parse_ics_bytes
from dashboard.formats.sandbox import ROOT, DocumentRefused, run_bounded
from tests.hostile.pdf_bombs import BOMBS, double_flate_bomb

GB = 1024 * 1024 * 1024
# What each bomb runs out of first under the real caps (1 GB, 20 s). Millions of text objects reach 1 GB in
# about 8 s on an idle machine and may run out of time first on a busy one: either way, one sentence.
EXPECTED = {
    "flate": {"memory"},
    "double_flate": {"memory"},
    "text_operators": {"memory", "time"},
    "tounicode": {"memory"},
    "shared_stream": {"time"},
}


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> list[DocumentRefused]:
    """The DocumentRefused each sandboxed read raised, with the child's peak memory and seconds."""
    seen: list[DocumentRefused] = []

    def spy(func: Callable[..., Any], data: bytes, *args: str, **limits: Any) -> Any:
        try:
            return run_bounded(func, data, *args, **limits)
        except DocumentRefused as exc:
            seen.append(exc)
            raise

    monkeypatch.setattr(ics_document, "run_bounded", spy)
    return seen


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bomb_is_refused_in_one_sentence_within_bounds(name: str, refusals: list[DocumentRefused]) -> None:
    data = BOMBS[name]()
    assert len(data) < 3 * 1024 * 1024  # the upload limit is 10 MB: every bomb gets past it
    started = time.monotonic()
    with pytest.raises(IcsParseError) as caught:
        parse_ics_bytes(data, "ICS_Bomb.pdf")
    assert time.monotonic() - started <= 30
    [refused] = refusals
    assert refused.reason in EXPECTED[name]
    assert str(caught.value) == f"cannot read ICS_Bomb.pdf: {PDF_REFUSALS[refused.reason]}"
    assert refused.peak_bytes <= 1.5 * GB
    assert refused.seconds <= 30


def test_double_flate_bomb_needs_gigabytes_without_the_cap() -> None:
    """The corpus is real: 5 KB that, given 4 GB, takes PDFium past 1.5 GB (so the cap is what stops it).

    About 10 s on an idle machine; the time limit is generous so a busy one still runs it to the end.
    """
    data = double_flate_bomb()
    assert len(data) < 10 * 1024
    with pytest.raises(DocumentRefused) as caught:  # it holds no text, once decoded
        run_bounded(ics_document.read_pdf_text, data, "bomb.pdf", memory_bytes=4 * GB, seconds=300)
    assert caught.value.reason == "refused"
    assert caught.value.peak_bytes > 1.5 * GB
    assert caught.value.peak_bytes > 1.5 * PDF_MEMORY_BYTES


# --------------------------------------------------------------------------- the sandbox itself


def echo_length(data: bytes, suffix: str) -> dict[str, Any]:
    return {"length": len(data), "suffix": suffix}


def sleep_forever(data: bytes) -> None:
    time.sleep(3600)


def allocate(data: bytes) -> int:
    return len(bytearray(2 * GB))


def refuse(data: bytes) -> None:
    raise ValueError("not an ICS:\n  one line")


def imported_streamlit(data: bytes) -> bool:
    return "streamlit" in sys.modules


def test_result_comes_back_as_json() -> None:
    assert run_bounded(echo_length, b"x" * 1000, "pdf", memory_bytes=GB, seconds=20) == {
        "length": 1000,
        "suffix": "pdf",
    }


def test_child_is_killed_at_the_time_limit() -> None:
    started = time.monotonic()
    with pytest.raises(DocumentRefused) as caught:
        run_bounded(sleep_forever, b"", memory_bytes=GB, seconds=1)
    assert caught.value.reason == "time"
    assert time.monotonic() - started < 5


def test_allocation_past_the_cap_is_refused() -> None:
    with pytest.raises(DocumentRefused) as caught:
        run_bounded(allocate, b"", memory_bytes=GB, seconds=20)
    assert caught.value.reason == "memory"
    assert caught.value.peak_bytes < GB


def test_parser_refusal_comes_back_as_its_sentence() -> None:
    with pytest.raises(DocumentRefused, match=r"^not an ICS: one line$") as caught:
        run_bounded(refuse, b"", memory_bytes=GB, seconds=20)
    assert caught.value.reason == "refused"


def test_child_starts_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing of the server (Streamlit, its session state) is inherited: the child is a new interpreter."""
    import streamlit  # noqa: F401

    monkeypatch.chdir("/")  # and it finds the project wherever the server was started
    assert run_bounded(imported_streamlit, b"", memory_bytes=GB, seconds=20) is False


def test_import_ics_command_refuses_a_bomb_in_one_line(tmp_path: Path) -> None:
    """``python -m dashboard import-ics`` reads through the same sandbox."""
    bomb = tmp_path / "ICS_Bomb.pdf"
    bomb.write_bytes(double_flate_bomb())
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "import-ics", str(bomb), "--dry-run"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1] == f"error: cannot read ICS_Bomb.pdf: {PDF_REFUSALS['memory']}"
