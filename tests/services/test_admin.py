"""Admin changes: users, agencies, working groups, objective roles; every change audited, only admins allowed."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, col, select

from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied
from dashboard.services import access, admin
from dashboard.store.database import read_session, write_session
from dashboard.views import admin_lists
from models import AppUser, AuditEntry, WorkingGroup
from tests import people
from tests.people import ADMIN, CHAIR1, DEA, STATE, USAID, VIEWER, World

KNOWN_AGENCIES = "DAO, DEA, DHS, FAS, FCS, MAAG, State, USAID"


@pytest.fixture
def world(database_url: str) -> World:
    return people.build(database_url)


def _group_id(session: Session, prefix: str) -> int:
    group = session.exec(select(WorkingGroup).where(col(WorkingGroup.name).startswith(prefix))).one()
    assert group.id is not None
    return group.id


def _last_audit(world: World) -> AuditEntry:
    with read_session(world.engine) as session:
        return session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()  # type: ignore[return-value]


def _user(email: str, role: str, agencies: list[str], groups: list[str], password: bool = False) -> dict[str, Any]:
    return {
        "email": email,
        "role": role,
        "agencies": agencies,
        "working_groups": groups,
        "bureau": None,
        "home": "Peru",  # every contributor here reports at Peru, the mission they open on
        "disabled": False,
        "local_password": password,
        "locked_until": None,
    }


GOAL1 = "Goal 1 Working Group: Economic, Educational and Cultural Ties"

# (call, action, entity, key, before, after); each call gets (session, world) and acts as ADMIN.
AUDITED: dict[str, tuple[Callable[[Session, World], Any], str, str, str, Any, Any]] = {
    "add user": (
        lambda s, w: admin.add_user(
            session=s, actor_email=ADMIN, email=" New@Example.gov ", role="contributor", agencies=["fas", "State"]
        ),
        "add user",
        "user",
        "new@example.gov",
        None,
        _user("new@example.gov", "contributor", ["FAS", "State"], []),
    ),
    "change user": (
        lambda s, w: admin.update_user(
            session=s, actor_email=ADMIN, email=STATE, role="chair", groups=["Goal 1"], agencies=["State"]
        ),
        "change user",
        "user",
        STATE,
        _user(STATE, "contributor", ["State"], []),
        _user(STATE, "chair", ["State"], [GOAL1]),
    ),
    "disable user": (
        lambda s, w: admin.update_user(session=s, actor_email=ADMIN, email=DEA, disabled=True),
        "change user",
        "user",
        DEA,
        _user(DEA, "contributor", ["DEA"], []),
        {**_user(DEA, "contributor", ["DEA"], []), "disabled": True},
    ),
    "set password": (
        lambda s, w: admin.set_password(session=s, actor_email=ADMIN, email=VIEWER, password=people.PASSWORD),
        "set password",
        "user",
        VIEWER,
        {"password": "(not recorded)"},
        {"password": "changed", "lock": "cleared"},
    ),
    "add agency": (
        lambda s, w: admin.save_agency(session=s, actor_email=ADMIN, acronym="PC", name="Peace Corps"),
        "add agency",
        "agency",
        "PC",
        None,
        {"acronym": "PC", "name": "Peace Corps"},
    ),
    "rename agency": (
        lambda s, w: admin.save_agency(session=s, actor_email=ADMIN, acronym="dea", name="Drug Enforcement Agency"),
        "rename agency",
        "agency",
        "DEA",
        {"acronym": "DEA", "name": "Drug Enforcement Administration"},
        {"acronym": "DEA", "name": "Drug Enforcement Agency"},
    ),
    "add working group": (
        lambda s, w: admin.save_working_group(
            session=s,
            actor_email=ADMIN,
            mission_id=w.mission_id,
            name="Migration Task Force",
            chair="DHS",
            members=["DHS", "State", "State"],
            objectives=["2.2", "M1"],
        ),
        "add working group",
        "working group",
        "Migration Task Force",
        None,
        {"name": "Migration Task Force", "chair": "DHS", "members": ["DHS", "State"], "objectives": ["2.2", "M1"]},
    ),
    "change working group": (
        lambda s, w: admin.save_working_group(
            session=s,
            actor_email=ADMIN,
            mission_id=w.mission_id,
            group_id=_group_id(s, "Goal 1"),
            name="Goal 1 Working Group",
            chair="USAID",
            members=["USAID", "FCS"],
            objectives=["1.1", "1.2"],
        ),
        "change working group",
        "working group",
        "Goal 1 Working Group",
        {
            "name": GOAL1,
            "chair": "State",
            "members": ["FAS", "FCS", "State", "USAID"],
            "objectives": ["1.1", "1.2", "1.3"],
        },
        {"name": "Goal 1 Working Group", "chair": "USAID", "members": ["FCS", "USAID"], "objectives": ["1.1", "1.2"]},
    ),
    "change objective agencies": (
        lambda s, w: admin.set_objective_agencies(
            session=s,
            actor_email=ADMIN,
            objective_id=w.objectives["1.3"],
            lead="USAID",
            contributing=["FAS", "usaid", "FAS"],
        ),
        "change objective agencies",
        "objective",
        "1.3",
        {"lead": "FCS", "contributing": ["State", "USAID"]},
        {"lead": "USAID", "contributing": ["FAS"]},
    ),
}


def test_every_admin_change_is_audited(world: World) -> None:
    for name, (call, action, entity, key, before, after) in AUDITED.items():
        count = world.audit_count()
        with write_session(world.engine) as session:
            call(session, world)
        assert world.audit_count() == count + 1, name
        entry = _last_audit(world)
        assert (entry.actor, entry.action, entry.entity, entry.entity_key) == (ADMIN, action, entity, key), name
        assert json.loads(entry.before) == before, name
        assert json.loads(entry.after) == after, name
        assert entry.at is not None

    # the password change recorded that it happened, never the password or its hash
    with read_session(world.engine) as session:
        user = access.find_user(session, VIEWER)
        texts = [e.before + e.after for e in session.exec(select(AuditEntry))]
    assert user is not None and user.password_hash and user.password_salt
    assert not [t for t in texts if people.PASSWORD in t or user.password_hash in t or user.password_salt in t]

    # saving without a change writes no audit row
    count = world.audit_count()
    with write_session(world.engine) as session:
        admin.update_user(session=session, actor_email=ADMIN, email=USAID, role="contributor", agencies=["USAID"])
        admin.save_agency(session=session, actor_email=ADMIN, acronym="PC", name="Peace Corps")
        admin.set_objective_agencies(
            session=session, actor_email=ADMIN, objective_id=world.objectives["1.3"], lead="USAID", contributing=["FAS"]
        )
    assert world.audit_count() == count


ADD_USER_REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"email": "not-an-email", "role": "viewer"}, "email: 'not-an-email' is not an e-mail address"),
    ({"email": "a@b", "role": "viewer"}, "is not an e-mail address"),
    ({"email": "two words@example.gov", "role": "viewer"}, "is not an e-mail address"),
    ({"email": "x" * 250 + "@example.gov", "role": "viewer"}, "is not an e-mail address"),
    ({"email": " USAID@example.GOV", "role": "viewer"}, f"email: {USAID} already has an account"),
    (
        {"email": "n@example.gov", "role": "contributor", "agencies": ["USAID", "NASA"]},
        f"agency: unknown NASA (known: {KNOWN_AGENCIES})",
    ),
    (
        {"email": "n@example.gov", "role": "contributor"},
        "agency: a contributor needs at least one agency to report for",
    ),
    (
        {"email": "n@example.gov", "role": "contributor", "agencies": ["  "]},
        "agency: a contributor needs at least one agency",
    ),
    (
        {"email": "n@example.gov", "role": "chair", "agencies": ["State"]},
        "working group: a chair needs at least one working group to review",
    ),
    ({"email": "n@example.gov", "role": "chair", "groups": ["Goal 9"]}, "working group: unknown 'Goal 9'"),
    ({"email": "n@example.gov", "role": "chair", "groups": ["Goal"]}, "working group: ambiguous 'Goal'"),
    ({"email": "n@example.gov", "role": "superuser"}, "role: must be one of viewer, contributor, chair, admin"),
    ({"email": "n@example.gov", "role": "viewer", "password": "short"}, "password: must be at least 12"),
]


UPDATE_USER_REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"email": "nobody@example.gov", "role": "viewer"}, "email: no account for nobody@example.gov"),
    ({"email": USAID, "agencies": []}, "agency: a contributor needs at least one agency"),
    ({"email": USAID, "role": "chair"}, "working group: a chair needs at least one working group"),
    ({"email": USAID, "agencies": ["CIA"]}, f"agency: unknown CIA (known: {KNOWN_AGENCIES})"),
    ({"email": USAID, "role": "root"}, "role: must be one of"),
]


def test_user_changes_refuse_bad_input(world: World) -> None:
    before = (world.count(AppUser), world.audit_count())
    with read_session(world.engine) as session:
        users = admin_lists.list_users(session)
    for function, cases in ((admin.add_user, ADD_USER_REFUSALS), (admin.update_user, UPDATE_USER_REFUSALS)):
        for fields, message in cases:
            with pytest.raises(ValueError) as refused:
                with write_session(world.engine) as session:
                    function(session=session, actor_email=ADMIN, **fields)
            assert message in str(refused.value), fields
    assert (world.count(AppUser), world.audit_count()) == before
    with read_session(world.engine) as session:
        assert admin_lists.list_users(session) == users


def test_the_last_active_admin_cannot_be_demoted_or_disabled(world: World) -> None:
    for change in ({"role": "viewer"}, {"role": "contributor", "agencies": ["State"]}, {"disabled": True}):
        for actor in (ADMIN, SYSTEM_ACTOR):
            with pytest.raises(AccessDenied, match="This is the last active admin: make someone else an admin first."):
                with write_session(world.engine) as session:
                    admin.update_user(session=session, actor_email=actor, email=ADMIN, **change)
    with read_session(world.engine) as session:
        assert access.resolve(session, ADMIN).is_admin
    # with a second admin, the first may step down; then the second is the last one
    with write_session(world.engine) as session:
        admin.update_user(session=session, actor_email=ADMIN, email=CHAIR1, role="admin")
    with write_session(world.engine) as session:
        admin.update_user(session=session, actor_email=CHAIR1, email=ADMIN, role="viewer")
    with pytest.raises(AccessDenied, match="last active admin"):
        with write_session(world.engine) as session:
            admin.update_user(session=session, actor_email=SYSTEM_ACTOR, email=CHAIR1, disabled=True)
    with read_session(world.engine) as session:
        assert access.resolve(session, CHAIR1).is_admin
        assert not access.resolve(session, ADMIN).is_admin


def test_working_groups_decide_who_reviews(world: World) -> None:
    with read_session(world.engine) as session:
        before = access.reviewable_objectives(session, access.resolve(session, CHAIR1))
    assert before == {world.objectives[c] for c in ("1.1", "1.2", "1.3")}
    with write_session(world.engine) as session:
        admin.save_working_group(
            session=session,
            actor_email=ADMIN,
            mission_id=world.mission_id,
            group_id=_group_id(session, "Goal 1"),
            name=GOAL1,
            chair="State",
            members=["State"],
            objectives=["1.1", "M1"],
        )
    with read_session(world.engine) as session:
        after = access.reviewable_objectives(session, access.resolve(session, CHAIR1))
    assert after == {world.objectives["1.1"], world.objectives["M1"]}
    row = world.submit(USAID, world.form("1.1", "USAID"))
    world.review(CHAIR1, row.id, "approved")
    row = world.submit(STATE, world.form("1.3", "State"))
    with pytest.raises(AccessDenied, match="Only the chair of a working group covering this objective"):
        world.review(CHAIR1, row.id, "approved")

    # bad input changes nothing
    cases = [
        ({"name": "  ", "objectives": []}, "name: is required"),
        ({"name": "New group", "objectives": ["9.9"]}, "objectives: unknown 9.9"),
        ({"name": "New group", "objectives": [], "members": ["NASA"]}, "agency: unknown NASA"),
        ({"name": GOAL1, "objectives": []}, "name: a working group called .* already exists"),
        ({"name": "New group", "objectives": [], "group_id": 10_000}, "working group: not found"),
    ]
    count = world.audit_count()
    for fields, message in cases:
        arguments = {"chair": None, "members": [], **fields}
        with pytest.raises(ValueError, match=message):
            with write_session(world.engine) as session:
                admin.save_working_group(session=session, actor_email=ADMIN, mission_id=world.mission_id, **arguments)
    assert world.audit_count() == count


def test_objective_agencies_decide_who_reports(world: World) -> None:
    with write_session(world.engine) as session:
        admin.set_objective_agencies(
            session=session, actor_email=ADMIN, objective_id=world.objectives["1.3"], lead="FCS", contributing=["DEA"]
        )
    with pytest.raises(AccessDenied, match="State is not a lead or contributing agency on objective 1.3."):
        world.submit(STATE, world.form("1.3", "State"))
    assert world.submit(DEA, world.form("1.3", "DEA")).author == DEA
    with pytest.raises(ValueError, match="agency: unknown NASA"):
        with write_session(world.engine) as session:
            admin.set_objective_agencies(
                session=session, actor_email=ADMIN, objective_id=world.objectives["1.3"], lead="NASA", contributing=[]
            )


# Every admin function, called by someone who is not an admin.
ADMIN_CALLS: dict[str, Callable[[Session, World, str | None], Any]] = {
    "add_user": lambda s, w, a: admin.add_user(session=s, actor_email=a, email="x@example.gov", role="admin"),
    "update_user": lambda s, w, a: admin.update_user(session=s, actor_email=a, email=a or USAID, role="admin"),
    "set_password": lambda s, w, a: admin.set_password(session=s, actor_email=a, email=ADMIN, password="p" * 16),
    "save_agency": lambda s, w, a: admin.save_agency(session=s, actor_email=a, acronym="PC", name="Peace Corps"),
    "save_working_group": lambda s, w, a: admin.save_working_group(
        session=s, actor_email=a, mission_id=w.mission_id, name="Mine", chair=None, members=[], objectives=["1.1"]
    ),
    "set_objective_agencies": lambda s, w, a: admin.set_objective_agencies(
        session=s, actor_email=a, objective_id=w.objectives["1.1"], lead="DEA", contributing=[]
    ),
}


def test_non_admins_are_refused_and_nothing_is_written(world: World) -> None:
    def snapshot() -> tuple[Any, ...]:
        with read_session(world.engine) as session:
            return (
                admin_lists.list_users(session),
                world.audit_count(),
                world.count(WorkingGroup),
                session.exec(select(AppUser.password_hash).where(AppUser.email == ADMIN)).one(),
            )

    before = snapshot()
    allowed = []
    for name, call in ADMIN_CALLS.items():
        for actor in (None, people.STRANGER, VIEWER, USAID, CHAIR1, people.DISABLED):
            try:
                with write_session(world.engine) as session:
                    call(session, world, actor)
            except AccessDenied:
                continue
            allowed.append((name, actor))
    assert allowed == []
    assert snapshot() == before
    with read_session(world.engine) as session:
        assert admin_lists.audit_entries(session)[0].action == "change user"  # the cast's disabling, nothing later


def test_a_bureau_scope_is_set_checked_and_cleared(world: World) -> None:
    with write_session(world.engine) as session:
        user = admin.add_user(session=session, actor_email=ADMIN, email="wha@example.gov", role="viewer", bureau="wha")
        assert user.bureau == "WHA"
    with pytest.raises(ValueError, match="not a regional bureau"), write_session(world.engine) as session:
        admin.add_user(session=session, actor_email=ADMIN, email="x@example.gov", role="viewer", bureau="XYZ")
    with write_session(world.engine) as session:
        admin.update_user(session=session, actor_email=ADMIN, email="wha@example.gov", role="viewer")
    with read_session(world.engine) as session:
        assert access.resolve(session, "wha@example.gov").bureau == "WHA"  # unchanged when not given
    with write_session(world.engine) as session:
        admin.update_user(session=session, actor_email=ADMIN, email="wha@example.gov", bureau="EUR")
    assert _last_audit(world).action == "change user"
    assert json.loads(_last_audit(world).after)["bureau"] == "EUR"
    with write_session(world.engine) as session:
        admin.update_user(session=session, actor_email=ADMIN, email="wha@example.gov", bureau="")
    with read_session(world.engine) as session:
        assert access.resolve(session, "wha@example.gov").bureau is None
    with read_session(world.engine) as session:
        assert session.exec(select(AppUser).where(AppUser.email == "x@example.gov")).first() is None
