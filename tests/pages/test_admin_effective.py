"""Admin's objective-agency and working-group editors: an effective quarter, and the sentence before saving."""

from sqlmodel import col, select

from dashboard.domain import effective
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.store import queries
from dashboard.store.database import read_session
from models import WorkingGroup
from tests.appcast import ok, open_page, start, texts
from tests.people import ADMIN
from tests.people import World as Cast

Q3 = FiscalQuarter(2026, 3)


def test_replacing_fas_with_dea_says_what_it_will_do_then_keeps_the_past(cast: Cast) -> None:
    at = start(ADMIN)
    open_page(at, "admin")
    objective_id = cast.objectives["1.1"]
    at.selectbox(key="admin_roles_pick").set_value(objective_id)
    ok(at.run())
    at.multiselect(key=f"admin_roles_contrib_{objective_id}").set_value(["FCS", "State", "DEA"])
    at.selectbox(key=f"admin_roles_from_{objective_id}").set_value(Q3)
    ok(at.run())
    sentence = (
        "From FY2026 Q3, DEA starts contributing and FAS stops reporting on 1.1; "
        "FY2022 Q3–FY2026 Q2 keep FAS contributing."
    )
    assert sentence in texts(at.info)
    assert queries.expected_frame(cast.engine, cast.mission_id).query("code == '1.1'")["agency"].tolist() == [
        "USAID",
        "FAS",
        "FCS",
        "State",
    ]  # nothing saved yet

    at.button(key=f"admin_roles_save_{objective_id}").click()
    ok(at.run())
    expected = queries.expected_frame(cast.engine, cast.mission_id).query("code == '1.1'")
    assert sorted(effective.in_effect(expected, FiscalQuarter(2026, 2))["agency"]) == ["FAS", "FCS", "State", "USAID"]
    assert sorted(effective.in_effect(expected, Q3)["agency"]) == ["DEA", "FCS", "State", "USAID"]


def test_a_working_group_change_is_previewed_with_its_quarter(cast: Cast) -> None:
    at = start(ADMIN)
    open_page(at, "admin")
    with read_session(cast.engine) as session:
        picked = session.exec(select(WorkingGroup.id).where(col(WorkingGroup.name).startswith("Goal 1"))).one()
    at.selectbox(key="admin_group_pick").set_value(picked)
    ok(at.run())
    at.multiselect(key=f"admin_group_objectives_{picked}").set_value(["1.1", "1.2"])
    at.selectbox(key=f"admin_group_from_{picked}").set_value(Q3)
    ok(at.run())
    name = at.text_input(key=f"admin_group_name_{picked}").value
    assert f"From FY2026 Q3, {name} stops covering 1.3; FY2022 Q3–FY2026 Q2 keep 1.3 in {name}." in texts(at.info)


def test_a_new_working_group_is_previewed_too(cast: Cast) -> None:
    at = start(ADMIN)
    open_page(at, "admin")
    assert "Pick the objectives the new working group covers." in texts(at.info)
    at.text_input(key="admin_group_name_None").input("Migration Task Force")
    at.multiselect(key="admin_group_objectives_None").set_value(["2.2"])
    at.selectbox(key="admin_group_from_None").set_value(Q3)
    ok(at.run())
    sentence = "From FY2026 Q3, Migration Task Force covers 2.2; FY2022 Q3–FY2026 Q2 stay as they were."
    assert sentence in texts(at.info)


def test_a_lead_change_says_which_received_reports_stop_counting_and_who_is_late_and_can_keep_the_old_lead(
    cast: Cast,
) -> None:
    from datetime import date

    from dashboard.views import admin_lists
    from tests.people import QUARTER, TODAY, USAID

    cast.submit(USAID, cast.form("1.1", "USAID", QUARTER))  # USAID, lead of 1.1, has reported FY2026 Q4
    objective_id = cast.objectives["1.1"]
    with read_session(cast.engine) as session:
        mission = session.get(admin_lists.Mission, cast.mission_id)
        quarters, index = admin_lists.effective_choices(mission, TODAY)
        change = {"objective_id": objective_id, "lead": "DEA", "contributing": ["FAS", "FCS", "State"]}
        lines = admin_lists.change_impact(session, **change, effective=QUARTER, today=TODAY, due_days=30)
        kept = admin_lists.change_impact(
            session,
            **{**change, "contributing": ["FAS", "FCS", "State", "USAID"]},
            effective=QUARTER,
            today=TODAY,
            due_days=30,
        )
        from_open = admin_lists.change_impact(session, **change, effective=quarters[index], today=TODAY, due_days=30)
    assert quarters[index] == FiscalQuarter(2027, 1)  # the first quarter nobody has reported on yet
    late = (TODAY - date(2026, 10, 30)).days
    assert lines == [
        "USAID's report for FY2026 Q4, already received, stops counting.",
        f"DEA is overdue at once for FY2026 Q4 ({late} days late for FY2026 Q4).",
    ]
    assert kept == [lines[1]] and from_open == []

    at = start(ADMIN)
    open_page(at, "admin")
    at.selectbox(key="admin_roles_pick").set_value(objective_id)
    ok(at.run())
    at.selectbox(key=f"admin_roles_lead_{objective_id}").set_value("DEA")
    ok(at.run())
    assert at.checkbox(key=f"admin_roles_keep_{objective_id}").value is True
    assert "USAID starts contributing" not in " ".join(texts(at.info))
    assert "DEA becomes lead and USAID becomes contributing" in " ".join(texts(at.info))
