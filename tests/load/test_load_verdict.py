"""The load test's pass/fail rule (the run itself is ``python -m tests.load.load_sessions``)."""

from pathlib import Path

from tests.load.load_sessions import p95, verdict
from tests.proxy.nginx import stream_upstreams

GOOD = {
    "sessions": 50,
    "succeeded": 50,
    "p95_s": 3.2,
    "growth_mb": 60.0,
    "rss_before_mb": 230.0,
    "rss_after_close_mb": 250.0,
}


def test_every_criterion_met() -> None:
    assert verdict(GOOD) == []


def test_each_criterion_can_fail() -> None:
    assert verdict({**GOOD, "succeeded": 49}) == ["1 sessions failed"]
    assert verdict({**GOOD, "p95_s": 5.5}) == ["p95 5.5 s > 5 s"]
    assert verdict({**GOOD, "growth_mb": 120.0}) == ["memory grew 120.0 MB > 100 MB"]
    assert verdict({**GOOD, "rss_after_close_mb": 290.0}) == ["memory did not come back down after the sessions closed"]
    assert verdict({**GOOD, "sessions": 100, "succeeded": 100, "growth_mb": 150.0}) == []  # 100 MB per 50


def test_replicas_behind_the_proxy_each_take_a_share() -> None:
    many = {**GOOD, "sessions": 200, "succeeded": 200}
    assert verdict({**many, "sessions_per_replica": [104, 96]}) == []
    assert verdict({**many, "sessions_per_replica": []}) == []  # one server, no proxy
    assert verdict({**many, "sessions_per_replica": [200, 0]}) == ["sessions not spread over the replicas: [200, 0]"]
    assert verdict({**many, "sessions_per_replica": [151, 49]}) == ["sessions not spread over the replicas: [151, 49]"]


def test_sessions_per_upstream_are_read_from_the_proxy_log(tmp_path: Path) -> None:
    (tmp_path / "access.log").write_text(
        '127.0.0.1 "GET /_stcore/stream HTTP/1.1" 101 127.0.0.1:8501\n'
        '127.0.0.1 "GET /_stcore/stream HTTP/1.1" 101 127.0.0.1:8502\n'
        '127.0.0.1 "GET /_stcore/stream HTTP/1.1" 101 127.0.0.1:8501\n'
        '127.0.0.1 "GET /_stcore/health HTTP/1.1" 200 127.0.0.1:8502\n'
    )
    assert stream_upstreams(tmp_path) == {"127.0.0.1:8501": 2, "127.0.0.1:8502": 1}
    assert stream_upstreams(tmp_path / "nothing") == {}


def test_p95() -> None:
    assert p95([1.0] * 19 + [9.0]) < 9.0
    assert p95([float(i) for i in range(1, 101)]) == 95.05
