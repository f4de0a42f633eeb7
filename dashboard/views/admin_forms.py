"""The Admin page's forms: their widget keys, the values they start from, and the one-sentence previews they show.

Plain code: keys are made here and nowhere else, so the page clears a form by naming its keys; the state is the
mapping the page passes in (``st.session_state``, a dict in tests).
"""

from collections.abc import MutableMapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services.passwords import MIN_PASSWORD_LENGTH
from dashboard.store.database import read_session
from dashboard.views import admin_lists
from dashboard.views.admin_lists import AgencyRow, GroupRow, ObjectiveRoles

PASSWORD_RULE = f"At least {MIN_PASSWORD_LENGTH} characters."
FLASH = "admin_flash"
ADDED = "admin_added"
"""How many users were added in this session: the "Add a user" form's keys carry it, so each add gets a new,
empty form (popping the old keys alone leaves the browser showing what was typed)."""
NEW_USER_FIELDS = ("email", "role", "agencies", "groups", "bureau", "home", "password")
GROUP_FIELDS = ("name", "chair", "members", "objectives", "from")
ROLES_FIELDS = ("lead", "contrib", "from")
MISSION_FIELDS = (
    "country",
    "post",
    "bureau",
    "start",
    "end",
    "first",
    "marking",
    "time_zone",
    "follow_due_days",
    "due_days",
    "send_hour",
    "default",
)

USERS_COLUMNS = {"E-mail": 150, "Role": 90, "Agencies": 72, "Working groups": 150, "Home": 80, "Sign-in": 95}
GROUPS_COLUMNS = {"Working group": 200, "Chair agency": 70, "Member agencies": 170, "Objectives": 110}
GROUPS_LABELS = {"Chair agency": "Chair"}
LOG_COLUMNS = {"When (UTC)": 95, "Who": 150, "Action": 170, "Change": 440}
"""Column widths (pixels) of the Admin page's tables; ``GROUPS_LABELS`` shortens a heading where it is narrow."""


def new_user_key(field: str, added: int) -> str:
    """E.g. ``admin_new_email_0``: a field of the ``added``-th "Add a user" form."""
    return f"admin_new_{field}_{added}"


def new_user_keys(added: int) -> tuple[str, ...]:
    return tuple(new_user_key(field, added) for field in NEW_USER_FIELDS)


def users_added(state: MutableMapping[str, Any]) -> int:
    return int(state.get(ADDED, 0))


def edit_user_key(field: str, email: str) -> str:
    """E.g. ``admin_edit_role_ana@example.gov``: a field of the "Change a user" form of one user."""
    return f"admin_edit_{field}_{email}"


def group_key(field: str, group_id: int | None) -> str:
    """E.g. ``admin_group_name_3``; ``None`` is the new working group's form."""
    return f"admin_group_{field}_{group_id}"


def group_keys(group_id: int | None) -> tuple[str, ...]:
    """The keys that hold what was typed in one working group's form (cleared after a save, so the form then
    shows what is stored)."""
    return tuple(group_key(field, group_id) for field in GROUP_FIELDS)


def roles_key(field: str, objective_id: int) -> str:
    """E.g. ``admin_roles_lead_12``: a field of one objective's agencies form."""
    return f"admin_roles_{field}_{objective_id}"


def mission_key(field: str, mission_id: int) -> str:
    """E.g. ``admin_mission_bureau_2``: a field of one mission's settings panel."""
    return f"admin_mission_{field}_{mission_id}"


def mission_keys(mission_id: int) -> tuple[str, ...]:
    """The keys of one mission's settings panel (cleared after a save, so it then shows what is stored)."""
    return tuple(mission_key(field, mission_id) for field in MISSION_FIELDS)


def index_of(options: Sequence[Any], value: Any) -> int:
    """Where ``value`` is among ``options``; 0 (the first option) when it is not there."""
    return options.index(value) if value in options else 0


def optional(value: str | None) -> str:
    """How a chooser names an optional agency: "(none)" for None."""
    return "(none)" if value is None else value


def group_form(groups: list[GroupRow], group_id: int | None) -> GroupRow:
    """The values the working-group form starts from: the stored group, or an empty one for a new group."""
    return next((g for g in groups if g.id == group_id), None) or GroupRow(0, "", None, [], [])


def group_label(groups: list[GroupRow]) -> dict[int | None, str]:
    """The working-group chooser's labels: "New working group…" first, then each group's name."""
    return {None: "New working group…", **{g.id: g.name for g in groups}}


def agencies_frame(agencies: list[AgencyRow]) -> pd.DataFrame:
    return pd.DataFrame([(a.acronym, a.name) for a in agencies], columns=["Acronym", "Name"])


def roles_frame(objectives: list[ObjectiveRoles]) -> pd.DataFrame:
    """Each objective with its lead and contributing agencies."""
    return pd.DataFrame(
        [(o.code, o.title, o.lead, ", ".join(o.contributing)) for o in objectives],
        columns=["Code", "Objective", "Lead", "Contributing"],
    )


def objective_label(objective: ObjectiveRoles) -> str:
    return f"{objective.code} · {objective.title[:90]}"


def preview_group(
    engine: Engine,
    *,
    mission_id: int,
    group_id: int | None,
    name: str,
    objectives: list[str],
    effective: FiscalQuarter | None,
) -> str:
    """What saving the working-group form will do, in one sentence (``admin_lists.preview_group_change``). Reads."""
    with read_session(engine) as session:
        return admin_lists.preview_group_change(
            session, mission_id=mission_id, group_id=group_id, name=name, objectives=objectives, effective=effective
        )


def roles_impact(
    engine: Engine,
    *,
    objective_id: int,
    lead: str | None,
    contributing: list[str],
    effective: FiscalQuarter | None,
    today: date,
    due_days: int,
) -> list[str]:
    """Reports that stop counting and agencies overdue at once (``admin_lists.change_impact``). Reads."""
    with read_session(engine) as session:
        return admin_lists.change_impact(
            session,
            objective_id=objective_id,
            lead=lead,
            contributing=contributing,
            effective=effective,
            today=today,
            due_days=due_days,
        )


def with_old_lead(old_lead: str | None, lead: str | None, contributing: list[str], keep: bool) -> list[str]:
    """The contributing agencies, with the lead being replaced added when the admin keeps it as a contributor."""
    if keep and old_lead and lead != old_lead and old_lead not in contributing:
        return [*contributing, old_lead]
    return contributing


def preview_roles(
    engine: Engine, *, objective_id: int, lead: str | None, contributing: list[str], effective: FiscalQuarter | None
) -> str:
    """What saving the objective's agencies will do, in one sentence (``admin_lists.preview_agency_change``). Reads."""
    with read_session(engine) as session:
        return admin_lists.preview_agency_change(
            session, objective_id=objective_id, lead=lead, contributing=contributing, effective=effective
        )
