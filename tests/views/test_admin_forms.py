"""``views.admin_forms``: the Admin page's form keys, starting values, tables and previews."""

import pytest

from dashboard.views import admin_forms as forms
from dashboard.views.admin_lists import AgencyRow, GroupRow, ObjectiveRoles
from tests import people
from tests.people import World

GROUPS = [GroupRow(3, "Goal 1 Working Group", "State", ["State", "USAID"], ["1.1", "1.2"])]


def test_each_form_names_its_keys() -> None:
    assert forms.new_user_keys(2) == tuple(
        f"admin_new_{f}_2" for f in ("email", "role", "agencies", "groups", "bureau", "home", "password")
    )
    assert forms.edit_user_key("role", "ana@example.gov") == "admin_edit_role_ana@example.gov"
    assert forms.group_keys(None) == (
        "admin_group_name_None",
        "admin_group_chair_None",
        "admin_group_members_None",
        "admin_group_objectives_None",
        "admin_group_from_None",
    )
    assert forms.roles_key("contrib", 12) == "admin_roles_contrib_12"


def test_users_added_counts_from_zero() -> None:
    assert forms.users_added({}) == 0
    assert forms.users_added({forms.ADDED: 3}) == 3


def test_the_group_form_starts_from_the_stored_group_or_empty() -> None:
    assert forms.group_form(GROUPS, 3) is GROUPS[0]
    assert forms.group_form(GROUPS, None) == GroupRow(0, "", None, [], [])
    assert forms.group_form(GROUPS, 99) == GroupRow(0, "", None, [], [])  # deleted meanwhile
    assert forms.group_label(GROUPS) == {None: "New working group…", 3: "Goal 1 Working Group"}


@pytest.mark.parametrize(("value", "index"), [("USAID", 2), (None, 0), ("Gone", 0)])
def test_index_of_falls_back_to_the_first_option(value: str | None, index: int) -> None:
    assert forms.index_of([None, "State", "USAID"], value) == index


def test_optional_agencies_read_none() -> None:
    assert (forms.optional(None), forms.optional("DEA")) == ("(none)", "DEA")


def test_tables() -> None:
    agencies = forms.agencies_frame([AgencyRow("DEA", "Drug Enforcement Administration")])
    assert agencies.values.tolist() == [["DEA", "Drug Enforcement Administration"]]
    assert list(agencies.columns) == ["Acronym", "Name"]
    roles = forms.roles_frame([ObjectiveRoles(7, "1.1", "Trade grows", None, ["FAS", "USAID"])])
    assert roles.values.tolist() == [["1.1", "Trade grows", None, "FAS, USAID"]]
    assert list(roles.columns) == ["Code", "Objective", "Lead", "Contributing"]
    assert forms.objective_label(ObjectiveRoles(7, "1.1", "x" * 200, None, [])) == "1.1 · " + "x" * 90


def test_previews_read_the_database(database_url: str) -> None:
    world: World = people.build(database_url)
    new_group = forms.preview_group(
        world.engine, mission_id=world.mission_id, group_id=None, name="", objectives=[], effective=None
    )
    assert new_group == "Pick the objectives the new working group covers."
    roles = forms.preview_roles(
        world.engine, objective_id=world.objectives["1.1"], lead=None, contributing=[], effective=None
    )
    assert roles == (
        "From FY2022 Q3, the first reporting quarter, USAID stops reporting, FAS stops reporting, FCS stops "
        "reporting, State stops reporting and no agency is lead on 1.1; every quarter's expected and missing "
        "figures change."
    )
