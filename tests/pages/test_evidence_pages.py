"""Indicators as evidence on the pages: the Objective page's chart line and reference sheet, and the Overview's
Evidence section listing a disagreement that opens its objective (AppTest)."""

from sqlmodel import select

from dashboard.services import indicator_values
from dashboard.services.indicator_values import ValueRow
from dashboard.store.database import write_session
from models import Agency, Indicator, IndicatorTarget
from tests.appcast import Cast, ok, page, start, texts
from tests.people import QUARTER, TODAY, USAID


def _indicator(cast: Cast) -> None:
    with write_session(cast.engine) as session:
        usaid = session.exec(select(Agency).where(Agency.acronym == "USAID")).one()
        indicator = Indicator(objective_id=cast.objectives["1.1"], code="1.1.a", name="Firms exporting", unit="firms",
                              baseline=10, baseline_fy=2022, target=50, agency_id=usaid.id,
                              definition="Firms with a first export shipment, counted by the chamber.")  # fmt: skip
        session.add(indicator)
        session.flush()
        session.add(IndicatorTarget(indicator_id=indicator.id, fiscal_year=2026, value=50))
    cast.submit(USAID, cast.form("1.1", "USAID", QUARTER, status="On track", progress=80))
    with write_session(cast.engine) as session:
        row = ValueRow(2, "1.1.a", QUARTER.label, "30")
        indicator_values.report(session=session, actor_email=USAID, rows=[row], today=TODAY)


def test_the_objective_page_reads_the_indicator_against_its_target_and_shows_its_sheet(cast: Cast) -> None:
    _indicator(cast)
    at = start(None)
    at.query_params["objective"] = "1.1"
    at.query_params["to"] = "2026Q4"
    at.switch_page(page("objective"))
    ok(at.run())
    line = "FY2026 Q4: 30 firms against a target of 50 firms, 50% of the way from the baseline: behind."
    assert line in texts(at.caption)
    assert any("Firms with a first export shipment" in t for t in texts(at.text) + texts(at.markdown))


def test_the_overview_lists_where_reports_and_indicators_disagree(cast: Cast) -> None:
    _indicator(cast)
    at = start(None)
    at.query_params["to"] = "2026Q4"
    at.switch_page(page("overview"))
    ok(at.run())
    at.segmented_control(key="ov_section").set_value("Evidence")
    ok(at.run())
    links = [element.proto.label for element in at.get("page_link")]
    assert "1.1: reported On track; indicators 50% of the way to target (behind)" in links
