"""The pages as people act on them: drill-down targets, landing on My to-do, returned items, days late,
who reads chairs' comments, missed quarters, and human column labels (AppTest)."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.appcast import Cast, build, default_quarter, frame_with, ok, open_page, page, start, texts
from tests.people import ADMIN, CHAIR1, CHAIR2, DEA, PASSWORD, USAID, VIEWER

PERU_CODES = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3", "M1"]
MISSED_COLUMNS = ["quarter", "agency", "code", "objective_title", "role"]
RAW_NAMES = {"risk_level", "objective_title", "working_group", "review_comment", "days_late", "code", "title"}


def _open(path: str, **query: str) -> AppTest:
    """``path`` opened the way a link (or ``st.switch_page(..., query_params=...)``) opens it."""
    at = start(None)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page(path))
    return ok(at.run())


def _labels(at: AppTest) -> list[dict[str, str]]:
    """For each table on the page: column -> the label shown in its header (the column name when none is set)."""
    out = []
    for table in at.dataframe:
        config = json.loads(table.proto.columns or "{}")
        out.append({c: config.get(c, {}).get("label") or c for c in table.value.columns})
    return out


# --------------------------------------------------------------------------- objective page as a drill-down target


def test_objective_page_opens_the_linked_objective_and_quarter(demo_app_url: str) -> None:
    at = _open("objective", objective="2.1", to="2026Q3")
    picked = at.selectbox(key="obj_pick")
    assert picked.options[picked.index].startswith("2.1 · ")
    # The link names the objective to open; it does not narrow the page to it: every objective is still offered.
    assert [o.split(" · ")[0] for o in picked.options] == PERU_CODES
    assert [h.value for h in at.header][0] == "Objective 2.1"
    assert at.metric[0].label == "Status, FY2026 Q3"
    assert at.query_params["objective"] == "2.1"

    picked.set_value(picked.options[0]).run()  # then choosing another objective works, and the address follows
    ok(at)
    assert [h.value for h in at.header][0] == "Objective 1.1"
    assert at.query_params["objective"] == "1.1"


def test_objective_page_shows_the_latest_narratives_open_and_older_ones_on_demand(demo_app_url: str) -> None:
    at = _open("objective", objective="1.1", to="2026Q4")
    assert not [e for e in at.expander if e.label.startswith("FY")]  # no wall of collapsed expanders
    assert "Latest: FY2026 Q4" in [s.value for s in at.subheader]
    assert any(t.value == "Accomplishments" or "Accomplishments" in t.value for t in at.markdown)
    older = at.toggle(key="obj_older")
    assert older.value is False and not [df for df in at.dataframe if "accomplishments" in df.value.columns]
    older.set_value(True).run()
    ok(at)
    table = frame_with(at, "accomplishments")
    assert len(table) > 0 and "FY2026 Q4" not in set(table["quarter"])


# --------------------------------------------------------------------------- landing after sign-in


@pytest.mark.parametrize(("email", "title"), [(USAID, "My to-do"), (CHAIR1, "My to-do"), (VIEWER, "Strategy progress")])
def test_signing_in_lands_on_my_to_do_for_those_who_have_one_and_on_the_overview_else(
    app_url: str, email: str, title: str
) -> None:
    build(app_url, passwords={email: PASSWORD})
    at = start(None)
    open_page(at, "sign_in")
    at.text_input(key="signin_email").input(email)
    at.text_input(key="signin_password").input(PASSWORD)
    next(b for b in at.button if b.label == "Sign in").click().run()
    ok(at)
    assert [t.value for t in at.title] == [title]


# --------------------------------------------------------------------------- my to-do


def test_a_returned_update_appears_once_with_its_whole_comment_and_opens_the_submit_page_on_it(cast: Cast) -> None:
    quarter = default_quarter()
    comment = "Add the customs clearance numbers for Callao and Paita, by month, and say which are estimates. " * 3
    first = cast.submit(USAID, cast.form("1.1", quarter=quarter))
    cast.review(CHAIR1, first.id, "returned", comment.strip())
    at = start(USAID)
    open_page(at, "todo")
    q = f"{quarter.fiscal_year}Q{quarter.quarter}"
    mentions = [m.value for m in at.markdown if "1.1 · USAID" in m.value]
    assert len(mentions) == 1 and "Returned" in mentions[0] and "returned" not in mentions[0], mentions
    assert f"Returned by {CHAIR1}: {comment.strip()}" in texts(at.text)  # whole, not cut
    at.button(key=f"todo_fix_1.1_USAID_{q}").click().run()
    ok(at)
    assert [t.value for t in at.title] == ["Submit update"]
    assert {k: at.query_params[k] for k in ("objective", "agency", "quarter")} == {
        "objective": "1.1",
        "agency": "USAID",
        "quarter": q,
    }


def test_each_owed_update_opens_the_submit_page_on_exactly_that_update(cast: Cast) -> None:
    quarter = default_quarter()
    q = f"{quarter.fiscal_year}Q{quarter.quarter}"
    at = start(DEA)
    open_page(at, "todo")
    keys = [b.key for b in at.button if b.key.startswith("todo_submit_")]
    assert keys == [f"todo_submit_2.1_DEA_{q}", f"todo_submit_2.2_DEA_{q}", f"todo_submit_3.2_DEA_{q}"]
    at.button(key=keys[1]).click().run()
    ok(at)
    assert [t.value for t in at.title] == ["Submit update"]
    assert {k: at.query_params[k] for k in ("objective", "agency", "quarter")} == {
        "objective": "2.2",
        "agency": "DEA",
        "quarter": q,
    }


# --------------------------------------------------------------------------- tracker


def _tracker_comments(email: str | None) -> dict[tuple[str, str], str]:
    at = start(email)
    open_page(at, "tracker")
    table = frame_with(at, "days_late")
    if "review_comment" not in table.columns:
        return {}
    return {
        (code, agency): comment
        for code, agency, comment in zip(table["code"], table["agency"], table["review_comment"], strict=True)
        if comment
    }


def test_chairs_return_comments_on_the_tracker_are_for_those_with_a_right_to_them(cast: Cast) -> None:
    usaid = cast.submit(USAID, cast.form("1.1"))
    dea = cast.submit(DEA, cast.form("2.1", agency="DEA"))
    cast.review(CHAIR1, usaid.id, "returned", "Add the customs numbers.")
    cast.review(CHAIR2, dea.id, "returned", "Which ports?")
    both = {("1.1", "USAID"): "Add the customs numbers.", ("2.1", "DEA"): "Which ports?"}

    assert _tracker_comments(None) == {}  # anonymous visitors
    assert _tracker_comments(VIEWER) == {}
    assert _tracker_comments(USAID) == {("1.1", "USAID"): "Add the customs numbers."}  # own agency only
    assert _tracker_comments(DEA) == {("2.1", "DEA"): "Which ports?"}
    assert _tracker_comments(CHAIR1) == {("1.1", "USAID"): "Add the customs numbers."}  # Goal 1 objectives only
    assert _tracker_comments(ADMIN) == both


def test_the_tracker_shows_days_late_as_a_number(cast: Cast) -> None:
    at = start(None)
    open_page(at, "tracker")
    table = frame_with(at, "days_late")
    assert "overdue" not in table.columns
    assert table["days_late"].dtype.kind == "i" and (table["days_late"] >= 0).all()
    assert _labels(at)[0]["days_late"] == "Days late"


# --------------------------------------------------------------------------- agency


def test_quarters_before_the_first_reporting_quarter_are_never_missed(app_url: str) -> None:
    at = _open("agency", agency="USAID", **{"from": "2022Q1", "to": "2022Q4"})  # no update was ever sent
    [missed] = [df.value for df in at.dataframe if list(df.value.columns) == MISSED_COLUMNS]
    # Peru's ICS was approved on 21 March 2022 (FY2022 Q2): reporting begins in FY2022 Q3.
    assert sorted(set(missed["quarter"])) == ["FY2022 Q3", "FY2022 Q4"]
    assert len(missed) == 2 * len(set(missed["code"]))
    assert any("reporting began in FY2022 Q3" in c for c in texts(at.caption)), texts(at.caption)

    # A quarter before reporting began owes nothing at all, and the page says so.
    at = _open("agency", agency="USAID", **{"from": "2022Q1", "to": "2022Q2"})
    assert not [df for df in at.dataframe if list(df.value.columns) == MISSED_COLUMNS]
    assert texts(at.info) == ["Nothing is owed for FY2022 Q2: reporting begins in FY2022 Q3."]


# --------------------------------------------------------------------------- readable tables


@pytest.mark.parametrize(
    ("name", "query", "who"),
    [
        ("agency", {}, None),
        ("objective", {"objective": "1.1"}, None),
        ("tracker", {}, ADMIN),
    ],
)
def test_no_raw_column_names_in_tables(demo_app_url: str, name: str, query: dict[str, str], who: str | None) -> None:
    if who is None:
        at = _open(name, **query)
    else:
        build(demo_app_url)
        at = start(who)
        open_page(at, name)
    shown = [label for table in _labels(at) for label in table.values()]
    assert shown, name
    raw = [label for label in shown if label in RAW_NAMES or "_" in label]
    assert not raw, (name, raw)
