"""The shared caches: one object for every session, a page's own changes never reaching it, and every read
dropped after a write."""

import pandas as pd
import pytest

from dashboard.store import queries
from dashboard.web import cache


def _first_mission(url: str) -> int:
    return int(cache.missions(url)["mission_id"].iloc[0])


def test_a_page_changing_its_frame_leaves_the_next_sessions_frame_alone(demo_app_url: str) -> None:
    mission_id = _first_mission(demo_app_url)
    mine = cache.updates(demo_app_url, mission_id)
    pristine = mine.copy(deep=True)
    assert len(mine) > 10
    mine["progress"] = 0  # replace a column
    mine.loc[mine.index[0], "status"] = "Changed"  # change one value in place
    mine.drop(columns=["risk_level"], inplace=True)
    mine["extra"] = 1  # add a column
    theirs = cache.updates(demo_app_url, mission_id)
    pd.testing.assert_frame_equal(theirs, pristine)


READS = {
    "missions": ("missions_frame", lambda url, m: cache.missions(url)),
    "strategy_texts": ("strategy_frame", lambda url, m: cache.strategy_texts(url, m)),
    "retired_history": ("retired_history", lambda url, m: cache.retired_history(url, m)),
    "expected": ("expected_frame", lambda url, m: cache.expected(url, m)),
    "updates": ("updates_frame", lambda url, m: cache.updates(url, m)),
    "submissions": ("submissions_frame", lambda url, m: cache.submissions(url, m)),
    "indicators": ("indicators_frame", lambda url, m: cache.indicators(url, (1, 2))),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_a_read_is_made_once_for_everyone_then_again_after_a_write(
    demo_app_url: str, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    mission_id = _first_mission(demo_app_url)
    cache.after_write()  # start with nothing cached
    query, read = READS[name]
    calls: list[object] = []
    real = getattr(queries, query)
    monkeypatch.setattr(queries, query, lambda *a, **k: calls.append(a) or real(*a, **k))
    first = read(demo_app_url, mission_id)
    second = read(demo_app_url, mission_id)
    assert len(calls) == 1 and first is not second
    pd.testing.assert_frame_equal(first, second)
    cache.after_write()
    read(demo_app_url, mission_id)
    assert len(calls) == 2
