"""Closing a quarter: nothing is written for it after, on any path; its record holds and verifies; reopening
takes a reason; a close racing twenty writers loses nothing."""

import threading
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from dashboard.domain.actor import AccessDenied, Actor
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import bulk_updates, indicator_values, quarters, submissions
from dashboard.services.access import acting
from dashboard.services.indicator_values import ValueRow, ValueRowsError
from dashboard.services.quarters import QuarterClosed
from dashboard.settings import Settings
from dashboard.store import append_only, closed_records, queries
from dashboard.store.database import read_session, transact, write_session
from dashboard.views import brief as vb
from dashboard.views import quarter_record
from dashboard.views.brief import Reader
from models import Agency, Indicator, IndicatorTarget, Mission, Objective, ObjectiveAgency, QuarterClose, StatusUpdate
from models.scales import ReviewState
from tests.people import ADMIN, CHAIR1, QUARTER, STATE, TODAY, USAID, USAID2, World, build

COUNTED = (ReviewState.SUBMITTED.value, ReviewState.APPROVED.value)


@pytest.fixture
def world(database_url: str) -> World:
    world = build(database_url)
    with write_session(world.engine) as session:
        usaid = session.exec(select(Agency).where(Agency.acronym == "USAID")).one()
        one = Indicator(objective_id=world.objectives["1.1"], code="1.1.a", name="Firms exporting", unit="firms",
                        baseline=10, baseline_fy=2022, target=50, agency_id=usaid.id)  # fmt: skip
        session.add(one)
        session.flush()
        session.add(IndicatorTarget(indicator_id=one.id, fiscal_year=2026, value=50))
    return world


def _record(world: World, quarter: FiscalQuarter = QUARTER) -> Any:
    return lambda connection: quarter_record.build(connection, world.mission_id, quarter, states=COUNTED, on_target=0.9)


def _close(world: World, quarter: FiscalQuarter = QUARTER, email: str = ADMIN, today: date = TODAY) -> QuarterClose:
    with write_session(world.engine) as session:
        return quarters.close(
            session=session,
            actor_email=email,
            mission_id=world.mission_id,
            quarter=quarter,
            today=today,
            record=_record(world, quarter),
        )


def _reopen(world: World, reason: str) -> None:
    with write_session(world.engine) as session:
        quarters.reopen(session=session, actor_email=ADMIN, mission_id=world.mission_id, quarter=QUARTER, reason=reason)


def _report(world: World, value: str) -> None:
    with write_session(world.engine) as session:
        indicator_values.report(
            session=session, actor_email=USAID, rows=[ValueRow(2, "1.1.a", "FY2026 Q4", value)], today=TODAY
        )


def test_after_a_close_every_path_refuses_a_write_for_the_quarter(world: World) -> None:
    submitted = world.submit(USAID, world.form("1.1", "USAID"))
    _report(world, "30")
    before = {t: world.count(t) for t in (StatusUpdate, QuarterClose)}
    _close(world)
    closed = "FY2026 Q4 was closed on"

    with pytest.raises(QuarterClosed, match=closed):  # a new revision, and a first report
        world.submit(USAID, world.form("1.1", "USAID", progress=60), base_revision=1)
    with pytest.raises(QuarterClosed, match=closed):
        world.submit(STATE, world.form("1.1", "State"))
    with pytest.raises(QuarterClosed, match=closed):  # a draft
        with write_session(world.engine) as session:
            submissions.save_draft(
                session=session, actor_email=USAID2, form=world.form(progress=70), base_revision=1, today=TODAY
            )
    with pytest.raises(QuarterClosed, match=closed):  # a review decision
        world.review(CHAIR1, submitted.id, "approved")  # type: ignore[arg-type]
    with pytest.raises(ValueRowsError, match=closed):  # an indicator value
        _report(world, "35")
    # the spreadsheet path names the row and the column
    with write_session(world.engine) as session:
        mission = session.get(Mission, world.mission_id)
        assert mission is not None
        known = bulk_updates._known(session, acting(session, USAID), mission)
    assert QUARTER.index in known.closed and known.closed[QUARTER.index].startswith(closed)
    assert {t: world.count(t) for t in (StatusUpdate,)} == {StatusUpdate: before[StatusUpdate]}

    # and the database itself, for whatever bypasses the services
    with read_session(world.engine) as session:
        row = session.get(StatusUpdate, submitted.id)
        assert row is not None
    columns = "objective_id, agency_id, fiscal_year, quarter, status, progress, risk_level, accomplishments, " \
        "challenges, next_steps, risk_note, state, author, created_at, revision, is_demo"  # fmt: skip
    values = f"{row.objective_id}, {row.agency_id}, 2026, 4, 'On track', 90, 'Low', '', '', '', '', 'submitted', " \
        "'x@example.gov', '2026-11-20 00:00:00', 7, false"  # fmt: skip
    for sql in (
        f"INSERT INTO status_update ({columns}) VALUES ({values})",
        f"INSERT INTO review_event (status_update_id, decision, comment, reviewer, created_at) "
        f"VALUES ({row.id}, 'approved', '', 'x@example.gov', '2026-11-20 00:00:00')",
        "INSERT INTO indicator_value (indicator_id, fiscal_year, quarter, value, author, created_at, is_demo, "
        "revision, note) SELECT id, 2026, 4, 44, 'x@example.gov', '2026-11-20 00:00:00', false, 9, '' FROM indicator",
    ):
        with pytest.raises(DBAPIError, match="the quarter is closed"):
            with world.engine.begin() as connection:
                connection.execute(text(sql))
    # another quarter stays open
    assert world.submit(USAID, world.form("1.1", "USAID", quarter=FiscalQuarter(2026, 3))).revision == 1


