"""The shipped nginx configuration in front of the app: an upload flood is refused at the proxy, one upload
still goes through, oversized bodies never reach the app, and the shipped file itself is valid nginx."""

import asyncio
import os
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from dashboard.bench import Server, _free_port
from tests.proxy import nginx
from tests.proxy.stream import open_session, put_file

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@pytest.fixture(scope="module")
def nginx_binary() -> str:
    return nginx.require_nginx()


@pytest.fixture(scope="module")
def proxied(nginx_binary: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Server]]:
    """(nginx base URL, app server): ``streamlit run dashboard/app.py`` behind the rendered shipped config."""
    work = tmp_path_factory.mktemp("proxied")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'app.db'}",
        "ICS_TRUSTED_PROXIES": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    port = _free_port()
    with Server(ROOT / "dashboard" / "app.py", env) as app:
        with nginx.running(nginx_binary, work / "nginx", port=port, upstream_ports=[app.port]):
            yield f"http://127.0.0.1:{port}", app


def _client(source: str) -> httpx.Client:
    """An HTTP client whose requests come from ``source`` (any 127.x address is this machine)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60)


async def _issued_url(base_url: str) -> tuple[str, object]:
    async with open_session(base_url) as session:
        return await session.upload_url(), session


def test_an_upload_flood_from_one_client_is_refused_at_the_proxy(proxied: tuple[str, Server]) -> None:
    base_url, app = proxied
    attempts, size = 100, 2 * MB

    async def flood() -> tuple[Counter, float, float]:
        async with open_session(base_url) as session:
            url = await session.upload_url()
            before = app.rss_mb()
            with _client("127.0.0.2") as client, ThreadPoolExecutor(16) as pool:
                start = time.perf_counter()
                # Each PUT names a new file id, as the reported flood did: the proxy counts requests per client.
                urls = [url.rsplit("/", 1)[0] + f"/{uuid.uuid4()}" for _ in range(attempts)]
                statuses = Counter(pool.map(lambda u: put_file(client, base_url, u, session, size), urls))
                elapsed = time.perf_counter() - start
            return statuses, elapsed, app.rss_mb() - before

    statuses, elapsed, growth = asyncio.run(flood())
    print(f"\nflood of {attempts} x {size // MB} MB: {dict(statuses)} in {elapsed:.1f} s; app memory +{growth:.0f} MB")
    limited = statuses[429]
    assert limited >= attempts - 6, statuses  # a burst of 5 (and a token the rate earned meanwhile) at most
    assert sum(n for status, n in statuses.items() if status != 429) <= 6, statuses
    assert elapsed < 60


def test_a_normal_upload_for_a_live_session_goes_through_the_proxy(proxied: tuple[str, Server]) -> None:
    base_url, _ = proxied

    async def upload() -> int:
        async with open_session(base_url) as session:
            url = await session.upload_url()
            with _client("127.0.0.3") as client:
                return put_file(client, base_url, url, session, 2 * MB)

    assert asyncio.run(upload()) == 204


def test_a_body_over_the_largest_upload_is_refused_before_the_app(proxied: tuple[str, Server]) -> None:
    base_url, _ = proxied

    async def upload() -> int:
        async with open_session(base_url) as session:
            url = await session.upload_url()
            with _client("127.0.0.4") as client:
                return put_file(client, base_url, url, session, 12 * MB)

    assert asyncio.run(upload()) == 413


def test_the_shipped_file_is_valid_nginx_with_tls(nginx_binary: str, tmp_path: Path) -> None:
    """Only the certificate paths change: the TLS listeners, http2 and every directive are checked by nginx."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=ics.example.gov",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = nginx.SHIPPED.read_text()
    site = site.replace("/etc/ssl/certs/ics.example.gov.pem", str(cert))
    site = site.replace("/etc/ssl/private/ics.example.gov.key", str(key))
    (tmp_path / "tmp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx.main_config(site, tmp_path))
    result = subprocess.run(
        [nginx_binary, "-t", "-p", str(tmp_path), "-c", str(conf), "-g", f"pid {tmp_path / 'pid'};"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_app_refuses_file_ids_it_never_issued_and_caps_what_a_session_holds(proxied: tuple[str, Server]) -> None:
    """Through the proxy, the app's upload guard: a made-up file id is refused; a session holds two 9 MB files
    (one of them replaced in place) and no third."""
    base_url, _ = proxied

    async def uploads() -> list[int]:
        async with open_session(base_url) as session:
            first, second, third = [await session.upload_url() for _ in range(3)]
            made_up = first.rsplit("/", 1)[0] + f"/{uuid.uuid4()}"
            with _client("127.0.0.5") as client:
                return [
                    put_file(client, base_url, url, session, 9 * MB) for url in (made_up, first, first, second, third)
                ]

    assert asyncio.run(uploads()) == [404, 204, 204, 204, 413]


def test_the_sign_in_cookie_stays_strict_and_secure_through_the_proxy(proxied: tuple[str, Server]) -> None:
    base, _ = proxied
    with httpx.Client(timeout=30) as client:
        response = client.post(f"{base}/_ics/session/end", headers={"X-ICS-Session": "1"})
        refused = client.post(f"{base}/_ics/session/end", headers={"Origin": "https://evil.example"})
    assert response.status_code == 204
    (cookie,) = [c for c in response.headers.get_list("set-cookie") if c.startswith("ics_session=")]
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "secure" in flags and "httponly" in flags and "samesite=strict" in flags and "samesite=lax" not in flags
    assert refused.status_code == 403
