"""What moved between two closed quarters of a mission, read from their records only: each objective's status,
risk level, progress, indicator evidence and texts. Worse changes first; every row names its objective."""

from typing import Any

import pandas as pd

from dashboard.domain import aggregation
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.numbers import half_up
from dashboard.store import closed_records
from models.scales import Rating

COLUMNS = ["code", "title", "change", "before", "after", "direction"]
ORDER = {"worse": 0, "changed": 1, "better": 2}
_RATING = {r.value: i for i, r in enumerate(Rating)}  # declared best first
_SCALES = (("status", "status", aggregation.STATUS_SEVERITY), ("risk_level", "risk level", aggregation.RISK_SEVERITY))
_TEXTS = ("title", "justification", "linkages", "risks")


class NotComparable(ValueError):
    """Two quarters that cannot be compared (one is not closed, or they are the same)."""


def as_of(record: dict[str, Any]) -> pd.DataFrame:
    """The objectives of a closed quarter as its Overview showed them (status, risk, progress), from its record."""
    quarter = FiscalQuarter.of_index(int(record["qindex"]))
    expected = closed_records.frame_of(record["expected"]).assign(from_qindex=quarter.index, until_qindex=quarter.index)
    updates = closed_records.frame_of(record["updates"])
    return aggregation.objectives_as_of(expected, updates, quarter)


def _texts(record: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each objective's texts by code: its title as owed in the quarter, and the strategy's other texts."""
    strategy = closed_records.frame_of(record["strategy"])
    out: dict[str, dict[str, str]] = {}
    for row in strategy.to_dict("records"):
        code = str(row.get("code", ""))
        out[code] = {name: str(row.get(name) or "") for name in _TEXTS if name in row}
    for row in closed_records.frame_of(record["expected"]).to_dict("records"):
        out.setdefault(str(row["code"]), {})["title"] = str(row["objective_title"])
    return out


def _ratings(record: dict[str, Any]) -> dict[str, str]:
    objectives = closed_records.frame_of(record["evidence"]["objectives"])
    return dict(zip(objectives["code"].astype(str), objectives["evidence"].astype(str), strict=True))


def _direction(scale: dict[str, int], before: str, after: str) -> str:
    """Worse when ``after`` is higher on ``scale`` (severity, risk order, ratings declared best first)."""
    if before not in scale or after not in scale:
        return "changed"
    delta = scale[after] - scale[before]
    return "worse" if delta > 0 else "better" if delta < 0 else "changed"


def compare(first: dict[str, Any], second: dict[str, Any]) -> pd.DataFrame:
    """Every change between two closed quarters' records (in either order: the earlier is "before"), worse first."""
    before_record, after_record = sorted((first, second), key=lambda r: int(r["qindex"]))
    before, after = as_of(before_record), as_of(after_record)
    merged = after.merge(before, on="code", how="outer", suffixes=("_after", "_before"))
    rows: list[dict[str, Any]] = []

    def add(code: str, title: str, change: str, old: object, new: object, direction: str) -> None:
        rows.append({"code": code, "title": title, "change": change, "before": str(old), "after": str(new),
                     "direction": direction})  # fmt: skip

    texts_before, texts_after = _texts(before_record), _texts(after_record)
    for row in merged.to_dict("records"):
        code = str(row["code"])
        title = str(row.get("title_after") if isinstance(row.get("title_after"), str) else row.get("title_before"))
        for column, label, scale in _SCALES:
            old, new = row.get(f"{column}_before"), row.get(f"{column}_after")
            if isinstance(old, str) and isinstance(new, str) and old != new:
                add(code, title, label, old, new, _direction(scale, old, new))
        old_p, new_p = half_up(row.get("progress_before")), half_up(row.get("progress_after"))
        if old_p is not None and new_p is not None and old_p != new_p:
            add(code, title, "progress", f"{old_p}%", f"{new_p}%", "better" if new_p > old_p else "worse")
        for name in _TEXTS:
            old_t = texts_before.get(code, {}).get(name, "")
            new_t = texts_after.get(code, {}).get(name, "")
            if old_t != new_t and (old_t or new_t):
                add(code, title, f"text: {name}", old_t, new_t, "changed")
    ratings_before, ratings_after = _ratings(before_record), _ratings(after_record)
    titles = dict(zip(merged["code"].astype(str), merged["title_after"].fillna(merged["title_before"]), strict=True))
    for code in sorted(set(ratings_before) & set(ratings_after)):
        old_r, new_r = ratings_before[code], ratings_after[code]
        if old_r != new_r:
            rated = Rating(old_r).rated and Rating(new_r).rated  # "no data" in a quarter may just not be due
            way = _direction(_RATING, old_r, new_r) if rated else "changed"
            add(code, str(titles.get(code, "")), "indicator evidence", old_r, new_r, way)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame = frame.assign(_order=frame["direction"].map(ORDER)).sort_values(["_order", "code", "change"])
    return frame.drop(columns="_order").reset_index(drop=True)


def sentence(frame: pd.DataFrame, earlier: FiscalQuarter, later: FiscalQuarter) -> str:
    if frame.empty:
        return f"Nothing moved between {earlier.label} and {later.label}: the two records read the same."
    counts = frame["direction"].value_counts()
    parts = [f"{int(counts[d])} {d}" for d in ORDER if d in counts]
    return f"From {earlier.label} to {later.label}: {len(frame)} changes ({', '.join(parts)}), worse first."


def records(
    closed: dict[int, dict[str, Any]], first: FiscalQuarter, second: FiscalQuarter
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two quarters' records (``closed``: the mission's closed quarters by index, as ``closed_records``
    reads them); ``NotComparable`` in one sentence when they are the same or one is not closed."""
    if first == second:
        raise NotComparable(f"Pick two different quarters: both are {first.label}.")
    for quarter in (first, second):
        if quarter.index not in closed:
            raise NotComparable(f"{quarter.label} is not closed: only closed quarters are compared.")
    return closed[first.index]["record"], closed[second.index]["record"]


def document(frame: pd.DataFrame, earlier: FiscalQuarter, later: FiscalQuarter) -> dict[str, Any]:
    """``quarter compare --json``."""
    return {"from": earlier.label, "to": later.label, "changes": frame.to_dict("records")}
