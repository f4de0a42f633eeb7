"""When each reminder goes out: the stage a day calls for, and what is still to come for a mission (Admin's
"Coming next"). FY2026 Q4 updates fall due on 30 Oct 2026."""

from datetime import UTC, date, datetime

import pandas as pd

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.notices import Clock, Rules, owed_stage, upcoming
from dashboard.views.outbox import upcoming_table

DUE = date(2026, 10, 30)
RULES = Rules()


def _clock(day: date, hour: int = 9) -> Clock:
    local = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return Clock(1, "Peru (Embassy Lima)", local, hour >= 8, FiscalQuarter(2026, 4), DUE)


def test_each_day_calls_for_its_stage() -> None:
    days = {
        date(2026, 10, 22): None,
        date(2026, 10, 23): ("due-soon", "soon"),
        date(2026, 10, 29): ("due-soon", "soon"),
        date(2026, 10, 30): ("due-today", "today"),
        date(2026, 10, 31): ("overdue", "overdue-1"),
        date(2026, 11, 6): ("overdue", "overdue-1"),
        date(2026, 11, 7): ("overdue", "overdue-2"),
        date(2026, 11, 21): ("overdue", "overdue-4"),
        date(2026, 11, 28): None,  # past the fourth
    }
    assert {day: owed_stage(day, DUE, RULES) for day in days} == days


def test_what_is_still_to_come_after_a_day() -> None:
    assert upcoming(_clock(date(2026, 10, 20)), RULES) == [
        (date(2026, 10, 23), "Due soon"),
        (date(2026, 10, 30), "Due today"),
        (date(2026, 10, 31), "Overdue 1 of 4"),
        (date(2026, 11, 7), "Overdue 2 of 4"),
        (date(2026, 11, 13), "Escalation to chairs"),
        (date(2026, 11, 14), "Overdue 3 of 4"),
        (date(2026, 11, 21), "Overdue 4 of 4"),
    ]
    # before the sending hour, today's own reminder is still to come
    assert upcoming(_clock(date(2026, 10, 30), hour=7), RULES)[0] == (date(2026, 10, 30), "Due today")
    assert upcoming(_clock(date(2026, 10, 30)), RULES)[0] == (date(2026, 10, 31), "Overdue 1 of 4")
    assert upcoming(_clock(date(2026, 12, 1)), RULES) == []


def test_admin_reads_the_next_reminder_per_mission() -> None:
    table = upcoming_table({1: _clock(date(2026, 11, 1)), 2: _clock(date(2026, 12, 20))}, RULES)
    assert table.to_dict("records") == [
        {"Mission": "Peru (Embassy Lima)", "Quarter": "FY2026 Q4", "Due": "30 Oct 2026", "Next": "Overdue 2 of 4",
         "On": "7 Nov 2026"},
        {"Mission": "Peru (Embassy Lima)", "Quarter": "FY2026 Q4", "Due": "30 Oct 2026",
         "Next": "None left this quarter", "On": ""},
    ]  # fmt: skip
    assert isinstance(table, pd.DataFrame)
