"""Every link to a page comes from ``dashboard.domain.links`` and is read back, by the page it opens, as what it
was built from."""

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard.domain import links
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter, quarter_range
from dashboard.views import missions, update_form

ROOT = Path(__file__).resolve().parents[2]
QUARTERS = [FiscalQuarter(2019, 1), FiscalQuarter(2026, 4), FiscalQuarter(2031, 2)]


@pytest.mark.parametrize("quarter", QUARTERS)
def test_a_quarter_token_reads_back_as_its_quarter(quarter: FiscalQuarter) -> None:
    token = links.quarter_token(quarter)
    assert re.fullmatch(r"\d{4}Q[1-4]", token)
    assert links.parse_quarter_token(token) == quarter


def test_the_token_is_the_one_the_readme_and_old_links_use() -> None:
    assert links.quarter_token(FiscalQuarter(2026, 4)) == "2026Q4"
    assert links.parse_quarter_token("FY2026 Q4") == links.parse_quarter_token("2026-Q4") == FiscalQuarter(2026, 4)
    with pytest.raises(ValueError):
        links.parse_quarter_token("2026Q9")


def test_an_objective_link_is_the_documented_address() -> None:
    link = links.objective_link("2.1", FiscalQuarter(2026, 4), 1)
    assert link == {"mission": "1", "objective": "2.1", "to": "2026Q4"}
    assert list(link) == ["mission", "objective", "to"]  # ?mission=1&objective=2.1&to=2026Q4
    assert links.objective_link("2.1") == {"objective": "2.1"}


def test_a_review_link_names_one_update_as_the_submit_link_does_after_its_mission() -> None:
    link = links.review_link("1.1", "USAID", FiscalQuarter(2026, 4), 3)
    assert link == {"mission": "3", "objective": "1.1", "agency": "USAID", "quarter": "2026Q4"}
    assert list(link) == ["mission", "objective", "agency", "quarter"]  # ?mission=3&objective=1.1&agency=USAID&…
    assert links.review_link("1.1", "USAID", FiscalQuarter(2026, 4)) == links.submit_link(
        "1.1", "USAID", FiscalQuarter(2026, 4)
    )


@pytest.mark.parametrize("quarter", QUARTERS)
@pytest.mark.parametrize("mission_id", [None, 1, 42])
def test_an_objective_link_opens_that_objective_mission_and_quarter(
    quarter: FiscalQuarter, mission_id: int | None
) -> None:
    back = Filters.from_mapping(links.objective_link("M1", quarter, mission_id))
    assert (back.objectives, back.mission_id, back.end, back.problems) == (("M1",), mission_id, quarter, ())


def test_the_sidebar_filters_write_their_quarters_as_tokens() -> None:
    filters = Filters(mission_id=3, start=FiscalQuarter(2025, 1), end=FiscalQuarter(2026, 4))
    params = filters.to_query_params()
    assert params == {"mission": "3", "from": "2025Q1", "to": "2026Q4"}
    assert Filters.from_mapping(params) == filters


def test_an_overview_link_opens_that_mission() -> None:
    assert links.overview_link(7) == {"mission": "7"}
    assert Filters.from_mapping(links.overview_link(7)).mission_id == 7


PAIRS = pd.DataFrame(
    {"objective_id": [11, 12], "code": ["1.1", "1.2"], "agency_id": [5, 6], "agency": ["USAID", "DOS"]}
)


@pytest.mark.parametrize("quarter", [FiscalQuarter(2026, 1), FiscalQuarter(2026, 4)])
def test_a_submit_link_opens_exactly_that_update(quarter: FiscalQuarter) -> None:
    link = links.submit_link("1.2", "DOS", quarter)
    assert link == {"objective": "1.2", "agency": "DOS", "quarter": links.quarter_token(quarter)}
    wanted = update_form.requested_update(link, PAIRS, quarter_range(FiscalQuarter(2025, 1), FiscalQuarter(2026, 4)))
    assert (wanted.objective_id, wanted.agency_id, wanted.quarter, wanted.note) == (12, 6, quarter, "")


MISSIONS = pd.DataFrame({"strategy_start": [2022, 2023], "strategy_end": [2026, 2027]})


@pytest.mark.parametrize("bureau", [None, "AF"])
@pytest.mark.parametrize("quarter", [FiscalQuarter(2022, 1), FiscalQuarter(2025, 3), FiscalQuarter(2027, 4)])
def test_a_missions_link_opens_that_quarter_and_bureau(quarter: FiscalQuarter, bureau: str | None) -> None:
    link = links.missions_link(quarter, bureau)
    assert link.get("bureau") == bureau
    quarters, shown = missions.quarter_choices(MISSIONS, link["to"], date(2030, 1, 1))
    assert shown == quarter and quarters[0] == FiscalQuarter(2022, 1) and quarters[-1] == FiscalQuarter(2027, 4)


# A quarter formatted as "<year>Q<n>" in an f-string: a link's token built by hand.
HAND_MADE_TOKEN = re.compile(r"\{[^{}\n]*fiscal_year[^{}\n]*\}Q\{")
# Not links: a widget key that only has to be unique, and a benchmark's quarter arithmetic.
NOT_LINKS = {
    (
        "dashboard/views/todo.py",
        'return f"{self.code}_{self.agency}_{self.quarter.fiscal_year}Q{self.quarter.quarter}"',
    ),
    ("dashboard/bench.py", 'first = FiscalQuarter.parse(f"{last.fiscal_year - 2}Q{last.quarter}").next()'),
}


def test_no_other_module_builds_a_quarter_token() -> None:
    found = {
        (path.relative_to(ROOT).as_posix(), line.strip())
        for folder in ("dashboard", "pages", "models")
        for path in (ROOT / folder).rglob("*.py")
        if path != ROOT / "dashboard" / "domain" / "links.py"
        for line in path.read_text(encoding="utf-8").splitlines()
        if HAND_MADE_TOKEN.search(line)
    }
    assert found - NOT_LINKS == set()


def test_the_token_check_sees_a_hand_made_link() -> None:
    assert HAND_MADE_TOKEN.search('params["to"] = f"{quarter.fiscal_year}Q{quarter.quarter}"')
    assert not HAND_MADE_TOKEN.search('file_name=f"status-updates-{quarter.fiscal_year}-Q{quarter.quarter}.xlsx"')
