"""Text from a link, a document or an account never renders as a live link, image, HTML or formatting.

Every page is opened with crafted titles, names, e-mails and narratives in the database and crafted
values in the link, and every element that Streamlit renders as Markdown is read back.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from dashboard.services import admin
from dashboard.store.database import write_session
from models import Goal, Mission, Objective, WorkingGroup
from tests.appcast import app, open_page, reachable
from tests.hostile.payloads import MARKDOWN, live_markdown
from tests.people import ADMIN, World

PHISH = "phish.example"
HOSTILE_EMAIL = "x](http://phish.example/p)@evil.gov"
PAGES = [
    "overview", "missions", "objective", "agency", "strategy", "tracker", "todo", "submit", "review", "admin",
    "strategy_import",
]  # fmt: skip


def _texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(kind, Markdown source) of every element on the page that Streamlit renders as Markdown."""
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        for element in getattr(at, kind):
            yield kind, str(element.value)
    for kind in ("expander", "tabs"):
        for element in getattr(at, kind):
            yield kind, str(getattr(element, "label", ""))
    for kind in ("selectbox", "multiselect", "text_input", "text_area", "number_input", "button", "checkbox", "radio"):
        for element in getattr(at, kind):
            yield f"{kind} label", str(element.label)
            help_text = getattr(element, "help", None)
            if help_text:
                yield f"{kind} help", str(help_text)
    for element in at.metric:
        yield "metric", f"{element.label} {element.value}"


def _leaks(at: AppTest) -> list[tuple[str, str, list[str]]]:
    found = []
    for kind, body in _texts(at):
        if PHISH in body or "alert(" in body or "<img" in body:
            live = live_markdown(body)
            if live:
                found.append((kind, body[:160], live))
    return found


@pytest.fixture
def hostile(cast: World) -> World:
    """The cast's database with crafted titles, a crafted working-group name, account and narratives."""
    with write_session(cast.engine) as session:
        goal = session.exec(select(Goal).where(Goal.code == "1")).one()
        goal.title = MARKDOWN[0]
        objective = session.exec(select(Objective).where(Objective.code == "1.1")).one()
        objective.title = MARKDOWN[1] + " " + MARKDOWN[3]
        objective.justification = MARKDOWN[2]
        group = session.exec(select(WorkingGroup).where(WorkingGroup.name == "Goal 2")).first()
        if group is not None:
            group.name = "Goal 2 " + MARKDOWN[5]
        mission = session.exec(select(Mission)).one()
        mission.post = "Embassy " + MARKDOWN[0]  # shown on the Missions page and in the mission chooser
        session.add_all([goal, objective, mission] + ([group] if group else []))
        admin.add_user(session=session, actor_email=ADMIN, email=HOSTILE_EMAIL, role="contributor", agencies=["USAID"])
    cast.submit(
        HOSTILE_EMAIL,
        cast.form(accomplishments=MARKDOWN[0], challenges=MARKDOWN[4], status="At risk", risk_note=MARKDOWN[1]),
    )
    return cast


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_crafted_text_as_markdown(hostile: World, page: str) -> None:
    at = app(HOSTILE_EMAIL if page in ("submit", "todo") else ADMIN).run()
    assert reachable(at, page), page
    at = open_page(at, page)
    assert not at.exception
    assert _leaks(at) == []


@pytest.mark.parametrize("parameter", ["status", "risk", "goal", "agency", "from", "to", "mission", "objective"])
def test_a_crafted_link_cannot_put_markdown_into_the_page(cast: World, parameter: str) -> None:
    at = app(None)
    at.query_params[parameter] = MARKDOWN[0]
    at.run()
    assert not at.exception
    assert _leaks(at) == []
    shown: list[Any] = [w.value for w in at.sidebar.warning]
    assert all(PHISH not in text or not live_markdown(text) for text in shown)