def test_a_close_is_refused_for_a_closed_unfinished_or_outside_quarter_and_for_a_non_admin(world: World) -> None:
    with pytest.raises(ValueError, match="has not ended yet"):
        _close(world, today=date(2026, 8, 1))  # FY2026 Q4 is still under way then
    with pytest.raises(ValueError, match="outside the strategy period"):
        _close(world, FiscalQuarter(2021, 4))
    with pytest.raises(AccessDenied):
        _close(world, email=USAID)
    _close(world)
    with pytest.raises(ValueError, match="already closed"):
        _close(world)
    assert world.count(QuarterClose) == 1


def test_reopening_takes_a_reason_keeps_the_record_and_lets_writes_in_again(world: World) -> None:
    _close(world)
    for blank in ("", "   "):
        with pytest.raises(ValueError, match="say why"):
            _reopen(world, blank)
    with pytest.raises(ValueError, match="too long"):
        _reopen(world, "x" * (quarters.REASON_MAX_CHARS + 1))
    # a pasted reason keeps its words, not its line breaks or a bidi override that would reverse it on screen
    _reopen(world, "USAID's Q4 figures\r\narrived late \u202efrom the ministry.")
    assert world.submit(USAID, world.form("1.1", "USAID")).revision == 1
    with read_session(world.engine) as session:
        states = quarters.states(session, world.mission_id)
        events = quarters.history(session, world.mission_id)
    assert [(s.quarter, s.closed, s.reason) for s in states] == [
        (QUARTER, False, "USAID's Q4 figures arrived late from the ministry.")
    ]
    assert [e.action for e in events] == ["close", "reopen"] and events[0].sha256  # the earlier record stays
    with pytest.raises(ValueError, match="is not closed"):
        _reopen(world, "again")


def test_the_record_verifies_and_a_changed_record_is_found(world: World) -> None:
    from dashboard.views import evidence

    world.submit(USAID, world.form("1.1", "USAID", status="On track", progress=80))
    _report(world, "34")
    live = evidence.status_document(evidence.for_mission(world.engine, world.mission_id, QUARTER, states=COUNTED,
                                                         on_target=0.9))  # fmt: skip
    row = _close(world)
    # the record's evidence is what the live computation gave, and indicators status now reads it from the record
    recorded = evidence.for_mission(world.engine, world.mission_id, QUARTER, states=COUNTED, on_target=0.9)
    assert evidence.status_document(recorded) == live and live["objectives"][0]["disagrees"]
    with read_session(world.engine) as session:
        assert quarters.verify(session, world.mission_id, QUARTER).sha256 == row.sha256
    assert closed_records.digest(row.snapshot) == row.sha256
    record = closed_records.canonical(quarter_record.build(world.engine, world.mission_id, QUARTER, states=COUNTED,
                                                           on_target=0.9))  # fmt: skip
    assert record == row.snapshot  # canonical: the same reads give the same text, byte for byte
    # someone with the database's keys lifts the guard and edits the record: verify says so
    with world.engine.begin() as connection:
        append_only.lift(connection, "quarter_close")
        connection.execute(text("UPDATE quarter_close SET snapshot = REPLACE(snapshot, 'On track', 'Completed')"))
    with read_session(world.engine) as session:
        with pytest.raises(ValueError, match="does not match its SHA-256"):
            quarters.verify(session, world.mission_id, QUARTER)


