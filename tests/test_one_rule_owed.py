"""One rule for what is owed: every page gives the same owed, received and percent figures for a quarter.

The sister of ``test_one_figure`` (one way to show a number): here the question is which (objective, agency)
updates a quarter owes at all. The bundled Peru strategy (33 updates owed a quarter) goes through what a post
goes through, on SQLite and PostgreSQL:

* Reporting starts late: the mission's first reporting quarter is FY2026 Q2, so FY2026 Q1 owes nothing (USAID
  had sent a 1.1 update for it anyway).
* A lead change with an agency on two date ranges: from FY2026 Q4 USAID leads 4.3 and State, the lead until
  then, stays on as a contributor (State: lead to Q3, contributing from Q4).
* An agency with a gap: DEA leaves 2.1 for FY2026 Q3 only (two ranges, to Q2 and from Q4); its Q3 update, sent
  before it left, no longer counts.
* A retirement: a revised strategy without 3.2 is imported on 20 August 2026, while FY2026 Q4 is in progress,
  so 3.2 is retired from FY2026 Q4 (the first quarter nobody has finished reporting on, the default); Q3 still
  owes it, and State's early Q4 update on it no longer counts.

Worked out by hand (progress: each objective's agencies' mean, then the mean over objectives that reported):

    quarter     owed  received  complete  progress
    FY2026 Q1      0         0         –         –
    FY2026 Q2     33         3       9 %      30 %   1.1 20, 1.2 30, 2.1 40
    FY2026 Q3     32         4      13 %      58 %   1.1 30, 3.2 (60, 70), 4.3 80; not DEA's 2.1
    FY2026 Q4     30         4      13 %      55 %   1.1 40, 2.1 70, 4.3 (50, 60); not State's 3.2

Overview, Missions, Agency, Tracker, My to-do, the spreadsheet template and the brief must all say so.
"""

import re
from dataclasses import dataclass, replace
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.domain.actor import Actor
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.numbers import NONE_SHOWN
from dashboard.formats.ics_document import parse_ics_text
from dashboard.services import admin
from dashboard.services.access import resolve
from dashboard.services.bulk_updates import template_rows
from dashboard.services.strategy_import import apply_import
from dashboard.settings import DATA_DIR, SETTINGS_DOC, Settings
from dashboard.store import queries
from dashboard.store.database import read_session, write_session
from dashboard.views import brief as vb
from dashboard.views import todo
from models import Mission
from tests.appcast import app, ok, open_page
from tests.people import ADMIN, DEA, STATE, TODAY, USAID, World, build

Q1, Q2, Q3, Q4 = (FiscalQuarter(2026, q) for q in (1, 2, 3, 4))
QUARTERS = (Q1, Q2, Q3, Q4)
RETIRED_ON = date(2026, 8, 20)  # in FY2026 Q4: the retirement takes effect from Q4 by default


@dataclass(frozen=True)
class Figures:
    """What a page says about a quarter: updates owed and received, completeness and mean progress (as shown)."""

    owed: int
    received: int
    complete: str | None = None
    progress: str | None = None


