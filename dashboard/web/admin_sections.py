"""The Admin page's forms: add a user, change a user, a working group and an objective's agencies.

Keys, starting values and previews come from ``views.admin_forms``; every save goes through ``writes.run_write``
(one transaction, a flash and a rerun on success, the message and what was typed kept on a refusal).
"""

from datetime import date
from functools import partial

import streamlit as st
from sqlalchemy import Engine

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import admin, missions
from dashboard.store import queries
from dashboard.views import admin_forms as forms
from dashboard.views import admin_lists
from dashboard.views.admin_lists import GroupRow, MissionForm, ObjectiveRoles, UserRow
from dashboard.web import cache, writes
from dashboard.web.widgets import plain
from models.scales import BUREAUS, Role

ROLES = [r.value for r in Role]


def text_columns(widths: dict[str, int], labels: dict[str, str] | None = None) -> dict[str, object]:
    """A table's ``column_config``: each column as text of the given width (pixels)."""
    labels = labels or {}
    return {name: st.column_config.TextColumn(labels.get(name, name), width=w) for name, w in widths.items()}


def add_user(
    me: str | None, acronyms: list[str], group_names: list[str], mission: tuple[int, str], homes: dict[int, str]
) -> None:
    """The "Add a user" form; a new, empty one after each user added. Agencies are bound at ``mission``
    (id, post), which is also the new user's home mission unless another of ``homes`` (id -> name) is chosen."""
    added = forms.users_added(st.session_state)
    key = partial(forms.new_user_key, added=added)
    with st.form(f"admin_add_user_{added}", clear_on_submit=False):
        st.subheader("Add a user", anchor=False)
        email = st.text_input("E-mail", key=key("email"))
        role = st.selectbox("Role", ROLES, index=1, key=key("role"))
        agencies = st.multiselect(f"Reports for at {plain(mission[1])} (contributors)", acronyms, key=key("agencies"))
        groups = st.multiselect("Chairs (working-group chairs)", group_names, key=key("groups"))
        choices = admin_lists.BUREAU_CHOICES
        bureau = st.selectbox("Sees missions of", choices, format_func=admin_lists.bureau_label, key=key("bureau"))
        home = st.selectbox(
            "Pages open on (home mission)",
            list(homes),
            index=forms.index_of(list(homes), mission[0]),
            format_func=homes.get,
            key=key("home"),
        )
        password = st.text_input(
            "Password for local sign-in (optional with single sign-on)",
            type="password",
            key=key("password"),
            help=forms.PASSWORD_RULE,
        )
        st.caption(f"Password: {forms.PASSWORD_RULE.lower()}")
        if not st.form_submit_button("Add user", type="primary"):
            return
        st.session_state[forms.ADDED] = added + 1  # kept only if the write succeeds (it reruns the page)
        writes.run_write(
            forms.FLASH,
            f"Added {email.strip().lower()}.",
            lambda s: admin.add_user(
                session=s,
                actor_email=me,
                email=email,
                role=role,
                agencies=agencies,
                groups=groups,
                bureau=bureau,
                password=password or None,
                mission_id=mission[0],
                home_mission_id=home,
            ),
            clear=forms.new_user_keys(added),
        )
        st.session_state[forms.ADDED] = added  # refused: the same form keeps what was typed


def edit_user(
    me: str | None,
    users: list[UserRow],
    acronyms: list[str],
    group_names: list[str],
    mission: tuple[int, str],
    homes: dict[int, str],
) -> None:
    """Pick a user, change their role, agencies (at ``mission``: id, post), groups, bureau, home mission (one of
    ``homes``: id -> name) or access, or set their password."""
    st.subheader("Change a user", anchor=False)
    if not users:
        return
    picked = st.selectbox("User", [u.email for u in users], key="admin_edit_pick")
    current = next(u for u in users if u.email == picked)
    key = partial(forms.edit_user_key, email=picked)
    with st.form(f"admin_edit_user_{picked}"):
        role = st.selectbox("Role", ROLES, index=ROLES.index(current.role), key=key("role"))
        here = [a for a in current.agencies_at(mission[1]) if a in acronyms]
        agencies = st.multiselect(
            f"Reports for at {plain(mission[1])}", acronyms, default=here, key=key(f"agencies_{mission[0]}")
        )
        groups = st.multiselect(
            "Chairs",
            group_names,
            default=[g for g in current.working_groups if g in group_names],
            key=key(f"groups_{mission[0]}"),
        )
        bureau = st.selectbox(
            "Sees missions of",
            admin_lists.BUREAU_CHOICES,
            index=admin_lists.BUREAU_CHOICES.index(current.bureau or ""),
            format_func=admin_lists.bureau_label,
            key=key("bureau"),
        )
        choices: list[int | None] = [*([None] if current.home_mission_id is None else []), *homes]
        home = st.selectbox(
            "Pages open on (home mission)",
            choices,
            index=forms.index_of(choices, current.home_mission_id),
            format_func=lambda m: "Not set: where visitors open" if m is None else homes[m],
            key=key("home"),
        )
        disabled = st.checkbox("Disabled", value=current.disabled, key=key("disabled"))
        if st.form_submit_button("Save changes"):
            writes.run_write(
                forms.FLASH,
                f"Saved {picked}.",
                lambda s: admin.update_user(
                    session=s,
                    actor_email=me,
                    email=picked,
                    role=role,
                    agencies=agencies,
                    groups=groups,
                    bureau=bureau,
                    disabled=disabled,
                    mission_id=mission[0],
                    home_mission_id=home,
                ),
            )
    with st.form(f"admin_password_{picked}", clear_on_submit=True):
        password = st.text_input(
            "New password for this user (also unlocks the account)",
            type="password",
            key="admin_pw",
            help=forms.PASSWORD_RULE,
        )
        st.caption(f"Password: {forms.PASSWORD_RULE.lower()}")
        if st.form_submit_button("Set password"):
            writes.run_write(
                forms.FLASH,
                f"Password set for {picked}.",
                lambda s: admin.set_password(session=s, actor_email=me, email=picked, password=password),
            )