def _brief_texts(world: World) -> list[str]:
    import io

    from pptx import Presentation

    settings = Settings(database_url=world.url)
    made = vb.load_brief(
        engine=world.engine,
        mission_id=world.mission_id,
        filters=Filters(),
        quarter=QUARTER,
        reader=Reader(Actor.operator(), None),
        today=date(2027, 3, 1),
        settings=settings,
    )
    deck = Presentation(io.BytesIO(vb.render(made, "pptx")))
    out = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [c.text_frame.text for row in shape.table.rows for c in row.cells]
    return out


def test_a_closed_quarter_s_brief_and_frames_hold_after_a_retitle_a_role_correction_and_a_late_revision(
    world: World,
) -> None:
    world.submit(USAID, world.form("1.1", "USAID", status="On track", progress=80))
    world.submit(STATE, world.form("1.1", "State", status="At risk", progress=30, challenges="Permits stalled.",
                                   risk_note="Medium risk; the ministry reviews permits monthly."))  # fmt: skip
    _report(world, "34")
    _close(world)
    brief = _brief_texts(world)
    expected = queries.expected_frame(world.engine, world.mission_id)
    updates = queries.updates_frame(world.engine, world.mission_id, narratives=True, states=COUNTED)
    title = expected.loc[expected["code"] == "1.1", "objective_title"].iloc[0]
    assert any(title[:40] in t for t in brief)

    # a re-import retitles 1.1, and State is taken off 1.1 for every quarter (a correction)
    with write_session(world.engine) as session:
        objective = session.get(Objective, world.objectives["1.1"])
        assert objective is not None
        objective.title = "A new wording of the first objective"
        session.add(objective)
        for role in session.exec(
            select(ObjectiveAgency).where(
                ObjectiveAgency.objective_id == world.objectives["1.1"],
                ObjectiveAgency.agency_id == world.agencies["State"],
            )
        ):
            session.delete(role)
    with pytest.raises(QuarterClosed):  # and a late revision is refused
        world.submit(USAID, world.form("1.1", "USAID", progress=95), base_revision=1)

    in_q = lambda frame: frame[(frame["from_qindex"] <= QUARTER.index) & (frame["until_qindex"] >= QUARTER.index)]  # noqa: E731
    now = queries.expected_frame(world.engine, world.mission_id)
    assert (
        in_q(now)
        .drop(columns=["from_qindex", "until_qindex"])
        .reset_index(drop=True)
        .equals(in_q(expected).drop(columns=["from_qindex", "until_qindex"]).reset_index(drop=True))
    )
    # other quarters read the live strategy: the new title, and State no longer owes 1.1
    later = now[(now["code"] == "1.1") & (now["until_qindex"] < QUARTER.index)]
    assert set(later["objective_title"]) == {"A new wording of the first objective"}
    assert "State" not in set(later["agency"])
    again = queries.updates_frame(world.engine, world.mission_id, narratives=True, states=COUNTED)
    mine = lambda f: f[f["qindex"] == QUARTER.index].sort_values(["objective_id", "agency_id"]).reset_index(drop=True)  # noqa: E731
    assert mine(again)[["objective_id", "agency_id", "status", "progress", "revision"]].equals(
        mine(updates)[["objective_id", "agency_id", "status", "progress", "revision"]]
    )
    assert _brief_texts(world) == brief


def test_a_close_racing_twenty_writers_loses_nothing(world: World) -> None:
    """Twenty contributors submit for the quarter while an admin closes it: every write is either in the record
    or refused; none lands after the record without being in it."""
    with read_session(world.engine) as session:
        pairs = session.exec(select(ObjectiveAgency.objective_id, ObjectiveAgency.agency_id)).all()
        acronyms = {a.id: a.acronym for a in session.exec(select(Agency))}
        codes = {o.id: o.code for o in session.exec(select(Objective))}
    writers = [(codes[o], acronyms[a]) for o, a in pairs if acronyms[a] in ("USAID", "State")][:20]
    assert len(writers) >= 10
    emails = {"USAID": USAID, "State": STATE}
    outcome: dict[tuple[str, str], str] = {}
    start = threading.Barrier(len(writers) + 1)

    def write(code: str, agency: str) -> None:
        start.wait()
        try:
            transact(
                world.engine,
                lambda s: submissions.submit(
                    session=s, actor_email=emails[agency], form=world.form(code, agency), base_revision=0, today=TODAY
                ),
            )
            outcome[code, agency] = "stored"
        except (QuarterClosed, DBAPIError) as exc:
            assert "closed" in str(exc)
            outcome[code, agency] = "refused"
        except (ValueError, AccessDenied) as exc:  # not owed in this quarter: neither stored nor racing
            outcome[code, agency] = f"other: {exc}"

    threads = [threading.Thread(target=write, args=pair) for pair in writers]
    for thread in threads:
        thread.start()
    start.wait()
    row = transact(
        world.engine,
        lambda s: quarters.close(
            session=s, actor_email=ADMIN, mission_id=world.mission_id, quarter=QUARTER, today=TODAY,
            record=_record(world),
        ),
    )  # fmt: skip
    for thread in threads:
        thread.join(timeout=60)
    stored = {k for k, v in outcome.items() if v == "stored"}
    assert len(outcome) == len(writers) and all(not v.startswith("other") for v in outcome.values()), outcome
    record = closed_records.frame_of(closed_records.json.loads(row.snapshot)["updates"])
    in_record = {(codes[o], acronyms[a]) for o, a in zip(record["objective_id"], record["agency_id"], strict=True)}
    with read_session(world.engine) as session:
        in_database = {
            (codes[u.objective_id], acronyms[u.agency_id])
            for u in session.exec(
                select(StatusUpdate).where(StatusUpdate.fiscal_year == 2026, StatusUpdate.quarter == 4)
            )
        }
    assert stored == in_database == in_record  # every stored write is in the record, and only those


