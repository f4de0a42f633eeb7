"""Who sees which page, in both identity modes, and what happens when rights change while someone is signed in.

Run headless with AppTest on a fresh database per test (see tests/appcast.py for the cast).
"""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied, Actor
from dashboard.domain.navigation import landing_page, page_names
from dashboard.services import access, admin, submissions
from dashboard.store.database import read_session, write_session
from dashboard.views.submit_flow import PICKERS, widget_key
from models import AppUser, StatusUpdate, UpdateDraft
from models.fields import UpdateKey
from tests.appcast import MODES, Cast, open_page, reachable, start, texts, update_key
from tests.people import ADMIN, DEA, STRANGER, USAID, VIEWER
from tests.people import CHAIR1 as CHAIR

CHECKED = ["submit", "review", "admin", "strategy_import", "todo", "tracker", "overview"]
VIEW = {"tracker", "overview"}
ROLES: dict[str, tuple[str | None, set[str], str]] = {
    # role -> (e-mail, pages of CHECKED in its navigation, how the account box describes it)
    "anonymous": (None, VIEW, ""),
    "no account": (STRANGER, VIEW, "Viewer (no account here)"),
    "viewer": (VIEWER, VIEW, "Viewer"),
    "own-agency contributor": (USAID, VIEW | {"submit", "todo"}, "Contributor for USAID"),
    "other-agency contributor": (DEA, VIEW | {"submit", "todo"}, "Contributor for DEA"),
    "chair": (CHAIR, VIEW | {"review", "todo"}, "Working-group chair"),
    "admin": (ADMIN, VIEW | {"review", "admin", "strategy_import", "todo"}, "Admin"),
}
TITLES = {
    "submit": "Submit update",
    "review": "Review",
    "admin": "Admin",
    "strategy_import": "Import strategy",
    "todo": "My to-do",
}
USAID_OBJECTIVES = ["1.1", "1.2", "1.3", "2.2", "3.1", "3.2", "4.1", "4.2", "M1"]
DEA_OBJECTIVES = ["2.1", "2.2", "3.2"]


def _actor(cast: Cast, email: str | None) -> Actor:
    with read_session(cast.engine) as session:
        return access.resolve(session, email)


def _change_user(cast: Cast, email: str, by: str = SYSTEM_ACTOR, **change: object) -> None:
    with write_session(cast.engine) as session:
        admin.update_user(session=session, actor_email=by, email=email, **change)  # type: ignore[arg-type]


def _submit_button(at: AppTest, key: UpdateKey, label: str = "Submit") -> Button:
    return at.button(key=f"FormSubmitter:{widget_key('form', key)}-{label}")


# --------------------------------------------------------------------------- navigation, pure


def _bound(role: str, **fields: object) -> Actor:
    return Actor(email=f"{role}@example.gov", role=role, user_id=1, **fields)  # type: ignore[arg-type]


VIEW_ORDER = ["overview", "missions", "objective", "agency", "strategy", "tracker", "quarters"]
WORKER_ORDER = ["overview", "todo", "missions", "objective", "agency", "strategy", "tracker", "quarters"]