def _effective_from(engine: Engine, mission_id: int, label: str, help: str, key: str) -> FiscalQuarter | None:
    """The quarter a role change takes effect from (``admin_lists.effective_choices``; None: every quarter)."""
    quarters, index = admin_lists.effective_choices(queries.mission_row(engine, mission_id), date.today())
    return st.selectbox(label, quarters, index=index, format_func=admin_lists.effective_label, help=help, key=key)


def working_group(
    me: str | None, engine: Engine, mission_id: int, groups: list[GroupRow], acronyms: list[str], codes: list[str]
) -> None:
    """Pick a working group (or a new one) and change its name, chair, members and objectives, with a preview.

    Not a form: the preview sentence follows each choice before anything is saved. A save clears what was
    typed, so the form then shows the stored group."""
    labels = forms.group_label(groups)
    group_id = st.selectbox("Working group", list(labels), format_func=labels.get, key="admin_group_pick")
    group = forms.group_form(groups, group_id)
    key = partial(forms.group_key, group_id=group_id)
    with st.container(border=True, key=f"admin_group_{group_id}"):
        name = st.text_input("Name", value=group.name, key=key("name"))
        chairs = [None, *acronyms]
        chair = st.selectbox(
            "Chair agency", chairs, forms.index_of(chairs, group.chair), format_func=forms.optional, key=key("chair")
        )
        members = st.multiselect("Member agencies", acronyms, default=group.members, key=key("members"))
        covered = st.multiselect("Objectives covered", codes, default=group.objectives, key=key("objectives"))
        effective = _effective_from(
            engine,
            mission_id,
            "Objectives change from",
            "Earlier quarters keep the objectives they had. Name, chair and members change at once.",
            key("from"),
        )
        preview = forms.preview_group(
            engine, mission_id=mission_id, group_id=group_id, name=name, objectives=covered, effective=effective
        )
        st.info(plain(preview))
        if st.button("Save working group", type="primary", key=f"admin_group_save_{group_id}"):
            writes.run_write(
                forms.FLASH,
                f"Saved working group {name.strip()}.",
                lambda s: admin.save_working_group(
                    session=s,
                    actor_email=me,
                    mission_id=mission_id,
                    name=name,
                    chair=chair,
                    members=members,
                    objectives=covered,
                    group_id=group_id,
                    effective=effective,
                ),
                clear=forms.group_keys(group_id),
            )


def objective_agencies(
    me: str | None, engine: Engine, mission_id: int, objectives: list[ObjectiveRoles], acronyms: list[str]
) -> None:
    """Pick an objective and change its lead and contributing agencies from a quarter on, with a preview.

    Not a form: the preview sentence follows each choice before anything is saved."""
    by_id = {o.id: o for o in objectives}
    objective_id = st.selectbox(
        "Objective", list(by_id), format_func=lambda i: forms.objective_label(by_id[i]), key="admin_roles_pick"
    )
    chosen = by_id[objective_id]
    key = partial(forms.roles_key, objective_id=objective_id)
    with st.container(border=True, key=f"admin_roles_{objective_id}"):
        leads = [None, *acronyms]
        lead = st.selectbox(
            "Lead agency", leads, forms.index_of(leads, chosen.lead), format_func=forms.optional, key=key("lead")
        )
        contributing = st.multiselect(
            "Contributing agencies", acronyms, default=chosen.contributing, key=key("contrib")
        )
        effective = _effective_from(
            engine,
            mission_id,
            "Effective from",
            "Earlier quarters keep the agencies they had, so their expected and missing figures never change.",
            key("from"),
        )
        if chosen.lead and lead != chosen.lead:
            keep = st.checkbox(f"Keep {plain(chosen.lead)} as a contributing agency", value=True, key=key("keep"))
            contributing = forms.with_old_lead(chosen.lead, lead, contributing, keep)
        change = {"objective_id": objective_id, "lead": lead, "contributing": contributing, "effective": effective}
        st.info(plain(forms.preview_roles(engine, **change)))
        due_days = cache.due_days(cache.database_url(), mission_id)  # the mission's own, else ICS_DUE_DAYS
        for line in forms.roles_impact(engine, **change, today=date.today(), due_days=due_days):
            st.warning(plain(line))
        if st.button("Save agencies", type="primary", key=f"admin_roles_save_{objective_id}"):
            writes.run_write(
                forms.FLASH,
                f"Saved the agencies of objective {chosen.code}.",
                lambda s: admin.set_objective_agencies(
                    session=s,
                    actor_email=me,
                    objective_id=objective_id,
                    lead=lead,
                    contributing=contributing,
                    effective=effective,
                ),
            )