def _take_state_off_1_1(world: World) -> None:
    """A role corrected for every quarter: State never held 1.1."""
    with write_session(world.engine) as session:
        for role in session.exec(
            select(ObjectiveAgency).where(
                ObjectiveAgency.objective_id == world.objectives["1.1"],
                ObjectiveAgency.agency_id == world.agencies["State"],
            )
        ):
            session.delete(role)


def test_the_missions_roll_up_reads_a_closed_quarter_from_its_record(world: World) -> None:
    from dashboard.store import rollup

    world.submit(USAID, world.form("1.1", "USAID", progress=80))
    world.submit(STATE, world.form("1.1", "State", progress=20))
    q, earlier = QUARTER.index, QUARTER.previous().index

    def read() -> tuple[Any, int, int]:
        rows = rollup.objective_quarters_frame(world.engine, first_qindex=earlier, last_qindex=q, states=COUNTED)
        owed = rollup.mission_expected_frame(world.engine, qindex=q).set_index("mission_id")["expected"]
        owed_before = rollup.mission_expected_frame(world.engine, qindex=earlier).set_index("mission_id")["expected"]
        return rows, int(owed[world.mission_id]), int(owed_before[world.mission_id])

    rows, owed, owed_before = read()
    _close(world)
    _take_state_off_1_1(world)
    now, owed_now, owed_before_now = read()
    one = lambda f: f[f["qindex"] == q].sort_values("objective_id").reset_index(drop=True)  # noqa: E731
    assert one(now).equals(one(rows))  # 1.1 still averages State's 20 with USAID's 80: the record's rows
    assert one(now).set_index("code").loc["1.1", "progress"] == 50
    assert owed_now == owed  # the closed quarter owes what it owed when it closed
    assert owed_before_now == owed_before - 1  # the open quarter before it follows the correction


def test_the_words_for_closed_and_live_figures() -> None:
    from datetime import UTC, datetime

    from dashboard.views import missions

    assert quarter_record.figures_label(QUARTER, None) == "Live figures: FY2026 Q4 is open."
    at = datetime(2026, 11, 12, 15, 4, tzinfo=UTC)
    assert quarter_record.figures_label(QUARTER, at) == "Closed figures, recorded 12 Nov 2026."
    assert quarter_record.figures_label(QUARTER, at.isoformat()) == "Closed figures, recorded 12 Nov 2026."
    assert missions.figures_note(QUARTER, 0, 3).startswith("Live figures")
    assert missions.figures_note(QUARTER, 3, 3).startswith("Closed figures: FY2026 Q4 is closed at every mission")
    assert missions.figures_note(QUARTER, 1, 3).startswith("Closed figures for 1 of 3 missions")
    closable = quarter_record.closable((2022, 2026), date(2026, 11, 23), {QUARTER.index})
    assert closable[0] == FiscalQuarter(2026, 3) and FiscalQuarter(2022, 1) in closable and QUARTER not in closable
    assert quarter_record.closable((2022, 2026), date(2021, 12, 1), set()) == []  # nothing has ended yet


