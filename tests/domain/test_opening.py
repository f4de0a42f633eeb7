"""Which mission a page opens on: a link, else the home mission, else the default mission, never the one that
happens to sort first."""

import pytest

from dashboard.domain.opening import default_mission, opening_mission


@pytest.mark.parametrize(
    ("missions", "expected"),
    [
        ([(2, False), (1, False)], 1),  # none marked: the oldest, whatever the order they come in
        ([(1, False), (2, True)], 2),  # an admin's choice
        ([(1, True), (3, True)], 1),  # two marked (never written by the service): the older one
        ([], None),
    ],
)
def test_visitors_open_on_the_marked_mission_else_the_oldest(
    missions: list[tuple[int, bool]], expected: int | None
) -> None:
    assert default_mission(missions) == expected


@pytest.mark.parametrize(
    ("link", "home", "default", "expected"),
    [
        (None, None, 3, 3),  # a visitor: the default mission
        (None, 2, 3, 2),  # a user: their home
        (4, 2, 3, 4),  # a link naming a mission wins
        (9, 2, 3, 2),  # a link to a mission out of reach is ignored
        (None, 9, 3, 3),  # a home out of reach (another bureau): the default mission
        (None, 9, 9, 2),  # neither in reach: the oldest in reach
    ],
)
def test_a_link_wins_then_the_home_then_the_default(
    link: int | None, home: int | None, default: int | None, expected: int
) -> None:
    assert opening_mission([3, 2, 4], link=link, home=home, default=default) == expected
