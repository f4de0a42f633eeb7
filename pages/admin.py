"""Admin: users and roles, agencies, working groups, objective roles, the mission's settings, the post's setup file,
indicators, and the audit log of every change.

The forms are ``web.admin_sections``; their keys, starting values and previews ``views.admin_forms``."""

import streamlit as st

from dashboard.services import admin
from dashboard.store.database import read_session
from dashboard.views import admin_forms as forms
from dashboard.views import admin_lists
from dashboard.web import (
    admin_sections,
    cache,
    config,
    gate,
    indicators_section,
    mail_section,
    quarters_section,
    setup_section,
    widgets,
    writes,
)

st.title("Admin")
actor, mission_id = gate.require("admin", "is_admin")
widgets.show_flash(forms.FLASH)
me = actor.email
engine = cache.engine()
with read_session(engine) as session:
    users = admin_lists.list_users(session)
    agencies = admin_lists.agencies(session)
    groups = admin_lists.working_groups(session, mission_id)
    objectives = admin_lists.objective_roles(session, mission_id)
    log = admin_lists.audit_entries(session)
    post = admin_lists.post_name(session, mission_id)
    homes = admin_lists.mission_choices(session)
    settings = admin_lists.mission_form(session, mission_id, config.settings().due_days)
acronyms = [a.acronym for a in agencies]
group_names = [g.name for g in groups]
# Keyed, so a save (which reruns the page) comes back to the tab it was made on.
tabs = st.tabs(
    [
        "Users",
        "Agencies",
        "Working groups",
        "Objective agencies",
        "Mission settings",
        "Post setup",
        "Indicators",
        "Quarters",
        "E-mail",
        "Audit log",
    ],
    key="admin_tab",
    default="Users",
    on_change="rerun",
)
(tab_users, tab_agencies, tab_groups, tab_objectives, tab_mission, tab_setup, tab_indicators, tab_quarters, tab_mail,
 tab_log) = tabs  # fmt: skip

with tab_users:
    st.dataframe(
        admin_lists.users_frame(users),
        hide_index=True,
        key="admin_users_table",
        width="stretch",
        column_config=admin_sections.text_columns(forms.USERS_COLUMNS),
        row_height=widgets.WRAPPED_ROW_HEIGHT if any(u.working_groups for u in users) else None,
    )
    add_col, edit_col = st.columns(2, gap="large")
    with add_col:
        admin_sections.add_user(me, acronyms, group_names, (mission_id, post), homes)
    with edit_col:
        admin_sections.edit_user(me, users, acronyms, group_names, (mission_id, post), homes)

with tab_agencies:
    st.dataframe(forms.agencies_frame(agencies), hide_index=True, key="admin_agencies_table")
    with st.form("admin_agency"):
        st.subheader("Add or rename an agency", anchor=False)
        acronym = st.text_input("Acronym (an existing one is renamed)", key="admin_agency_acronym")
        name = st.text_input("Full name", key="admin_agency_name")
        if st.form_submit_button("Save agency", type="primary"):
            writes.run_write(
                forms.FLASH,
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
            column_config=admin_sections.text_columns(forms.GROUPS_COLUMNS, forms.GROUPS_LABELS),
            row_height=widgets.WRAPPED_ROW_HEIGHT,
        )
    else:
        st.write("No working group yet: add the first one below.")
    admin_sections.working_group(me, engine, mission_id, groups, acronyms, [o.code for o in objectives])

with tab_objectives:
    st.dataframe(forms.roles_frame(objectives), hide_index=True, key="admin_roles_table", width="stretch")
    admin_sections.objective_agencies(me, engine, mission_id, objectives, acronyms)

with tab_mission:
    admin_sections.mission_settings(me, settings)

with tab_setup:
    setup_section.post_setup_tab(me, forms.FLASH, mission_id, post)

with tab_indicators:
    indicators_section.indicators_tab(me, forms.FLASH, (mission_id, post), acronyms)

with tab_quarters:
    quarters_section.quarters_tab(me, forms.FLASH, mission_id, (settings.strategy_start, settings.strategy_end))

with tab_mail:
    mail_section.outbox_tab(me, forms.FLASH)

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
            column_config=admin_sections.text_columns(forms.LOG_COLUMNS),
            row_height=widgets.WRAPPED_ROW_HEIGHT,
        )
