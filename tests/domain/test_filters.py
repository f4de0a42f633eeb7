"""Filters <-> URL query parameters: a pasted link must reproduce the view, bad values are reported, not fatal."""

import pytest

from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter

Q1 = FiscalQuarter(2026, 1)
Q3 = FiscalQuarter(2026, 3)


def test_empty_filters_have_no_params_and_round_trip() -> None:
    assert Filters().to_query_params() == {}
    back = Filters.from_mapping({})
    assert back == Filters()
    assert back.problems == ()


def test_every_filter_round_trips_with_several_values() -> None:
    filters = Filters(
        mission_id=3,
        goals=("1", "M"),
        objectives=("1.1", "2.1"),
        agencies=("State", "DEA"),
        working_groups=("Management Working Group", "Goal 4 Working Group: Democratic Governance"),
        start=Q1,
        end=Q3,
        statuses=("On track", "Off track"),
        risks=("High", "Critical"),
    )
    params = filters.to_query_params()
    assert params == {
        "mission": "3",
        "goal": ["1", "M"],
        "objective": ["1.1", "2.1"],
        "agency": ["State", "DEA"],
        "wg": ["Management Working Group", "Goal 4 Working Group: Democratic Governance"],
        "from": "2026Q1",
        "to": "2026Q3",
        "status": ["On track", "Off track"],
        "risk": ["High", "Critical"],
    }
    back = Filters.from_mapping(params)
    assert back == filters
    assert back.problems == ()


@pytest.mark.parametrize(
    "filters",
    [
        Filters(mission_id=1),
        Filters(goals=("2",)),
        Filters(objectives=("M1",)),
        Filters(agencies=("USAID",)),
        Filters(working_groups=("Management Working Group",)),
        Filters(start=FiscalQuarter(2024, 4)),
        Filters(end=FiscalQuarter(2025, 1)),
        Filters(statuses=("Not started",)),
        Filters(risks=("Low",)),
    ],
)
def test_each_filter_round_trips_alone(filters: Filters) -> None:
    params = filters.to_query_params()
    assert len(params) == 1
    back = Filters.from_mapping(params)
    assert back == filters
    assert back.problems == ()


def test_working_group_name_with_a_comma_round_trips() -> None:
    # A real working-group name of the Peru strategy (data/peru_structure.json) contains commas;
    # a link to it must select that working group, not two made-up ones.
    name = "Goal 1 Working Group: Economic, Educational and Cultural Ties"
    filters = Filters(working_groups=(name,))
    back = Filters.from_mapping(filters.to_query_params())
    assert back.working_groups == (name,)


def test_comma_separated_values_are_split_and_stripped() -> None:
    back = Filters.from_mapping(
        {
            "goal": "1,2",
            "objective": ["1.1, 1.2", "M1"],
            "agency": " DEA ,State,,",
            "status": "on track, at risk",
            "risk": ["low,HIGH"],
        }
    )
    assert back.goals == ("1", "2")
    assert back.objectives == ("1.1", "1.2", "M1")
    assert back.agencies == ("DEA", "State")
    assert back.statuses == ("On track", "At risk")
    assert back.risks == ("Low", "High")
    assert back.problems == ()


def test_repeated_values_are_kept_once() -> None:
    back = Filters.from_mapping({"goal": ["1", "1,2"], "status": ["Off track", "OFF TRACK"]})
    assert back.goals == ("1", "2")
    assert back.statuses == ("Off track",)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("off track", "Off track"),
        ("OFF TRACK", "Off track"),
        ("Not Started", "Not started"),
        ("completed", "Completed"),
        ("at RISK", "At risk"),
    ],
)
def test_status_matching_ignores_case(raw: str, canonical: str) -> None:
    back = Filters.from_mapping({"status": raw})
    assert back.statuses == (canonical,)
    assert back.problems == ()


def test_risk_matching_ignores_case() -> None:
    assert Filters.from_mapping({"risk": ["critical", "mEdIuM"]}).risks == ("Critical", "Medium")


def test_unknown_status_and_risk_are_dropped_and_reported() -> None:
    back = Filters.from_mapping({"status": "Delayed,On track", "risk": "Extreme"})
    assert back.statuses == ("On track",)
    assert back.risks == ()
    assert len(back.problems) == 2
    assert any("Delayed" in p for p in back.problems)
    assert any("Extreme" in p for p in back.problems)


@pytest.mark.parametrize("bad", ["2026Q9", "2026Q0", "soon", "Q3", "2026"])
def test_bad_quarter_is_dropped_and_reported(bad: str) -> None:
    back = Filters.from_mapping({"from": bad, "to": "2026Q3"})
    assert back.start is None
    assert back.end == Q3
    assert len(back.problems) == 1
    assert bad in back.problems[0]


def test_bad_end_quarter_is_dropped_and_reported() -> None:
    back = Filters.from_mapping({"to": "2026Q9"})
    assert back.end is None
    assert len(back.problems) == 1
    assert "2026Q9" in back.problems[0]


@pytest.mark.parametrize("text", ["FY2026 Q3", "2026-Q3", "fy2026q3", "2026Q3"])
def test_quarter_spellings_are_accepted(text: str) -> None:
    back = Filters.from_mapping({"to": text})
    assert back.end == Q3
    assert back.problems == ()


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", ""])
def test_non_numeric_mission_is_dropped_and_reported(bad: str) -> None:
    back = Filters.from_mapping({"mission": bad})
    assert back.mission_id is None
    assert len(back.problems) == 1


def test_start_after_end_is_swapped_and_reported() -> None:
    back = Filters.from_mapping({"from": "2026Q3", "to": "2026Q1"})
    assert (back.start, back.end) == (Q1, Q3)
    assert len(back.problems) == 1
    assert "swap" in back.problems[0]


def test_good_values_survive_next_to_bad_ones() -> None:
    back = Filters.from_mapping({"mission": "x", "goal": "2", "from": "2026Q9", "status": "Nope,Completed"})
    assert back.goals == ("2",)
    assert back.statuses == ("Completed",)
    assert back.mission_id is None
    assert back.start is None
    assert len(back.problems) == 3


def test_problems_do_not_affect_equality() -> None:
    assert Filters.from_mapping({"goal": "1", "status": "Nope"}) == Filters(goals=("1",))


def test_narrows_objectives() -> None:
    assert not Filters().narrows_objectives
    assert Filters(goals=("1",)).narrows_objectives
    assert Filters(statuses=("Completed",)).narrows_objectives
    assert Filters(risks=("Low",)).narrows_objectives
