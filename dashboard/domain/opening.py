"""Which mission a page opens on: the one a link names, else the user's home mission, else the default mission.

Pure: the pages pass the missions the person may see. Missions are listed by country, so "the first one" would let
a newly imported mission that sorts first take over every visit; the fallbacks never depend on that order.
"""

from collections.abc import Iterable, Sequence


def default_mission(missions: Iterable[tuple[int, bool]]) -> int | None:
    """The mission visitors open on, from ``(id, is_default)`` pairs: the one an admin marked, else the oldest
    (the lowest id: the post a deployment started with). None when there is no mission."""
    pairs = list(missions)
    marked = sorted(mission_id for mission_id, flagged in pairs if flagged)
    if marked:
        return marked[0]
    return min((mission_id for mission_id, _ in pairs), default=None)


def opening_mission(in_scope: Sequence[int], *, link: int | None, home: int | None, default: int | None) -> int:
    """The mission to show among ``in_scope`` (not empty): the link's, else the home mission, else the default
    mission, each only when the person may see it; else the oldest mission they may see."""
    for choice in (link, home, default):
        if choice is not None and choice in in_scope:
            return choice
    return min(in_scope)
