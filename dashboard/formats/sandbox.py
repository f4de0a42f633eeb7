"""Run a parser on untrusted bytes in a child process with a memory cap and a time limit.

Native parsers (PDFium) and decompressors can be made to allocate gigabytes from a file of kilobytes.
``run_bounded`` starts a fresh interpreter (nothing of the server's state, Streamlit's included, is
inherited), caps its address space with ``RLIMIT_AS`` before the parser sees a byte, kills it when it
runs over its time, and returns only the parser's JSON result. Anything else becomes ``DocumentRefused``.
The result comes back as JSON, never as a pickle: the child has just read hostile input.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any, Literal

__all__ = ["DocumentRefused", "run_bounded"]

Reason = Literal["memory", "time", "crash", "refused"]
ROOT = Path(__file__).resolve().parents[2]  # the child imports the project from here
MAX_OUTPUT_BYTES = 64 * 1024 * 1024  # the result file; a 1,000,000-character text is at most 6 MB of JSON
_BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from dashboard.formats.sandbox import _child_main; _child_main()"


class DocumentRefused(ValueError):
    """The child ran out of memory or time, crashed, or the parser refused the bytes (``reason``).

    ``message`` is one sentence for "refused" and a short English clause otherwise; ``peak_bytes`` is the
    child's peak resident memory and ``seconds`` its wall time.
    """

    def __init__(self, message: str, *, reason: Reason, peak_bytes: int, seconds: float) -> None:
        super().__init__(" ".join(message.split()))
        self.reason: Reason = reason
        self.peak_bytes = peak_bytes
        self.seconds = seconds


def run_bounded(func: Callable[..., Any], data: bytes, *args: str, memory_bytes: int, seconds: float) -> Any:
    """``func(data, *args)`` in a child process capped at ``memory_bytes`` of address space and ``seconds``.

    ``func`` must be a module-level function returning JSON-serialisable data; a ``ValueError`` it raises
    comes back as ``DocumentRefused(reason="refused")`` with its message. Blocks for at most ``seconds``.
    """
    header = {
        "func": f"{func.__module__}:{func.__qualname__}",
        "args": list(args),
        "memory_bytes": memory_bytes,
        "seconds": seconds,
    }
    with tempfile.TemporaryFile() as request, tempfile.TemporaryFile() as reply:
        request.write(json.dumps(header).encode() + b"\n" + data)
        request.seek(0)
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(ROOT)],
            stdin=request,
            stdout=reply,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        timed_out, status, usage = _wait(process, seconds)
        elapsed = time.monotonic() - started
        peak = usage.ru_maxrss * 1024  # kilobytes on Linux
        reply.seek(0)
        raw = reply.read(MAX_OUTPUT_BYTES + 1)
    if timed_out:
        raise DocumentRefused(_CLAUSES["time"], reason="time", peak_bytes=peak, seconds=elapsed)
    answer = _answer(raw) if os.waitstatus_to_exitcode(status) == 0 else None
    if answer is None or answer.get("reason") == "memory":
        reason = _failure(status, answer)
        raise DocumentRefused(_CLAUSES[reason], reason=reason, peak_bytes=peak, seconds=elapsed)
    if "value" not in answer:
        raise DocumentRefused(str(answer.get("message", "")), reason="refused", peak_bytes=peak, seconds=elapsed)
    return answer["value"]


_CLAUSES: dict[Reason, str] = {
    "memory": "it needs more memory than it should",
    "time": "it took too long to read",
    "crash": "the reader stopped",
}


def _failure(status: int, answer: dict[str, Any] | None) -> Reason:
    if answer is not None:  # a MemoryError the parser raised
        return "memory"
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
        return "time"
    # PDFium does not return on a failed allocation: it stops the process with a signal. Under the cap,
    # that is memory; an exit with a traceback is a bug in the reader.
    return "memory" if os.WIFSIGNALED(status) else "crash"


def _wait(process: subprocess.Popen[bytes], seconds: float) -> tuple[bool, int, resource.struct_rusage]:
    """Wait for the child at most ``seconds`` (then kill it); reap it with its own resource usage."""
    timed_out = False
    pidfd = os.pidfd_open(process.pid)
    try:
        readable, _, _ = select.select([pidfd], [], [], seconds)
        if not readable:
            timed_out = True
            process.kill()
    finally:
        os.close(pidfd)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    return timed_out, status, usage


def _answer(raw: bytes) -> dict[str, Any] | None:
    if len(raw) > MAX_OUTPUT_BYTES:
        return None
    try:
        answer = json.loads(raw)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


# --------------------------------------------------------------------------- in the child


def _child_main() -> None:
    """Read the request from stdin, cap this process, run the parser, write one JSON object to stdout."""
    stdin = sys.stdin.buffer
    header = json.loads(stdin.readline())
    module, _, name = header["func"].partition(":")
    func = getattr(import_module(module), name)
    data = stdin.read()
    memory = int(header["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(header["seconds"]) + 2  # the parent's kill comes first; this is a second line
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES))
    try:
        answer: dict[str, Any] = {"value": func(data, *header["args"])}
    except MemoryError:
        answer = {"reason": "memory"}
    except ValueError as exc:
        answer = {"reason": "refused", "message": str(exc)}
    del data
    sys.stdout.buffer.write(json.dumps(answer).encode())
    sys.stdout.buffer.flush()
