"""Effective-dated roles in the frames, and the sentence Admin shows before a change is saved."""

import pandas as pd
import pytest

from dashboard.domain import effective
from dashboard.domain.fiscal import FiscalQuarter

FIRST = FiscalQuarter(2022, 3)
Q3, Q4 = FiscalQuarter(2026, 3), FiscalQuarter(2026, 4)
OPEN = effective.OPEN_END


def _frame() -> pd.DataFrame:
    # objective 1: FAS leads until FY2026 Q2 (index 8105), then contributes; DEA leads from FY2026 Q3 (8106)
    return pd.DataFrame(
        {
            "objective_id": [1, 1, 1],
            "agency_id": [10, 10, 20],
            "agency": ["FAS", "FAS", "DEA"],
            "role": ["lead", "contributing", "lead"],
            "from_qindex": [0, 8106, 8106],
            "until_qindex": [8105, OPEN, OPEN],
        }
    )


def test_in_effect_keeps_the_rows_of_the_quarter() -> None:
    frame = _frame()
    assert list(effective.in_effect(frame, FiscalQuarter(2026, 2))["role"]) == ["lead"]
    assert list(effective.in_effect(frame, Q3)[["agency", "role"]].itertuples(index=False, name=None)) == [
        ("FAS", "contributing"),
        ("DEA", "lead"),
    ]
    # a frame without ranges (nothing was ever dated) is used as it is
    plain = frame.drop(columns=["from_qindex", "until_qindex"])
    assert effective.in_effect(plain, Q3) is plain


def test_latest_and_attach_give_each_row_once() -> None:
    frame = _frame()
    assert list(effective.latest(frame)[["agency", "role"]].itertuples(index=False, name=None)) == [
        ("FAS", "contributing"),
        ("DEA", "lead"),
    ]
    rows = pd.DataFrame({"objective_id": [1, 1, 1], "agency_id": [10, 10, 30], "qindex": [8100, 8107, 8107]})
    out = effective.attach(rows, frame, ["role"])
    assert len(out) == 3
    assert list(out["role"].fillna("")) == ["lead", "contributing", ""]
    assert list(effective.in_effect_for_rows(rows, frame)) == [True, True, False]


@pytest.mark.parametrize(
    ("before", "after", "when", "sentence"),
    [
        (
            ("FAS", []),
            ("DEA", []),
            FiscalQuarter(2027, 1),
            "From FY2027 Q1, DEA becomes lead and FAS stops reporting on 1.1; FY2022 Q3–FY2026 Q4 keep FAS as lead.",
        ),
        (
            ("USAID", ["FAS", "FCS", "State"]),
            ("USAID", ["FCS", "State", "DEA"]),
            Q3,
            "From FY2026 Q3, DEA starts contributing and FAS stops reporting on 1.1; "
            "FY2022 Q3–FY2026 Q2 keep FAS contributing.",
        ),
        (
            ("USAID", ["State"]),
            ("State", ["USAID"]),
            Q4,
            "From FY2026 Q4, State becomes lead and USAID becomes contributing on 1.1; "
            "FY2022 Q3–FY2026 Q3 keep USAID as lead and State contributing.",
        ),
        (
            ("USAID", []),
            ("USAID", ["DEA"]),
            FiscalQuarter(2022, 4),
            "From FY2022 Q4, DEA starts contributing on 1.1; FY2022 Q3 stay as they were.",
        ),
        (
            ("USAID", ["State"]),
            (None, ["State"]),
            Q4,
            "From FY2026 Q4, USAID stops reporting and no agency is lead on 1.1; "
            "FY2022 Q3–FY2026 Q3 keep USAID as lead.",
        ),
        (
            ("FAS", []),
            ("DEA", []),
            None,
            "From FY2022 Q3, the first reporting quarter, DEA becomes lead and FAS stops reporting on 1.1; "
            "every quarter's expected and missing figures change.",
        ),
        (("USAID", ["State"]), ("USAID", ["State", "USAID"]), Q4, "Nothing changes on 1.1."),
    ],
)
def test_the_agency_change_sentence(
    before: tuple[str | None, list[str]], after: tuple[str | None, list[str]], when: FiscalQuarter | None, sentence: str
) -> None:
    assert (
        effective.describe_agency_change(
            code="1.1",
            before_lead=before[0],
            before_contributing=before[1],
            after_lead=after[0],
            after_contributing=after[1],
            effective=when,
            first=FIRST,
        )
        == sentence
    )


@pytest.mark.parametrize(
    ("after", "when", "sentence"),
    [
        (
            ["1.1", "1.2"],
            Q4,
            "From FY2026 Q4, Goal 1 stops covering 1.3; FY2022 Q3–FY2026 Q3 keep 1.3 in Goal 1.",
        ),
        (
            ["1.1", "1.2", "2.1"],
            FIRST,
            "From FY2022 Q3, the first reporting quarter, Goal 1 covers 2.1 and stops covering 1.3; "
            "every quarter's expected and missing figures change.",
        ),
        (["1.1", "1.2", "1.3", "M1"], Q3, "From FY2026 Q3, Goal 1 covers M1; FY2022 Q3–FY2026 Q2 stay as they were."),
        (["1.3", "1.2", "1.1"], Q3, "Goal 1 keeps the same objectives."),
    ],
)
def test_the_working_group_change_sentence(after: list[str], when: FiscalQuarter | None, sentence: str) -> None:
    text = effective.describe_group_change(
        name="Goal 1", before=["1.1", "1.2", "1.3"], after=after, effective=when, first=FIRST
    )
    assert text == sentence
