"""Effective-dated roles: which (objective, agency) pairs and working groups hold in which quarter.

An objective's agencies and a working group's objectives change from a chosen quarter on, so the
expected-updates frame carries each row's range: ``from_qindex`` and ``until_qindex``, both inclusive
FiscalQuarter.index values (``SINCE_THE_BEGINNING`` and ``OPEN_END`` when unbounded). Every figure for
a quarter counts only the rows in effect in that quarter, so a change never rewrites past quarters.
Frames without these columns (nothing was ever dated) are used as they are.
"""

from collections.abc import Sequence

import pandas as pd

from dashboard.domain.fiscal import FiscalQuarter
from models.tables import OPEN_END, SINCE_THE_BEGINNING

__all__ = ["OPEN_END", "SINCE_THE_BEGINNING", "attach", "in_effect", "latest"]
PAIR = ["objective_id", "agency_id"]


def dated(frame: pd.DataFrame) -> bool:
    return "from_qindex" in frame.columns and "until_qindex" in frame.columns


def in_effect(expected: pd.DataFrame, quarter: FiscalQuarter) -> pd.DataFrame:
    """The rows of ``expected`` in effect in ``quarter``."""
    if not dated(expected):
        return expected
    q = quarter.index
    return expected[(expected["from_qindex"] <= q) & (expected["until_qindex"] >= q)]


def latest(expected: pd.DataFrame) -> pd.DataFrame:
    """One row per (objective, agency) pair: its latest range (for names and roles shown without a quarter)."""
    if not dated(expected) or expected.empty:
        return expected
    ordered = expected.sort_values("from_qindex", kind="stable")
    keep = ~ordered.duplicated(PAIR, keep="last")
    return expected[keep.reindex(expected.index)]


def in_effect_for_rows(rows: pd.DataFrame, expected: pd.DataFrame, quarter_column: str = "qindex") -> pd.Series:
    """True for each row (with objective_id, agency_id and ``quarter_column``) whose pair held in its quarter."""
    if not dated(expected) or rows.empty:
        keys = set(zip(expected["objective_id"], expected["agency_id"], strict=True))
        return pd.Series([k in keys for k in zip(rows["objective_id"], rows["agency_id"], strict=True)], rows.index)
    ranges = expected[[*PAIR, "from_qindex", "until_qindex"]]
    merged = rows[[*PAIR, quarter_column]].reset_index().merge(ranges, on=PAIR, how="inner")
    hit = merged[(merged["from_qindex"] <= merged[quarter_column]) & (merged["until_qindex"] >= merged[quarter_column])]
    return pd.Series(rows.index.isin(hit["index"]), index=rows.index)


def attach(
    rows: pd.DataFrame, expected: pd.DataFrame, columns: Sequence[str], quarter_column: str = "qindex"
) -> pd.DataFrame:
    """``rows`` (left join, each row once) with ``columns`` of the expected row holding in the row's quarter.

    A row whose pair did not hold in its quarter takes the pair's latest row, so names are never lost.
    """
    wanted = [c for c in dict.fromkeys([*PAIR, *columns])]
    if not dated(expected):
        return rows.merge(expected[wanted].drop_duplicates(PAIR), on=PAIR, how="left")
    extra = [c for c in ("from_qindex", "until_qindex") if c not in wanted]
    numbered = rows.assign(_row=range(len(rows)))
    merged = numbered.merge(expected[[*wanted, *extra]], on=PAIR, how="left")
    q = merged[quarter_column]
    merged["_held"] = (merged["from_qindex"] <= q) & (merged["until_qindex"] >= q)
    merged = merged.sort_values(["_row", "_held", "from_qindex"], ascending=[True, False, False], kind="stable")
    merged = merged.drop_duplicates("_row").sort_values("_row")
    merged.index = rows.index
    return merged.drop(columns=["_row", "_held", *extra])


def span(first: FiscalQuarter, last: FiscalQuarter) -> str:
    return first.label if first == last else f"{first.label}–{last.label}"


def _names(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _opening(effective: FiscalQuarter | None, first: FiscalQuarter) -> tuple[str, str | None]:
    """The sentence's opening, and the span of earlier quarters that keep the old arrangement (None if none)."""
    if effective is None or effective <= first:
        return f"From {first.label}, the first reporting quarter", None
    return f"From {effective.label}", span(first, effective.previous())


REWRITES_ALL = "every quarter's expected and missing figures change."


def describe_agency_change(
    *,
    code: str,
    before_lead: str | None,
    before_contributing: Sequence[str],
    after_lead: str | None,
    after_contributing: Sequence[str],
    effective: FiscalQuarter | None,
    first: FiscalQuarter,
) -> str:
    """One sentence saying what saving an objective's agencies will do, and which quarters keep the old ones.

    ``effective`` None means "every quarter"; ``first`` is the mission's first reporting quarter.
    """
    # lead first, then contributors in the order given
    before = ({before_lead: "lead"} if before_lead else {}) | {
        a: "contributing" for a in before_contributing if a != before_lead
    }
    after = ({after_lead: "lead"} if after_lead else {}) | {
        a: "contributing" for a in after_contributing if a != after_lead
    }
    if before == after:
        return f"Nothing changes on {code}."
    changes = []
    for agency, role in after.items():
        if agency not in before:
            changes.append(f"{agency} becomes lead" if role == "lead" else f"{agency} starts contributing")
        elif before[agency] != role:
            changes.append(f"{agency} becomes {role}")
    changes += [f"{agency} stops reporting" for agency in before if agency not in after]
    if before_lead and not after_lead:
        changes.append("no agency is lead")
    opening, earlier = _opening(effective, first)
    if earlier is None:
        return f"{opening}, {_names(changes)} on {code}; {REWRITES_ALL}"
    old = [
        f"{agency} as lead" if role == "lead" else f"{agency} contributing"
        for agency, role in before.items()
        if after.get(agency) != role
    ]
    tail = f"{earlier} keep {_names(old)}." if old else f"{earlier} stay as they were."
    return f"{opening}, {_names(changes)} on {code}; {tail}"


def describe_group_change(
    *,
    name: str,
    before: Sequence[str],
    after: Sequence[str],
    effective: FiscalQuarter | None,
    first: FiscalQuarter,
) -> str:
    """One sentence saying which objectives a working group takes on and gives up, and from when."""
    added = [c for c in after if c not in before]
    dropped = [c for c in before if c not in after]
    if not added and not dropped:
        return f"{name} keeps the same objectives."
    parts = ([f"covers {_names(added)}"] if added else []) + ([f"stops covering {_names(dropped)}"] if dropped else [])
    opening, earlier = _opening(effective, first)
    if earlier is None:
        return f"{opening}, {name} {' and '.join(parts)}; {REWRITES_ALL}"
    tail = f"{earlier} keep {_names(dropped)} in {name}." if dropped else f"{earlier} stay as they were."
    return f"{opening}, {name} {' and '.join(parts)}; {tail}"
