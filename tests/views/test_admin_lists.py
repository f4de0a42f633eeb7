"""The Admin page's audit log as people read it: changes, not JSON; and its filter."""

import json
from datetime import datetime

import pytest

from dashboard.views.admin_lists import AuditRow, audit_frame, change_text


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (
            {"role": "contributor", "disabled": False},
            {"role": "chair", "disabled": True},
            "role: contributor → chair\ndisabled: no → yes",
        ),
        ({"agencies": ["DEA", "FAS"]}, {"agencies": ["FAS", "USAID"]}, "agencies: + USAID, − DEA"),
        (
            None,
            {"acronym": "DEA", "name": "Drug Enforcement Administration"},
            "created: acronym: DEA; name: Drug Enforcement Administration",
        ),
        ({"lead": "FAS", "contributing": []}, None, "removed: lead: FAS"),
        ({"lead": None}, {"lead": "DEA"}, "lead: — → DEA"),
        ({"name": "Same"}, {"name": "Same"}, "no change"),
    ],
)
def test_change_text_lists_each_changed_field(before: object, after: object, expected: str) -> None:
    assert change_text(json.dumps(before), json.dumps(after)) == expected


def test_audit_frame_filters_on_who_action_and_change_text() -> None:
    at = datetime(2026, 11, 2, 9, 30)
    rows = [
        AuditRow(at, "admin@example.gov", "add user", "user", "a@example.gov", "null", json.dumps({"role": "viewer"})),
        AuditRow(at, "boss@example.gov", "save agency", "agency", "DEA", "null", json.dumps({"acronym": "DEA"})),
    ]
    assert len(audit_frame(rows)) == 2
    assert audit_frame(rows)["When (UTC)"].tolist() == ["2026-11-02 09:30"] * 2
    assert audit_frame(rows, "BOSS")["Action"].tolist() == ["save agency: DEA"]
    assert audit_frame(rows, "role: viewer")["Who"].tolist() == ["admin@example.gov"]
    assert audit_frame(rows, "  ").shape[0] == 2
    assert audit_frame(rows, "nothing like this").empty