TRUTH = {
    Q1: Figures(0, 0, None, None),
    Q2: Figures(33, 3, "9%", "30%"),
    Q3: Figures(32, 4, "13%", "58%"),
    Q4: Figures(30, 4, "13%", "55%"),
}
USAID_ALWAYS = {"1.1", "1.2", "1.3", "2.2", "3.1", "4.1", "4.2", "M1"}
# agency -> quarter -> (objectives owed, objectives received)
BY_AGENCY = {
    "USAID": {
        Q1: (set(), set()),
        Q2: (USAID_ALWAYS | {"3.2"}, {"1.1"}),
        Q3: (USAID_ALWAYS | {"3.2"}, {"1.1", "3.2"}),
        Q4: (USAID_ALWAYS | {"4.3"}, {"1.1", "4.3"}),
    },
    "DEA": {
        Q1: (set(), set()),
        Q2: ({"2.1", "2.2", "3.2"}, {"2.1"}),
        Q3: ({"2.2", "3.2"}, set()),
        Q4: ({"2.1", "2.2"}, {"2.1"}),
    },
    "State": {
        Q1: (set(), set()),
        Q2: ({"1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3", "M1"}, {"1.2"}),
        Q3: ({"1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3", "M1"}, {"3.2", "4.3"}),
        Q4: ({"1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "4.1", "4.2", "4.3", "M1"}, {"4.3"}),
    },
}
EMAILS = {"USAID": USAID, "DEA": DEA, "State": STATE}


def _without_32(text: str) -> str:
    framework = next(line for line in text.splitlines() if line.startswith("- **Mission Objective 3.2:**"))
    text = text.replace(framework + "\n", "")
    start = text.index("**Objective 3.2:**")
    return text[:start] + text[text.index("**Mission Goal 4:**", start) :]


def _play(cast: World) -> None:
    """The post's quarters, in the order things happen (each update sent while its agency owed it)."""
    early = [
        (USAID, "1.1", "USAID", Q1, 10),
        (USAID, "1.1", "USAID", Q2, 20),
        (STATE, "1.2", "State", Q2, 30),
        (DEA, "2.1", "DEA", Q2, 40),
        (USAID, "1.1", "USAID", Q3, 30),
        (DEA, "2.1", "DEA", Q3, 50),
        (STATE, "3.2", "State", Q3, 60),
        (USAID, "3.2", "USAID", Q3, 70),
        (STATE, "4.3", "State", Q3, 80),
        (USAID, "1.1", "USAID", Q4, 40),
        (STATE, "3.2", "State", Q4, 90),
    ]
    for email, code, agency, quarter, progress in early:
        cast.submit(email, cast.form(code, agency, quarter, progress=progress))
    roles = [
        ("2.1", "DAO", ["MAAG", "DHS", "State"], Q3),  # DEA leaves for Q3 ...
        ("2.1", "DAO", ["MAAG", "DEA", "DHS", "State"], Q4),  # ... and is back from Q4
        ("4.3", "USAID", ["State", "DAO"], Q4),  # USAID leads; State, lead until Q3, contributes
    ]
    for code, lead, contributing, effective in roles:
        with write_session(cast.engine) as session:
            admin.set_objective_agencies(session=session, actor_email=ADMIN, objective_id=cast.objectives[code],
                                         lead=lead, contributing=contributing, effective=effective)  # fmt: skip
    late = [(USAID, "4.3", "USAID", Q4, 50), (STATE, "4.3", "State", Q4, 60), (DEA, "2.1", "DEA", Q4, 70)]
    for email, code, agency, quarter, progress in late:
        cast.submit(email, cast.form(code, agency, quarter, progress=progress))
    revised = parse_ics_text(_without_32((DATA_DIR / "ics_peru.md").read_text(encoding="utf-8")))
    with write_session(cast.engine) as session:
        apply_import(session=session, actor_email=ADMIN, strategy=revised, source_sha256="0" * 64,
                     mission_id=cast.mission_id, today=RETIRED_ON)  # fmt: skip
    with write_session(cast.engine) as session:
        mission = session.get(Mission, cast.mission_id)
        assert mission is not None
        mission.reporting_from_fy, mission.reporting_from_quarter = 2026, 2
        session.add(mission)


@pytest.fixture
def post(database_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    """The scenario above, with the app (AppTest) pointed at its database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ICS_DEMO_ON_NEW_DATABASE", "false")
    for name in SETTINGS_DOC:
        if name not in ("DATABASE_URL", "ICS_DEMO_ON_NEW_DATABASE"):
            monkeypatch.delenv(name, raising=False)
    cast = build(database_url)
    _play(cast)
    return cast


def _token(quarter: FiscalQuarter) -> str:
    return f"{quarter.fiscal_year}Q{quarter.quarter}"


def _run(name: str, email: str | None = None, **params: str) -> AppTest:
    """The page ``name`` opened from a link with ``params``, as ``email`` (None: a visitor)."""
    at = app(email)
    at.query_params.update(params)
    ok(at.run())
    return at if name == "overview" else open_page(at, name)


def _percent(value: object) -> str | None:
    """A table's number as the page formats it (``%.0f%%`` of a whole number), or None when blank."""
    return None if value is None or value != value else f"{float(value):.0f}%"


def _received_bar(at: AppTest) -> tuple[int, int] | None:
    for element in at.get("progress"):
        found = re.search(r"Updates received: (\d+) of (\d+) expected", element.proto.text)
        if found:
            return int(found[1]), int(found[2])
    return None


NOTHING = Figures(0, 0)  # what a page that says "Nothing is owed for ..." gives
SAYS_NOTHING = Figures(-1, -1)  # a page with no figure and no such sentence


def _says_nothing_owed(at: AppTest, quarter: FiscalQuarter) -> bool:
    return any(str(e.value).startswith(f"Nothing is owed for {quarter.label}") for e in at.info)


def overview(quarter: FiscalQuarter) -> Figures:
    at = _run("overview", to=_token(quarter))
    bar = _received_bar(at)
    if bar is None:
        return NOTHING if _says_nothing_owed(at, quarter) else SAYS_NOTHING
    progress = [m.value for m in at.metric if m.label == "Progress"]
    received, owed = bar
    return Figures(owed, received, None, progress[0] if progress and progress[0] != NONE_SHOWN else None)


def missions(quarter: FiscalQuarter) -> Figures:
    at = _run("missions", to=_token(quarter))
    table = next(df.value for df in at.dataframe if "completeness" in df.value.columns)
    row = table[table["mission"].str.startswith("Peru")].iloc[0]
    return Figures(int(row["expected"]), int(row["received"]), _percent(row["completeness"]), _percent(row["progress"]))


def tracker(quarter: FiscalQuarter) -> Figures:
    at = _run("tracker")
    at.selectbox(key="tracker_quarter").set_value(quarter)
    ok(at.run())
    metrics = {m.label: int(m.value) for m in at.metric}
    if metrics["Expected"] == 0 and not _says_nothing_owed(at, quarter):
        return SAYS_NOTHING
    return Figures(metrics["Expected"], metrics["Received"])


def _one_brief(cast: World, quarter: FiscalQuarter) -> Figures:
    try:
        brief = vb.load_brief(
            engine=cast.engine,
            mission_id=cast.mission_id,
            filters=Filters(mission_id=cast.mission_id, end=quarter),
            quarter=quarter,
            reader=vb.Reader(Actor.operator(), None),
            today=TODAY,
            settings=Settings(database_url=cast.url),
        )
    except vb.BriefError as refused:
        return NOTHING if str(refused).startswith(f"Nothing is owed for {quarter.label}") else SAYS_NOTHING
    figures = {f.label: f.value for f in brief.figures}
    received, owed = (int(n) for n in figures["Updates received"].split(" of "))
    assert len(brief.outstanding) == owed - received
    progress = figures["Mean progress"]
    return Figures(owed, received, None, None if progress == NONE_SHOWN else progress)


@pytest.mark.parametrize("quarter", QUARTERS, ids=str)
def test_overview_missions_tracker_and_brief_give_the_same_figures(post: World, quarter: FiscalQuarter) -> None:
    said = {
        "Overview": overview(quarter),
        "Missions": missions(quarter),
        "Tracker": tracker(quarter),
        "Brief": _one_brief(post, quarter),
    }
    truth = TRUTH[quarter]
    wanted = {
        "Overview": replace(truth, complete=None),  # a bar, not a percentage
        "Missions": truth,
        "Tracker": Figures(truth.owed, truth.received),
        "Brief": replace(truth, complete=None),
    }
    assert said == wanted


def _agency_page(agency: str, quarter: FiscalQuarter) -> tuple[set[str], set[str]]:
    at = _run("agency", agency=agency, to=_token(quarter))
    shown = [m.value for m in at.metric if m.label == f"Updates in for {quarter.label}"]
    if not shown:
        return (set(), set()) if _says_nothing_owed(at, quarter) else ({"no figure"}, set())
    table = next(df.value for df in at.dataframe if "role" in df.value.columns)
    received, owed = (int(n) for n in shown[0].split(" of "))
    assert owed == len(table)
    got = set(table.loc[table["status"] != "Missing", "code"])
    assert received == len(got)
    return set(table["code"]), got


def _to_do(cast: World, agency: str, quarter: FiscalQuarter) -> set[str]:
    with read_session(cast.engine) as session:
        actor = resolve(session, EMAILS[agency])
    view = todo.build(
        actor,
        queries.expected_frame(cast.engine, cast.mission_id),
        queries.submissions_frame(cast.engine, cast.mission_id),
        reviewable=None,
        today=TODAY,
        due_days=30,
        quarter=quarter,
    )
    return {item.code for item in view.owed_items}


def _template(cast: World, agency: str, quarter: FiscalQuarter) -> set[str]:
    with read_session(cast.engine) as session:
        rows = template_rows(session=session, actor_email=EMAILS[agency], mission_id=cast.mission_id, quarter=quarter)
    return {row["objective"] for row in rows}


def _to_do_page(agency: str) -> set[str]:
    """What the My to-do page asks the agency's contributor to submit: the quarter being reported (FY2026 Q4, the
    strategy's last)."""
    at = _run("todo", EMAILS[agency])
    suffix = f" for {agency}"  # "Submit 3.2 for DEA"
    return {b.label[len("Submit ") : -len(suffix)] for b in at.button if re.fullmatch(f"Submit .+{suffix}", b.label)}


@pytest.mark.parametrize("agency", sorted(BY_AGENCY))
def test_agency_my_to_do_and_the_template_owe_the_same_updates(post: World, agency: str) -> None:
    said, wanted = {}, {}
    for quarter in QUARTERS:
        owed, received = BY_AGENCY[agency][quarter]
        said[quarter.label] = {
            "Agency": _agency_page(agency, quarter),
            "My to-do": _to_do(post, agency, quarter),
            "template": _template(post, agency, quarter),
        }
        wanted[quarter.label] = {"Agency": (owed, received), "My to-do": owed - received, "template": owed}
    owed, received = BY_AGENCY[agency][Q4]
    said["My to-do page"], wanted["My to-do page"] = _to_do_page(agency), owed - received
    assert said == wanted