def test_two_closed_quarters_compare_from_their_records_worse_first(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from dashboard.cli import main
    from dashboard.views import quarter_compare

    q3 = FiscalQuarter(2026, 3)
    world.submit(USAID, world.form("1.1", "USAID", quarter=q3, status="On track", progress=60))
    world.submit(USAID, world.form("1.2", "USAID", quarter=q3, status="On track", progress=30))
    _close(world, q3)
    with write_session(world.engine) as session:  # a re-import retitles 1.1 between the two closes
        objective = session.get(Objective, world.objectives["1.1"])
        assert objective is not None
        objective.title = "Retitled objective"
        session.add(objective)
    risky = {"challenges": "Customs delays.", "risk_note": "High risk; weekly reviews."}
    world.submit(USAID, world.form("1.1", "USAID", status="Off track", progress=50, risk_level="High", **risky))
    world.submit(USAID, world.form("1.2", "USAID", status="On track", progress=45))
    _close(world)
    closed = closed_records.closed_quarters(world.engine, world.mission_id)
    rows = quarter_compare.compare(*quarter_compare.records(closed, QUARTER, q3))  # either order
    worse = rows[rows["direction"] == "worse"]
    assert list(rows["direction"])[: len(worse)] == ["worse"] * len(worse)  # worse first
    moved = {(r["code"], r["change"]): (r["before"], r["after"], r["direction"]) for r in rows.to_dict("records")}
    assert moved["1.1", "status"] == ("On track", "Off track", "worse")
    assert moved["1.1", "risk level"] == ("Low", "High", "worse")
    assert moved["1.1", "progress"] == ("60%", "50%", "worse")
    assert moved["1.2", "progress"] == ("30%", "45%", "better")
    assert moved["1.1", "text: title"][1] == "Retitled objective"
    with pytest.raises(quarter_compare.NotComparable, match="FY2026 Q2 is not closed"):
        quarter_compare.records(closed, QUARTER, FiscalQuarter(2026, 2))

    monkeypatch.setenv("DATABASE_URL", world.url)
    assert main(["quarter", "compare", "FY2026Q4", "FY2026Q3", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["from"], document["to"]) == ("FY2026 Q3", "FY2026 Q4")
    assert document["changes"][0]["direction"] == "worse"
    assert main(["quarter", "compare", "FY2026Q4", "FY2026Q2"]) == 1
    assert "FY2026 Q2 is not closed" in capsys.readouterr().err


def test_to_do_lists_and_the_review_queue_leave_out_a_closed_quarter(world: World) -> None:
    from dashboard.domain import reporting
    from dashboard.views import todo

    q3 = FiscalQuarter(2026, 3)
    returned = world.submit(USAID, world.form("1.1", "USAID", quarter=q3))
    world.review(CHAIR1, returned.id, "returned", "Say which firms.")  # type: ignore[arg-type]
    waiting = world.submit(USAID, world.form("1.2", "USAID"))
    expected = queries.expected_frame(world.engine, world.mission_id)
    sent = queries.submissions_frame(world.engine, world.mission_id)
    with read_session(world.engine) as session:
        usaid = acting(session, USAID)

    def lists(closed: frozenset[int]) -> tuple[int, int, int]:
        view = todo.build(usaid, expected, sent, reviewable=None, today=TODAY, due_days=30, quarter=QUARTER,
                          closed=closed)  # fmt: skip
        queue = reporting.to_review(expected, reporting.open_only(sent, closed), None, CHAIR1)
        return len(view.returned), len(view.owed), int((queue["status_update_id"] == waiting.id).sum())

    open_returned, open_owed, open_waiting = lists(frozenset())
    assert (open_returned, open_waiting) == (1, 1) and open_owed > 0
    # FY2026 Q3 closed: its returned update can no longer be fixed, so it is not offered
    assert lists(frozenset({q3.index})) == (0, open_owed, 1)
    # FY2026 Q4 closed too: nothing is owed for it and its update waits for no one
    assert lists(frozenset({q3.index, QUARTER.index})) == (0, 0, 0)


def test_every_mission_s_evidence_reads_a_closed_quarter_from_its_record(world: World) -> None:
    from dashboard.views import evidence

    _report(world, "34")
    _close(world)
    with write_session(world.engine) as session:  # the target is edited after the close
        target = session.exec(select(IndicatorTarget)).one()
        target.value = 40
        session.add(target)
    every = evidence.for_missions(world.engine, QUARTER, states=COUNTED, on_target=0.9)
    document = evidence.status_documents(every)[world.mission_id]
    own = evidence.for_mission(world.engine, world.mission_id, QUARTER, states=COUNTED, on_target=0.9)
    assert document == evidence.status_document(own)
    assert [(row["code"], row["target"]) for row in document["indicators"]] == [("1.1.a", 50.0)]  # as recorded
