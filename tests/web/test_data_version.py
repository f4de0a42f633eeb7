"""A write from another replica or the command line reaches this process's shared caches: every page run checks a
cheap data version, and a change drops the caches."""

import pytest

from dashboard.services import submissions
from dashboard.store import queries
from dashboard.store.database import dispose_engine, get_engine, write_session
from dashboard.web import cache
from models import UpdateDraft
from models.scales import ReviewState
from tests.people import CHAIR1, STATE, TODAY, USAID, build


@pytest.fixture
def world(database_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cache, "VERSION_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(cache, "_FRESHNESS", {})
    world = build(database_url)
    yield world
    dispose_engine(database_url)


def test_the_version_moves_with_every_kind_of_write(world) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(world.url)
    seen = {queries.data_version(engine)}
    stored = world.submit(USAID, world.form("1.2", "USAID", progress=30))
    seen.add(queries.data_version(engine))
    world.review(CHAIR1, stored.id, ReviewState.APPROVED)
    seen.add(queries.data_version(engine))
    with write_session(engine) as session:
        submissions.save_draft(
            session=session, actor_email=STATE, form=world.form("1.2", "State"), base_revision=0, today=TODAY
        )
    seen.add(queries.data_version(engine))
    assert len(seen) == 4, seen
    assert world.count(UpdateDraft) == 1


def test_another_processs_write_shows_on_the_next_page_run(world) -> None:  # type: ignore[no-untyped-def]
    url, mission_id = world.url, world.mission_id
    assert cache.follow_other_writers(url) is False  # the first look only remembers the version
    before = cache.updates(url, mission_id)
    assert before.empty
    # the command line or another replica writes through its own engine; this process's cache still holds the old
    world.submit(USAID, world.form("1.2", "USAID", progress=30))
    assert cache.updates(url, mission_id).empty
    assert cache.follow_other_writers(url) is True
    after = cache.updates(url, mission_id)
    assert after["progress"].tolist() == [30]
    assert cache.follow_other_writers(url) is False  # nothing new: the caches stay
    assert cache.data_as_of(url) is not None


def test_the_database_is_asked_at_most_once_a_second(world, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cache, "VERSION_CHECK_SECONDS", 60.0)
    calls = []
    real = queries.data_version
    monkeypatch.setattr(queries, "data_version", lambda engine: calls.append(1) or real(engine))
    for _ in range(5):
        cache.follow_other_writers(world.url)
    assert len(calls) == 1