@pytest.mark.parametrize(
    ("actor", "anonymous_view", "expected"),
    [
        (Actor.anonymous(), True, [*VIEW_ORDER, "sign_in"]),
        (Actor.anonymous(), False, ["sign_in"]),
        (Actor(email=STRANGER), True, [*VIEW_ORDER, "account"]),
        (Actor(email=STRANGER), False, [*VIEW_ORDER, "account"]),
        (_bound("viewer"), True, [*VIEW_ORDER, "account"]),
        # A viewer bound to an agency (left over from an earlier role) still cannot submit.
        (_bound("viewer", agency_ids=frozenset({1})), True, [*VIEW_ORDER, "account"]),
        (_bound("contributor", agency_ids=frozenset({1})), True, [*WORKER_ORDER, "submit", "account"]),
        (_bound("contributor", agency_ids=frozenset({1})), False, [*WORKER_ORDER, "submit", "account"]),
        (_bound("contributor"), True, [*VIEW_ORDER, "account"]),  # no agency: nothing to submit for
        (_bound("contributor", agency_ids=frozenset({1}), disabled=True), True, [*VIEW_ORDER, "account"]),
        (_bound("chair", working_group_ids=frozenset({1})), True, [*WORKER_ORDER, "review", "account"]),
        (_bound("chair"), True, [*VIEW_ORDER, "account"]),  # chairs no group: nothing to review
        (
            _bound("chair", working_group_ids=frozenset({1}), agency_ids=frozenset({2})),
            True,
            [*WORKER_ORDER, "submit", "review", "account"],
        ),
        (_bound("admin"), True, [*WORKER_ORDER, "review", "admin", "strategy_import", "account"]),
        (_bound("admin", disabled=True), True, [*VIEW_ORDER, "account"]),
        (
            _bound("admin", agency_ids=frozenset({1})),
            True,
            [*WORKER_ORDER, "submit", "review", "admin", "strategy_import", "account"],
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_page_names_for_each_role(actor: Actor, anonymous_view: bool, expected: list[str]) -> None:
    names = page_names(actor, anonymous_view=anonymous_view)
    assert names == expected
    assert len(set(names)) == len(names)
    assert ("sign_in" in names) != ("account" in names)  # exactly one of the two, by whether someone is signed in


@pytest.mark.parametrize(
    ("actor", "landing"),
    [
        (_bound("viewer"), "overview"),
        (_bound("contributor", agency_ids=frozenset({1})), "todo"),
        (_bound("chair", working_group_ids=frozenset({1})), "todo"),
        (_bound("admin"), "todo"),
        (_bound("admin", disabled=True), "overview"),
        (Actor(email=STRANGER), "overview"),  # no account here: what anonymous visitors see
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_signing_in_lands_on_my_to_do_or_else_the_overview_never_on_account(actor: Actor, landing: str) -> None:
    assert landing_page(page_names(actor, anonymous_view=True)) == landing
    nobody_here = Actor(email=STRANGER, can_view=False)  # no account, and no anonymous view: only Account to show
    assert landing_page(page_names(nobody_here, anonymous_view=False)) is None


# --------------------------------------------------------------------------- navigation through the app


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("role", list(ROLES))
def test_role_matrix(cast: Cast, role: str, mode: str) -> None:
    email, expected, described = ROLES[role]
    at = start(email, mode)
    assert [t.value for t in at.title] == ["Strategy progress"]  # everyone lands on the overview
    if email is None:
        assert not at.sidebar.text  # no account box
    else:
        assert texts(at.sidebar.text)[0] == f"{email}\n{described}"

    shown = {name for name in CHECKED if reachable(at, name)}
    assert shown == expected
    assert shown == set(page_names(_actor(cast, email), anonymous_view=True)) & set(CHECKED)
    assert reachable(at, "sign_in")  # "Sign in" for anonymous, "Account" for everyone else

    for name in sorted(shown & set(TITLES)):
        open_page(at, name)
        assert [t.value for t in at.title] == [TITLES[name]]
        refusals = [text for text in texts(at.info) if text.startswith("Only ")]
        assert not refusals, (name, refusals)


@pytest.mark.parametrize("mode", MODES)
def test_signed_in_users_only_when_anonymous_view_is_off(
    cast: Cast, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICS_ANONYMOUS_VIEW", "false")
    at = start(None, mode)
    assert [t.value for t in at.title] == ["Sign in"]
    assert "This dashboard is open to signed-in users only." in texts(at.caption)
    assert not at.metric and not at.dataframe
    for name in CHECKED:
        assert not reachable(at, name), name
    if mode == "local":
        assert at.text_input(key="signin_email").label == "E-mail"
        assert at.text_input(key="signin_password").label == "Password"
        assert "Sign in" in [b.label for b in at.button]
    else:
        assert at.button(key="signin_oidc").label == "Sign in with your organisation"

    viewer = start(VIEWER, mode)
    assert [t.value for t in viewer.title] == ["Strategy progress"]
    assert [m.label for m in viewer.metric][:2] == ["On track", "At risk"]
    assert {name for name in CHECKED if reachable(viewer, name)} == VIEW


# --------------------------------------------------------------------------- two users at once


def _owed(at: AppTest) -> list[tuple[str, str]]:
    """(objective, agency) of each "Submit" button on the to-do page (key ``todo_submit_<code>_<agency>_<quarter>``)."""
    keys = [b.key.removeprefix("todo_submit_") for b in at.button if (b.key or "").startswith("todo_submit_")]
    return [tuple(key.rsplit("_", 1)[0].split("_", 1)) for key in keys]


def _submit_choices(at: AppTest) -> tuple[list[str], list[str]]:
    objectives = [label.split(" · ")[0] for label in at.selectbox(key=PICKERS["objective"]).options]
    return objectives, list(at.selectbox(key=PICKERS["agency"]).options)


def test_two_users_signed_in_at_once_see_only_their_own_agency(cast: Cast) -> None:
    usaid, dea = start(USAID), start(DEA)
    usaid_owed = [(code, "USAID") for code in USAID_OBJECTIVES]
    dea_owed = [(code, "DEA") for code in DEA_OBJECTIVES]

    for at, owed in ((usaid, usaid_owed), (dea, dea_owed), (usaid, usaid_owed)):
        open_page(at, "todo")
        assert _owed(at) == owed
    for at, objectives, agency in ((dea, DEA_OBJECTIVES, "DEA"), (usaid, USAID_OBJECTIVES, "USAID")):
        open_page(at, "submit")
        assert _submit_choices(at) == (objectives, [agency])

    # USAID submits through its page (clearing the shared caches); DEA's next runs refill them, then USAID reads them.
    key = update_key(cast)
    usaid.text_area(key=widget_key("accomplishments", key)).set_value("Trade mission held.")  # required on submit
    _submit_button(usaid, key).click().run()
    assert any(text.startswith("Submitted as revision 1") for text in texts(usaid.success))
    open_page(dea, "submit")
    assert _submit_choices(dea) == (DEA_OBJECTIVES, ["DEA"])
    open_page(dea, "todo")
    assert _owed(dea) == dea_owed
    assert texts(dea.caption)[0].startswith(f"{len(DEA_OBJECTIVES)} owed for ")
    open_page(usaid, "todo")
    assert _owed(usaid) == usaid_owed[1:]  # 1.1 is in
    open_page(usaid, "submit")
    assert _submit_choices(usaid) == (USAID_OBJECTIVES, ["USAID"])
    assert texts(usaid.sidebar.text)[0].startswith(USAID) and texts(dea.sidebar.text)[0].startswith(DEA)


# --------------------------------------------------------------------------- defence in depth


def test_a_forged_form_for_another_agency_is_refused_by_the_service(cast: Cast) -> None:
    for email, refusal in (
        (DEA, "You report for DEA, not for USAID."),
        (VIEWER, "has viewer access"),
        (STRANGER, "has no account here"),
        (CHAIR, "You report for no agency, not for USAID."),
    ):
        for write in (submissions.submit, submissions.save_draft):
            with pytest.raises(AccessDenied, match=refusal), write_session(cast.engine) as session:
                write(session=session, actor_email=email, form=cast.form("1.1", "USAID"), base_revision=0)
    # DEA contributes to 2.1, but cannot report there for USAID either.
    with pytest.raises(AccessDenied, match="You report for DEA"), write_session(cast.engine) as session:
        submissions.submit(session=session, actor_email=DEA, form=cast.form("2.1", "USAID"), base_revision=0)
    assert cast.count(StatusUpdate) == 0
    assert cast.count(UpdateDraft) == 0


def test_demoted_to_viewer_while_on_the_submit_page(cast: Cast) -> None:
    _change_user(cast, VIEWER, role="contributor", agencies=["USAID"])
    at = start(VIEWER)
    open_page(at, "submit")
    key = update_key(cast)
    at.text_area(key=widget_key("accomplishments", key)).set_value("Written before the demotion.")
    _change_user(cast, VIEWER, by=ADMIN, role="viewer", agencies=[])

    _submit_button(at, key).click().run()
    assert not at.exception
    errors = texts(at.error)
    assert any("changed while you were signed in" in e and "can no longer submit updates" in e for e in errors), errors
    assert not at.success
    assert cast.count(StatusUpdate) == 0 and cast.count(UpdateDraft) == 0
    assert not reachable(at, "submit") and not reachable(at, "todo")
    assert texts(at.sidebar.text)[0] == f"{VIEWER}\nViewer"

    at.run()  # said once, not on every later run
    assert not at.error
    # The service refuses the same write on its own.
    with pytest.raises(AccessDenied, match="viewer access"), write_session(cast.engine) as session:
        submissions.submit(session=session, actor_email=VIEWER, form=cast.form(), base_revision=0)
    assert cast.count(StatusUpdate) == 0


@pytest.mark.parametrize("mode", MODES)
def test_disabled_while_signed_in(cast: Cast, mode: str) -> None:
    at = start(USAID, mode)
    open_page(at, "submit")
    key = update_key(cast)
    at.text_area(key=widget_key("accomplishments", key)).set_value("Written before the account was disabled.")
    _change_user(cast, USAID, by=ADMIN, disabled=True)
    with read_session(cast.engine) as session:
        assert session.exec(select(AppUser.disabled).where(AppUser.email == USAID)).one() is True

    _submit_button(at, key).click().run()
    assert not at.exception
    errors = texts(at.error)
    assert any("disabled" in e and USAID in e for e in errors), errors
    assert cast.count(StatusUpdate) == 0 and cast.count(UpdateDraft) == 0
    assert not reachable(at, "submit")
    assert any("disabled" in w for w in texts(at.sidebar.warning))

    at.run()
    assert not at.exception
    assert not reachable(at, "submit") and not reachable(at, "todo")
    assert reachable(at, "overview")
    with pytest.raises(AccessDenied, match="disabled"), write_session(cast.engine) as session:
        submissions.submit(session=session, actor_email=USAID, form=cast.form(), base_revision=0)
    assert cast.count(StatusUpdate) == 0
