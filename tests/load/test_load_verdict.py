"""The load test's pass/fail rule (the run itself is ``python -m tests.load.load_sessions``)."""

from tests.load.load_sessions import p95, verdict

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


def test_p95() -> None:
    assert p95([1.0] * 19 + [9.0]) < 9.0
    assert p95([float(i) for i in range(1, 101)]) == 95.05
