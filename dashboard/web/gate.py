"""The page gate: who is looking, whether they may use this page, and on which mission.

Every page that needs a right or a mission opens with ``require``; it stops the page with a plain
reason instead of showing a half-drawn page.
"""

from typing import NamedTuple

import streamlit as st

from dashboard.domain.actor import Actor
from dashboard.web import identity
from dashboard.web.sidebar import pick_mission

REFUSALS = {
    "can_submit": "Only contributors bound to an agency can submit updates. Ask an admin if you should be one.",
    "can_review": "Only working-group chairs and admins review updates.",
    "is_admin": "Only admins can manage users and the strategy's structure.",
}

# A right the actor holds at another post but not at the one chosen.
OTHER_POST = {
    "can_submit": "You report for an agency at another post, not at this one. Choose your post in the sidebar.",
}


class Gate(NamedTuple):
    """What a page may go on with: the acting user (read fresh, never cached) and the mission shown."""

    actor: Actor
    mission_id: int


def require(page: str, right: str | None = None) -> Gate:
    """The actor and mission for ``page``; stops the page when ``right`` (an ``Actor`` property) is missing
    or no strategy is loaded. The mission chooser's widget key is ``<page>_mission``."""
    actor = require_right(right) if right is not None else identity.current_actor()
    mission_id = pick_mission(f"{page}_mission")
    if mission_id is None:
        st.stop()
    here = actor.at_mission(mission_id)  # agencies are bound per post: only this post's count here
    if right is not None and not getattr(here, right):
        st.info(OTHER_POST.get(right, REFUSALS[right]))
        st.stop()
    return Gate(here, mission_id)


def require_right(right: str) -> Actor:
    """The actor, for a page that needs ``right`` but no mission (it may create the first one)."""
    actor = identity.current_actor()
    if not getattr(actor, right):
        st.info(REFUSALS[right])
        st.stop()
    return actor
