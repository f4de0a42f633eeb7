"""The shipped nginx configuration (``data/deploy/nginx.conf``) run for tests and the load command.

``render`` keeps every location, limit and header of the shipped file and changes only what cannot run here:
the TLS listeners become one plain-HTTP listener on a loopback port, the certificate lines go, the port-80
redirect goes, and the upstream servers point at the test's app ports. Each change must match, so a shipped
file whose shape changed fails the tests instead of being tested half.
"""

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "deploy" / "nginx.conf"
CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")


class ConfigShapeError(ValueError):
    """The shipped file no longer has a part the test rendering replaces."""


def find_nginx() -> str | None:
    return shutil.which("nginx") or next((c for c in CANDIDATES if os.access(c, os.X_OK)), None)


def require_nginx() -> str:
    """The nginx executable for a test: skipped only on a developer's machine without it; under CI (``CI`` set)
    a missing nginx fails the test, since .ci/run installs it."""
    import pytest

    found = find_nginx()
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("nginx not found: .ci/run installs Debian's nginx (apt-get install -y nginx)", pytrace=False)
    pytest.skip("nginx not installed (apt-get install -y nginx)")


def _server_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of every top-level ``server { ... }`` block."""
    blocks = []
    for match in re.finditer(r"^server\s*\{", text, flags=re.MULTILINE):
        depth, i = 0, match.end() - 1
        while True:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                break
            i += 1
        blocks.append((match.start(), i + 1))
    return blocks


def _sub(pattern: str, replacement: str, text: str, what: str) -> str:
    new, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if not count:
        raise ConfigShapeError(f"the shipped nginx.conf has no {what}")
    return new


def render(text: str, *, port: int, upstream_ports: list[int], host: str = "127.0.0.1") -> str:
    """The shipped site file with a plain-HTTP loopback listener and the given app ports (see module doc)."""
    redirect = [(a, b) for a, b in _server_blocks(text) if "return 301 https://" in text[a:b]]
    if len(redirect) != 1:
        raise ConfigShapeError("the shipped nginx.conf has no single port-80 redirect server")
    text = text[: redirect[0][0]] + text[redirect[0][1] :]
    text = _sub(r"^(\s*)listen 443 ssl[^;]*;", rf"\1listen {host}:{port};", text, "IPv4 TLS listener")
    text = _sub(r"^\s*listen \[::\]:443 ssl[^;]*;\n", "", text, "IPv6 TLS listener")
    text = _sub(r"^\s*ssl_\w+ [^;]*;\n", "", text, "ssl_ lines")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in upstream_ports)
    text = _sub(r"(?:^\s*server 127\.0\.0\.1:\d+[^;]*;\n)+", servers, text, "upstream servers")
    return text


def main_config(site: str, prefix: Path) -> str:
    """A whole nginx.conf around ``site``, every path inside ``prefix`` (Debian's own main file is not read)."""
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {prefix / 'tmp' / kind};" for kind in kinds)
    return (
        f"{user}worker_processes 1;\nerror_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 2048; }\n"
        "http {\n    log_format ics '$remote_addr \"$request\" $status $upstream_addr';\n"
        f"    access_log {prefix / 'access.log'} ics;\n{temp}\n{site}\n}}\n"
    )


def stream_upstreams(prefix: Path) -> dict[str, int]:
    """Sessions (``/_stcore/stream`` connections) per upstream address, from the access log ``running`` writes."""
    counts: dict[str, int] = {}
    log = prefix / "access.log"
    for line in log.read_text().splitlines() if log.exists() else []:
        if "/_stcore/stream" in line:
            upstream = line.rsplit(" ", 1)[-1]
            counts[upstream] = counts.get(upstream, 0) + 1
    return counts


def _wait_listening(port: int, process: subprocess.Popen, log: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}: {log.read_text(errors='replace')[-3000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nginx not listening on {port} after {timeout:.0f} s")


@contextmanager
def running(nginx: str, prefix: Path, *, port: int, upstream_ports: list[int]) -> Iterator[Path]:
    """nginx in the foreground (a child process, ``daemon off``) serving the rendered shipped file on
    127.0.0.1:``port``; yields the prefix folder (``access.log``, ``error.log``). Stopped on exit."""
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(render(SHIPPED.read_text(), port=port, upstream_ports=upstream_ports), prefix))
    log = prefix / "nginx.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [nginx, "-p", str(prefix), "-c", str(conf), "-g", f"daemon off; pid {prefix / 'nginx.pid'};"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_listening(port, process, log)
        yield prefix
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful stop of the master and its worker
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