def _time_zone(form: MissionForm) -> str | None:
    zones = admin_lists.time_zones()
    return st.selectbox(
        "Time zone",
        zones,
        index=zones.index(form.time_zone) if form.time_zone in zones else None,
        placeholder="Choose the post's time zone",
        help="The post's local time zone, for reminders at a sensible local hour.",
        key=forms.mission_key("time_zone", form.id),
    )


def _due_days(form: MissionForm) -> int | str:
    key = partial(forms.mission_key, mission_id=form.id)
    follow = st.checkbox(
        f"Due {form.deployment_due_days} days after each quarter, as the deployment sets (ICS_DUE_DAYS)",
        value=not form.own_due_days,
        key=key("follow_due_days"),
    )
    days = st.number_input(
        "Otherwise, due this many days after each quarter ends",
        min_value=0,
        max_value=missions.MAX_DUE_DAYS,
        value=form.due_days,
        step=1,
        key=key("due_days"),
    )
    return missions.DEPLOYMENT if follow else int(days)


def mission_settings(me: str | None, form: MissionForm) -> None:
    """The mission's settings panel: bureau, country and post, strategy period, first reporting quarter, release
    marking, time zone, due days and whether visitors open here. Saved together; refused whole on a bad value."""
    key = partial(forms.mission_key, mission_id=form.id)
    with st.form(f"admin_mission_{form.id}"):
        st.subheader(plain(f"Settings of {form.country} ({form.post})"), anchor=False)
        left, middle, right = st.columns(3)
        country = left.text_input("Country", value=form.country, max_chars=120, key=key("country"))
        post = middle.text_input("Post", value=form.post, max_chars=200, key=key("post"))
        bureaus = [*([None] if form.bureau is None else []), *BUREAUS]
        bureau = right.selectbox(
            "Regional bureau",
            bureaus,
            index=bureaus.index(form.bureau),
            format_func=lambda b: (
                "Not set: missing from every bureau's view" if b is None else admin_lists.bureau_label(b)
            ),
            key=key("bureau"),
        )
        left, middle, right = st.columns(3)
        start = left.number_input("Strategy from FY", 2000, 2100, form.strategy_start, key=key("start"))
        end = middle.number_input("Strategy to FY", 2000, 2100, form.strategy_end, key=key("end"))
        first = right.selectbox(
            "First reporting quarter",
            form.quarters,
            index=form.quarters.index(form.first_quarter),
            format_func=lambda q: q.label,
            help="Quarters before it are never counted as missed. It must lie within the strategy period.",
            key=key("first"),
        )
        left, right = st.columns(2)
        with left:
            marking = st.selectbox(
                "Release marking (on every brief)",
                form.markings,
                index=form.markings.index(form.release_marking),
                accept_new_options=True,
                key=key("marking"),
            )
            zone = _time_zone(form)
        with right:
            due = _due_days(form)
            hour = st.number_input(
                "E-mail goes out from (hour of the post's day)",
                min_value=0,
                max_value=23,
                value=form.send_hour,
                step=1,
                help="Reminders and digests for this mission are sent from this hour, in its time zone.",
                key=key("send_hour"),
            )
        default = st.checkbox(
            "Visitors open on this mission (and users without a home mission)",
            value=form.default,
            help="With no mission ticked, visitors open on the oldest mission.",
            key=key("default"),
        )
        if not st.form_submit_button("Save mission settings", type="primary"):
            return
    changes = missions.MissionChanges(
        country=country,
        post=post,
        bureau=bureau,
        strategy_start=int(start),
        strategy_end=int(end),
        first_quarter=first,
        release_marking=marking or "",
        time_zone=zone,
        due_days=due,  # type: ignore[arg-type]
        send_hour=int(hour),
        default=default,
    )
    writes.run_write(
        forms.FLASH,
        f"Saved the settings of {country.strip()}.",
        lambda s: missions.set_mission(session=s, actor_email=me, mission_id=form.id, changes=changes),
        clear=forms.mission_keys(form.id),
    )
