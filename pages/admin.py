"""Admin: users and roles, agencies, working groups, objective roles, and the audit log of every change."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.services import admin
from dashboard.services.passwords import MIN_PASSWORD_LENGTH
from dashboard.store import queries
from dashboard.store.database import read_session
from dashboard.views import admin_lists
from dashboard.web import cache, gate, widgets, writes
from models.scales import Role

st.title("Admin")
actor, mission_id = gate.require("admin", "is_admin")
widgets.show_flash("admin_flash")
me = actor.email
with read_session(cache.engine()) as session:
    users = admin_lists.list_users(session)
    agencies = admin_lists.agencies(session)
    groups = admin_lists.working_groups(session, mission_id)
    objectives = admin_lists.objective_roles(session, mission_id)
    log = admin_lists.audit_entries(session)
acronyms = [a.acronym for a in agencies]
group_names = [g.name for g in groups]
roles = [r.value for r in Role]
PASSWORD_RULE = f"At least {MIN_PASSWORD_LENGTH} characters."
# Keyed, so a save (which reruns the page) comes back to the tab it was made on.
tab_users, tab_agencies, tab_groups, tab_objectives, tab_log = st.tabs(
    ["Users", "Agencies", "Working groups", "Objective agencies", "Audit log"],
    key="admin_tab",
    default="Users",
    on_change="rerun",
)

with tab_users:
    st.dataframe(
        admin_lists.users_frame(users),
        hide_index=True,
        key="admin_users_table",
        width="stretch",
        column_config={
            "E-mail": st.column_config.TextColumn("E-mail", width=150),
            "Role": st.column_config.TextColumn("Role", width=90),
            "Agencies": st.column_config.TextColumn("Agencies", width=72),
            "Working groups": st.column_config.TextColumn("Working groups", width=150),
            "Sign-in": st.column_config.TextColumn("Sign-in", width=95),
        },
        row_height=widgets.WRAPPED_ROW_HEIGHT if any(u.working_groups for u in users) else None,
    )
    add_col, edit_col = st.columns(2, gap="large")
    # New widgets (new keys) after each added user: the browser then shows them empty, which popping the old
    # keys alone does not do.
    added = int(st.session_state.get("admin_added", 0))
    with add_col, st.form(f"admin_add_user_{added}", clear_on_submit=False):
        st.subheader("Add a user", anchor=False)
        new_email = st.text_input("E-mail", key=f"admin_new_email_{added}")
        new_role = st.selectbox("Role", roles, index=1, key=f"admin_new_role_{added}")
        new_agencies = st.multiselect("Reports for (contributors)", acronyms, key=f"admin_new_agencies_{added}")
        new_groups = st.multiselect("Chairs (working-group chairs)", group_names, key=f"admin_new_groups_{added}")
        new_bureau = st.selectbox(
            "Sees missions of",
            admin_lists.BUREAU_CHOICES,
            format_func=admin_lists.bureau_label,
            key=f"admin_new_bureau_{added}",
        )
        new_password = st.text_input(
            "Password for local sign-in (optional with single sign-on)",
            type="password",
            key=f"admin_new_password_{added}",
            help=PASSWORD_RULE,
        )
        st.caption(f"Password: {PASSWORD_RULE.lower()}")
        if st.form_submit_button("Add user", type="primary"):
            st.session_state["admin_added"] = added + 1  # kept only if the write succeeds (it reruns the page)
            writes.run_write(
                "admin_flash",
                f"Added {new_email.strip().lower()}.",
                lambda s: admin.add_user(
                    session=s,
                    actor_email=me,
                    email=new_email,
                    role=new_role,
                    agencies=new_agencies,
                    groups=new_groups,
                    bureau=new_bureau,
                    password=new_password or None,
                ),
                clear=tuple(
                    f"admin_new_{name}_{added}"
                    for name in ("email", "role", "agencies", "groups", "bureau", "password")
                ),
            )
            st.session_state["admin_added"] = added  # refused: the same form keeps what was typed
    with edit_col:
        st.subheader("Change a user", anchor=False)
        if users:
            emails = [u.email for u in users]
            picked = st.selectbox("User", emails, key="admin_edit_pick")
            current = next(u for u in users if u.email == picked)
            with st.form(f"admin_edit_user_{picked}"):
                role = st.selectbox("Role", roles, index=roles.index(current.role), key=f"admin_edit_role_{picked}")
                user_agencies = st.multiselect(
                    "Reports for", acronyms, default=current.agencies, key=f"admin_edit_agencies_{picked}"
                )
                user_groups = st.multiselect(
                    "Chairs", group_names, default=current.working_groups, key=f"admin_edit_groups_{picked}"
                )
                user_bureau = st.selectbox(
                    "Sees missions of",
                    admin_lists.BUREAU_CHOICES,
                    index=admin_lists.BUREAU_CHOICES.index(current.bureau or ""),
                    format_func=admin_lists.bureau_label,
                    key=f"admin_edit_bureau_{picked}",
                )
                disabled = st.checkbox("Disabled", value=current.disabled, key=f"admin_edit_disabled_{picked}")
                if st.form_submit_button("Save changes"):
                    writes.run_write(
                        "admin_flash",
                        f"Saved {picked}.",
                        lambda s: admin.update_user(
                            session=s,
                            actor_email=me,
                            email=picked,
                            role=role,
                            agencies=user_agencies,
                            groups=user_groups,
                            bureau=user_bureau,
                            disabled=disabled,
                        ),
                    )
            with st.form(f"admin_password_{picked}", clear_on_submit=True):
                password = st.text_input(
                    f"New password for {widgets.plain(picked)} (also unlocks the account)",
                    type="password",
                    key="admin_pw",
                    help=PASSWORD_RULE,
                )
                st.caption(f"Password: {PASSWORD_RULE.lower()}")
                if st.form_submit_button("Set password"):
                    writes.run_write(
                        "admin_flash",
                        f"Password set for {picked}.",
                        lambda s: admin.set_password(session=s, actor_email=me, email=picked, password=password),
                    )

with tab_agencies:
    st.dataframe(
        pd.DataFrame(agencies, columns=["acronym", "name"]).rename(columns={"acronym": "Acronym", "name": "Name"}),
        hide_index=True,
        key="admin_agencies_table",
    )
    with st.form("admin_agency"):
        st.subheader("Add or rename an agency", anchor=False)
        acronym = st.text_input("Acronym (an existing one is renamed)", key="admin_agency_acronym")
        name = st.text_input("Full name", key="admin_agency_name")
        if st.form_submit_button("Save agency", type="primary"):
            writes.run_write(
                "admin_flash",
                f"Saved agency {acronym.strip()}.",
                lambda s: admin.save_agency(session=s, actor_email=me, acronym=acronym, name=name),
            )

with tab_groups:
    if groups:
        st.dataframe(
            admin_lists.groups_frame(groups),
            hide_index=True,
            key="admin_groups_table",
            width="stretch",
            column_config={
                "Working group": st.column_config.TextColumn("Working group", width=200),
                "Chair agency": st.column_config.TextColumn("Chair", width=70),
                "Member agencies": st.column_config.TextColumn("Member agencies", width=170),
                "Objectives": st.column_config.TextColumn("Objectives", width=110),
            },
            row_height=widgets.WRAPPED_ROW_HEIGHT,
        )
    else:
        st.write("No working group yet: add the first one below.")
    options = [None, *[g.id for g in groups]]
    names_by_id = {g.id: g.name for g in groups}
    group_id = st.selectbox(
        "Working group",
        options,
        format_func=lambda i: "New working group…" if i is None else names_by_id[i],
        key="admin_group_pick",
    )
    group = next((g for g in groups if g.id == group_id), None) or admin_lists.GroupRow(0, "", None, [], [])
    codes = [o.code for o in objectives]
    quarters, quarter_index = admin_lists.effective_choices(
        queries.mission_row(cache.engine(), mission_id), date.today()
    )
    # Not a form: the sentence below follows each choice before anything is saved.
    with st.container(border=True, key=f"admin_group_{group_id}"):
        group_name = st.text_input("Name", value=group.name, key=f"admin_group_name_{group_id}")
        chair_options = [None, *acronyms]
        chair = st.selectbox(
            "Chair agency",
            chair_options,
            index=chair_options.index(group.chair) if group.chair in chair_options else 0,
            format_func=lambda a: "(none)" if a is None else a,
            key=f"admin_group_chair_{group_id}",
        )
        members = st.multiselect(
            "Member agencies", acronyms, default=group.members, key=f"admin_group_members_{group_id}"
        )
        covered = st.multiselect(
            "Objectives covered", codes, default=group.objectives, key=f"admin_group_objectives_{group_id}"
        )
        group_from = st.selectbox(
            "Objectives change from",
            quarters,
            index=quarter_index,
            format_func=admin_lists.effective_label,
            help="Earlier quarters keep the objectives they had. Name, chair and members change at once.",
            key=f"admin_group_from_{group_id}",
        )
        with read_session(cache.engine()) as session:
            group_preview = admin_lists.preview_group_change(
                session,
                mission_id=mission_id,
                group_id=group_id,
                name=group_name,
                objectives=covered,
                effective=group_from,
            )
        st.info(widgets.plain(group_preview))
        if st.button("Save working group", type="primary", key=f"admin_group_save_{group_id}"):
            writes.run_write(
                "admin_flash",
                f"Saved working group {group_name.strip()}.",
                lambda s: admin.save_working_group(
                    session=s,
                    actor_email=me,
                    mission_id=mission_id,
                    name=group_name,
                    chair=chair,
                    members=members,
                    objectives=covered,
                    group_id=group_id,
                    effective=group_from,
                ),
            )

with tab_objectives:
    roles_table = pd.DataFrame(objectives, columns=["code", "title", "lead", "contributing"])
    roles_table["contributing"] = roles_table["contributing"].map(", ".join)
    st.dataframe(
        roles_table.rename(
            columns={"code": "Code", "title": "Objective", "lead": "Lead", "contributing": "Contributing"}
        ),
        hide_index=True,
        key="admin_roles_table",
        width="stretch",
    )
    by_id = {o.id: o for o in objectives}
    objective_id = st.selectbox(
        "Objective",
        list(by_id),
        format_func=lambda i: f"{by_id[i].code} · {by_id[i].title[:90]}",
        key="admin_roles_pick",
    )
    chosen = by_id[objective_id]
    # Not a form: the sentence below follows each choice before anything is saved.
    with st.container(border=True, key=f"admin_roles_{objective_id}"):
        lead_options = [None, *acronyms]
        lead = st.selectbox(
            "Lead agency",
            lead_options,
            index=lead_options.index(chosen.lead) if chosen.lead in lead_options else 0,
            format_func=lambda a: "(none)" if a is None else a,
            key=f"admin_roles_lead_{objective_id}",
        )
        contributing = st.multiselect(
            "Contributing agencies", acronyms, default=chosen.contributing, key=f"admin_roles_contrib_{objective_id}"
        )
        roles_from = st.selectbox(
            "Effective from",
            quarters,
            index=quarter_index,
            format_func=admin_lists.effective_label,
            help="Earlier quarters keep the agencies they had, so their expected and missing figures never change.",
            key=f"admin_roles_from_{objective_id}",
        )
        with read_session(cache.engine()) as session:
            roles_preview = admin_lists.preview_agency_change(
                session, objective_id=objective_id, lead=lead, contributing=contributing, effective=roles_from
            )
        st.info(widgets.plain(roles_preview))
        if st.button("Save agencies", type="primary", key=f"admin_roles_save_{objective_id}"):
            writes.run_write(
                "admin_flash",
                f"Saved the agencies of objective {chosen.code}.",
                lambda s: admin.set_objective_agencies(
                    session=s,
                    actor_email=me,
                    objective_id=objective_id,
                    lead=lead,
                    contributing=contributing,
                    effective=roles_from,
                ),
            )

with tab_log:
    st.caption("Every admin change, newest first: who, when, and what changed (the last 500).")
    search = st.text_input(
        "Filter by person, action or text",
        max_chars=200,
        key="admin_log_search",
        placeholder="e.g. chair, DEA or add user",
    )
    frame = admin_lists.audit_frame(log, search)
    if frame.empty:
        st.write("No change matches this filter." if search.strip() else "No change recorded yet.")
    else:
        st.dataframe(
            frame,
            hide_index=True,
            key="admin_log_table",
            width="stretch",
            column_config={
                "When (UTC)": st.column_config.TextColumn("When (UTC)", width=95),
                "Who": st.column_config.TextColumn("Who", width=150),
                "Action": st.column_config.TextColumn("Action", width=170),
                "Change": st.column_config.TextColumn("Change", width=440),
            },
            row_height=widgets.WRAPPED_ROW_HEIGHT,
        )
