"""My to-do's words: when a draft was saved, in the reader's time or in UTC, and a name for every button."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from dashboard.domain.actor import Actor
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.views.todo import TodoItem, TodoView, button_names, elsewhere_sentence, other_posts, saved_time

LIMA = ZoneInfo("America/Lima")  # UTC-5, no summer time
NOW = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)  # 13:30 in Lima


@pytest.mark.parametrize(
    ("saved", "zone", "shown"),
    [
        (datetime(2026, 12, 2, 12, 0, tzinfo=UTC), LIMA, "07:00"),
        (datetime(2026, 12, 2, 12, 0, tzinfo=UTC), None, "12:00 UTC"),  # the page does not know the reader's zone
        (datetime(2026, 12, 2, 3, 15, tzinfo=UTC), LIMA, "01 Dec 22:15"),  # yesterday evening in Lima
        (datetime(2026, 12, 2, 3, 15, tzinfo=UTC), None, "03:15 UTC"),  # but today in UTC
        (datetime(2025, 11, 28, 9, 5, tzinfo=UTC), None, "28 Nov 2025 09:05 UTC"),
    ],
)
def test_a_draft_says_when_it_was_saved_in_the_readers_time_or_in_utc(
    saved: datetime, zone: ZoneInfo | None, shown: str
) -> None:
    assert saved_time(saved, zone, NOW) == shown


Q4 = FiscalQuarter(2026, 4)


def _item(code: str, agency: str, quarter: FiscalQuarter = Q4, **fields: object) -> TodoItem:
    return TodoItem(code=code, objective_title="t", agency=agency, quarter=quarter, **fields)  # type: ignore[arg-type]


def test_an_item_with_a_draft_shows_the_draft_instead_of_not_submitted() -> None:
    saved = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert _item("3.2", "DEA", state="Not submitted").state_text(LIMA, NOW) == "Not submitted"
    assert _item("3.2", "DEA", state="Not submitted", draft_saved=saved).state_text(LIMA, NOW) == "Draft saved 07:00"
    returned = _item("3.2", "DEA", state="Returned", draft_saved=saved)
    assert returned.state_text(None, NOW) == "Returned · draft saved 12:00 UTC"


def test_every_button_has_its_own_name() -> None:
    owed = [_item("3.1", "FAS", state="x"), _item("3.2", "DEA", state="x"), _item("3.2", "FAS", state="x")]
    assert button_names("Submit", owed) == ["Submit 3.1 for FAS", "Submit 3.2 for DEA", "Submit 3.2 for FAS"]
    returned = [
        _item("1.1", "USAID", FiscalQuarter(2026, 4), state="x"),
        _item("1.1", "USAID", FiscalQuarter(2026, 3), state="x"),
        _item("1.2", "USAID", FiscalQuarter(2026, 3), state="x"),
    ]
    assert button_names("Fix", returned) == [
        "Fix 1.1 for USAID, FY2026 Q4",
        "Fix 1.1 for USAID, FY2026 Q3",
        "Fix 1.2 for USAID",
    ]


def test_a_user_reporting_at_two_posts_hears_of_the_other_posts_owed_updates() -> None:
    officer = Actor(email="o@usaid.gov", role="contributor", bindings=((1, 8, "USAID"), (2, 8, "USAID"), (2, 3, "DAO")))
    assert other_posts(officer, 1) == [2] and other_posts(officer, 2) == [1]
    owed = pd.DataFrame({"code": ["1.1", "2.1"]})
    view = TodoView(quarter=Q4, due=date(2026, 10, 30), owed=owed, returned=owed.iloc[:0], to_review=owed.iloc[:0])
    assert (
        elsewhere_sentence("Embassy Accra, Ghana", view) == "At Embassy Accra, Ghana: 2 owed for FY2026 Q4, 0 returned."
    )
    nothing = TodoView(quarter=Q4, due=date(2026, 10, 30), owed=owed.iloc[:0], returned=owed.iloc[:0], to_review=owed)
    assert elsewhere_sentence("Embassy Accra, Ghana", nothing) is None, "nothing to do there: no line"
