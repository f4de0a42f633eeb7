"""The command line's rights cannot be claimed with text, and a provider identity must be an e-mail."""

import pytest

from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied, is_operator
from dashboard.services import access, admin
from dashboard.store.database import read_session, write_session
from tests import people
from tests.appcast import reachable, start
from tests.people import World

LOOKALIKES = ["operator (command line)", "Operator (command line)", " operator (command line) ", str(SYSTEM_ACTOR)]


@pytest.fixture
def world(database_url: str) -> World:
    return people.build(database_url)


@pytest.mark.parametrize("text", LOOKALIKES)
def test_text_that_reads_like_the_operator_has_no_rights(world: World, text: str) -> None:
    assert not is_operator(text)
    with read_session(world.engine) as session:
        assert not access.resolve(session, text).is_admin
    with pytest.raises(AccessDenied):
        with write_session(world.engine) as session:
            admin.save_agency(session=session, actor_email=text, acronym="FAKE", name="Forged agency")


def test_the_command_line_itself_keeps_its_rights(world: World) -> None:
    with write_session(world.engine) as session:
        admin.save_agency(session=session, actor_email=SYSTEM_ACTOR, acronym="REAL", name="Real agency")
    assert is_operator(SYSTEM_ACTOR)


@pytest.mark.parametrize("claimed", ["operator (command line)", "not an e-mail", "a@b"])
def test_a_provider_identity_that_is_not_an_e_mail_is_nobody(cast: World, claimed: str) -> None:
    at = start(claimed, mode="oidc")
    assert not reachable(at, "admin")
    assert not reachable(at, "submit")


@pytest.mark.parametrize(("default_role", "views"), [("", False), ("viewer", True)])
def test_an_identity_with_no_account_gets_only_the_default_role(world: World, default_role: str, views: bool) -> None:
    from dashboard.domain.navigation import VIEW_PAGES, page_names

    with read_session(world.engine) as session:
        actor = access.resolve(session, "unknown@partner.example", default_role)
    assert actor.can_view is views and actor.user_id is None
    pages = page_names(actor, anonymous_view=False)
    assert pages == ([*VIEW_PAGES, "account"] if views else ["account"])
