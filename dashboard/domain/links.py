"""Every link to a page, built here, so a drill-down means the same thing wherever it starts.

A link is the target page's query parameters as a dict (``st.switch_page(page, query_params=...)`` or a URL):

    Objective  ``?mission=1&objective=2.1&to=2026Q4``  one objective as of a quarter (``objective_link``)
    Submit     ``?objective=1.1&agency=USAID&quarter=2026Q4``  exactly one update (``submit_link``)
    Review     ``?mission=1&objective=1.1&agency=USAID&quarter=2026Q4``  one update waiting for review (``review_link``)
    Overview   ``?mission=1``  one mission (``overview_link``)
    Missions   ``?to=2026Q4&bureau=AF``  the roll-up as of a quarter, optionally one bureau's (``missions_link``)

A quarter in a link is always its token, ``<fiscal year>Q<n>`` (``quarter_token``); ``parse_quarter_token``
reads it back, and also the labels people type ("FY2026 Q4", "2026-Q4").
"""

from dashboard.domain.fiscal import FiscalQuarter

UPDATE_PARAMS = ("objective", "agency", "quarter")
"""The parameters that name one update, in the Submit and Review links."""


def quarter_token(quarter: FiscalQuarter) -> str:
    """``FiscalQuarter(2026, 4)`` -> ``"2026Q4"``: a quarter as links write it."""
    return f"{quarter.fiscal_year}Q{quarter.quarter}"


def parse_quarter_token(text: str) -> FiscalQuarter:
    """``"2026Q4"`` (or "FY2026 Q4", "2026-Q4") -> ``FiscalQuarter(2026, 4)``; ValueError when it is not one."""
    return FiscalQuarter.parse(text)


def objective_link(code: str, quarter: FiscalQuarter | None = None, mission_id: int | None = None) -> dict[str, str]:
    """The Objective page on objective ``code`` as of ``quarter``: ``{"mission": "1", "objective": "2.1",
    "to": "2026Q4"}``; ``mission`` and ``to`` are left out when None (the page then keeps its own)."""
    params: dict[str, str] = {}
    if mission_id is not None:
        params["mission"] = str(mission_id)
    params["objective"] = code
    if quarter is not None:
        params["to"] = quarter_token(quarter)
    return params


def submit_link(code: str, agency: str, quarter: FiscalQuarter) -> dict[str, str]:
    """The Submit page on exactly one update: ``{"objective": "1.1", "agency": "USAID", "quarter": "2026Q4"}``."""
    return {"objective": code, "agency": agency, "quarter": quarter_token(quarter)}


def review_link(code: str, agency: str, quarter: FiscalQuarter, mission_id: int | None = None) -> dict[str, str]:
    """The Review page on one update waiting for review: the Submit link's three parameters, after ``mission``
    when given: ``{"mission": "1", "objective": "1.1", "agency": "USAID", "quarter": "2026Q4"}``."""
    return {**({"mission": str(mission_id)} if mission_id is not None else {}), **submit_link(code, agency, quarter)}


def overview_link(mission_id: int) -> dict[str, str]:
    """The Overview page on one mission, its own default quarter: ``{"mission": "1"}``."""
    return {"mission": str(mission_id)}


def missions_link(quarter: FiscalQuarter, bureau: str | None = None) -> dict[str, str]:
    """The Missions page as of ``quarter``, all bureaus or one: ``{"to": "2026Q4", "bureau": "AF"}``."""
    return {"to": quarter_token(quarter), **({"bureau": bureau} if bureau else {})}
