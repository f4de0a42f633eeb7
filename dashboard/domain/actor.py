"""Who is acting, as every rule sees them: the ``Actor`` and the checks that need nothing but the actor.

Identity comes from outside (OIDC or a local sign-in) as an e-mail address; ``services.access`` turns it
into an ``Actor`` read from the database. Nothing here touches the database or Streamlit.
"""

import re
from dataclasses import dataclass, field, replace

from models import Role


class OperatorIdentity(str):
    """The command line's identity. It is recorded as its text, but only this object carries the operator's
    rights: an identity provider or a form that hands over the same text gets a plain ``str``, which never
    matches (see ``is_operator``)."""

    __slots__ = ()


SYSTEM_ACTOR = OperatorIdentity("operator (command line)")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def looks_like_email(text: str) -> bool:
    """``name@host.domain``, at most 254 characters: what an account's e-mail must be."""
    return len(text) <= 254 and _EMAIL.match(text) is not None


def is_operator(identity: object) -> bool:
    """Whether ``identity`` is the command line itself, not text that happens to read like it."""
    return isinstance(identity, OperatorIdentity)


class AccessDenied(Exception):
    """A write the acting user may not make. The message is shown to the user as is."""


@dataclass(frozen=True)
class Actor:
    """The signed-in person as the services see them. ``email`` None means nobody is signed in."""

    email: str | None
    role: str = Role.VIEWER
    user_id: int | None = None
    agency_ids: frozenset[int] = field(default_factory=frozenset)  # at any mission (see ``agencies_at``)
    agencies: tuple[str, ...] = ()
    # (mission id, agency id, acronym): the agencies the actor reports for at each mission.
    bindings: tuple[tuple[int, int, str], ...] = ()
    working_group_ids: frozenset[int] = field(default_factory=frozenset)
    disabled: bool = False
    system: bool = False
    # A regional bureau scope (models.scales.BUREAUS): the actor sees only that bureau's missions. None: all.
    bureau: str | None = None
    # False for a signed-in identity with no account and no default access (ICS_OIDC_DEFAULT_ROLE empty).
    can_view: bool = True
    # The mission the actor's pages open on (None: the default mission, as for visitors).
    home_mission_id: int | None = None

    @property
    def signed_in(self) -> bool:
        return self.email is not None

    @property
    def label(self) -> str:
        return self.email or "anonymous"

    @property
    def is_admin(self) -> bool:
        return self.system or (self.role == Role.ADMIN and not self.disabled)

    @property
    def can_submit(self) -> bool:
        """Has at least one agency to report for (contributors, and chairs or admins bound to one)."""
        return not self.disabled and self.role != Role.VIEWER and bool(self.agency_ids)

    @property
    def can_review(self) -> bool:
        return not self.disabled and (self.is_admin or (self.role == Role.CHAIR and bool(self.working_group_ids)))

    def agencies_at(self, mission_id: int | None) -> frozenset[int]:
        """The agencies the actor reports for at ``mission_id`` (none at an unknown mission)."""
        return frozenset(agency for mission, agency, _ in self.bindings if mission == mission_id)

    def at_mission(self, mission_id: int) -> "Actor":
        """The actor as one mission's pages see them: reporting only for the agencies bound at that mission."""
        mine = [(agency, acronym) for mission, agency, acronym in self.bindings if mission == mission_id]
        return replace(self, agency_ids=frozenset(a for a, _ in mine), agencies=tuple(sorted({acr for _, acr in mine})))

    def may_see_bureau(self, bureau: str | None) -> bool:
        """Whether a mission of ``bureau`` is inside this actor's scope (a bureau scope is a boundary)."""
        return self.system or self.bureau is None or bureau == self.bureau

    @classmethod
    def anonymous(cls) -> "Actor":
        return cls(email=None)

    @classmethod
    def operator(cls) -> "Actor":
        """The command line, run by whoever operates the server: full rights, recorded as such."""
        return cls(email=SYSTEM_ACTOR, role=Role.ADMIN, system=True)


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccessDenied("Only an admin can do this.")


def require_agency(actor: Actor, agency_id: int, agency_name: str, mission_id: int, post: str = "this post") -> None:
    """Refuse a report for an agency the actor does not report for at that mission."""
    if agency_id in actor.agencies_at(mission_id):
        return
    if agency_id in actor.agency_ids:
        raise AccessDenied(f"You report for {agency_name} at another post, not at {post}.")
    mine = ", ".join(actor.agencies) or "no agency"
    raise AccessDenied(f"You report for {mine}, not for {agency_name}.")
