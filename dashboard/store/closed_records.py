"""The records of closed quarters, and the reads that take a closed quarter from its record.

Closing a mission's quarter stores what its pages, roll-up and brief read for that quarter: the roles in
effect with the strategy's texts as they stood (``expected``), the counted updates (``updates``), the
indicators' evidence, the Missions roll-up's rows, and the headline figures. The record is canonical JSON
(``canonical``) with its SHA-256 beside it. While a quarter is closed, ``expected_frame`` and ``updates_frame``
(``store.queries``) hand out the record's rows for it in place of the live ones, so a re-import that
retitles an objective, a role corrected for every quarter or a change of the counted states leaves the closed
quarter's figures and texts as they were recorded.
"""

import hashlib
import json
import math
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, text

from dashboard.store.database import reading
from models.quarters import quarter_index

FORMAT = 1

# The newest event of each of a mission's quarters, with its record when it is a close.
_NEWEST_SQL = """
    SELECT c.mission_id, c.fiscal_year, c.quarter, c.action, c.at, c.actor, c.snapshot, c.sha256 FROM quarter_close c
    WHERE c.id IN (SELECT MAX(d.id) FROM quarter_close d {where} GROUP BY d.mission_id, d.fiscal_year, d.quarter)
"""


def canonical(record: dict[str, Any]) -> str:
    """The one text a record is hashed and stored as: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest(stored: str) -> str:
    return hashlib.sha256(stored.encode("utf-8")).hexdigest()


def json_value(value: object) -> object:
    """A frame's cell as JSON holds it: NaN as null, numpy scalars as Python numbers, times as ISO text."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()  # type: ignore[union-attr]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def section(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame as JSON-safe columns and rows (NaN as null, times as ISO text)."""
    columns = [str(c) for c in frame.columns]
    rows = [[json_value(v) for v in row] for row in zip(*(frame[c].tolist() for c in frame.columns), strict=True)]
    return {"columns": columns, "rows": rows}


def frame_of(part: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(part["rows"], columns=part["columns"])


def closed(
    source: Engine | Connection, mission_id: int | None = None, quarter: tuple[int, int] | None = None
) -> dict[tuple[int, int], dict[str, Any]]:
    """The closed quarters (``mission_id``'s, else every mission's; only ``quarter``, as (fiscal year, quarter), if
    given) as ``(mission_id, qindex)`` -> the newest close's event and parsed record (``record``)."""
    where: list[str] = []
    params: dict[str, object] = {}
    if mission_id is not None:
        where.append("d.mission_id = :mission_id")
        params["mission_id"] = mission_id
    if quarter is not None:
        where.append("d.fiscal_year = :fiscal_year AND d.quarter = :quarter")
        params |= {"fiscal_year": quarter[0], "quarter": quarter[1]}
    sql = text(_NEWEST_SQL.format(where=f"WHERE {' AND '.join(where)}" if where else ""))
    with reading(source) as connection:
        rows = connection.execute(sql, params).all()
    return {
        (mission, quarter_index(fiscal_year, number)): {
            "at": at, "actor": actor, "sha256": sha, "record": json.loads(snapshot)
        }
        for mission, fiscal_year, number, action, at, actor, snapshot, sha in rows
        if action == "close"
    }  # fmt: skip


def closed_quarters(source: Engine | Connection, mission_id: int) -> dict[int, dict[str, Any]]:
    """One mission's closed quarters by quarter index: the close's ``at``, ``actor``, ``sha256`` and ``record``."""
    return {qindex: found for (_, qindex), found in closed(source, mission_id).items()}


def records_of(source: Engine | Connection, mission_id: int) -> dict[int, dict[str, Any]]:
    """One mission's closed quarters' records by quarter index."""
    return {qindex: found["record"] for qindex, found in closed_quarters(source, mission_id).items()}


def figures_of(record: dict[str, Any]) -> str:
    """The part of a record the Missions roll-up reads (its rows and the owed count), as canonical JSON."""
    return canonical({"rollup": record["rollup"], "expected": record["figures"]["expected"]})


_FIGURES_SQL = """
    SELECT c.mission_id, c.fiscal_year, c.quarter, c.figures, m.bureau FROM quarter_close c
    JOIN mission m ON m.id = c.mission_id
    WHERE c.action = 'close' AND c.id IN (
        SELECT MAX(d.id) FROM quarter_close d GROUP BY d.mission_id, d.fiscal_year, d.quarter){scope}
"""


def closed_figures(connection: Connection, bureau: str | None) -> dict[tuple[int, int], dict[str, Any]]:
    """The roll-up part of every closed quarter's record (one bureau's missions, if given), by (mission, qindex);
    the rows carry the mission's bureau now."""
    scope, params = (" AND m.bureau = :bureau", {"bureau": bureau}) if bureau else ("", {})
    out = {}
    for mission_id, fiscal_year, quarter, figures, now in connection.execute(
        text(_FIGURES_SQL.format(scope=scope)), params
    ):
        part = json.loads(figures)
        part["bureau"] = now
        out[mission_id, quarter_index(fiscal_year, quarter)] = part
    return out


def overlay_expected(frame: pd.DataFrame, records: dict[int, dict[str, Any]]) -> pd.DataFrame:
    """``frame`` (``queries.expected_frame``) with each closed quarter's roles and texts taken from its record:
    live ranges that cover it are cut around it, and the record's rows owe that quarter alone."""
    if not records:
        return frame
    order = list(frame.columns)
    for qindex in sorted(records):
        covers = (frame["from_qindex"] <= qindex) & (frame["until_qindex"] >= qindex)
        before = frame[covers & (frame["from_qindex"] < qindex)].assign(until_qindex=qindex - 1)
        after = frame[covers & (frame["until_qindex"] > qindex)].assign(from_qindex=qindex + 1)
        kept = frame_of(records[qindex]["expected"]).assign(from_qindex=qindex, until_qindex=qindex)
        frame = pd.concat([frame[~covers], before, after, kept[order]], ignore_index=True)
    lead_first = (frame["role"] != "lead").astype(int)
    frame = frame.assign(_lead=lead_first).sort_values(["position", "_lead", "agency", "from_qindex"], kind="stable")
    frame = frame.drop(columns="_lead").reset_index(drop=True)
    for column in ("from_qindex", "until_qindex", "objective_id", "agency_id", "position"):
        frame[column] = frame[column].astype(int)
    return frame


def overlay_updates(
    frame: pd.DataFrame,
    records: dict[int, dict[str, Any]],
    *,
    first_qindex: int | None = None,
    last_qindex: int | None = None,
    objective_id: int | None = None,
    agency_id: int | None = None,
) -> pd.DataFrame:
    """``frame`` (``queries.updates_frame``, its columns and filters) with each closed quarter's counted updates
    taken from its record."""
    wanted = [
        q for q in records if (first_qindex is None or q >= first_qindex) and (last_qindex is None or q <= last_qindex)
    ]
    if not wanted:
        return frame
    parts = [frame[~frame["qindex"].isin(wanted)]]
    times = pd.api.types.is_datetime64_any_dtype(frame["created_at"])  # as the backend hands them out
    for qindex in wanted:
        kept = frame_of(records[qindex]["updates"])
        if objective_id is not None:
            kept = kept[kept["objective_id"] == objective_id]
        if agency_id is not None:
            kept = kept[kept["agency_id"] == agency_id]
        if times:
            kept = kept.assign(created_at=pd.to_datetime(kept["created_at"], utc=True, format="ISO8601"))
        parts.append(kept[list(frame.columns)])
    out = pd.concat([p for p in parts if not p.empty] or [frame.iloc[0:0]], ignore_index=True)
    if not out.empty:
        out["is_demo"] = out["is_demo"].astype(bool)
        for column in ("progress", "id", "objective_id", "agency_id", "fiscal_year", "quarter", "qindex", "revision"):
            out[column] = out[column].astype(int)
    return out.sort_values(["qindex", "objective_id", "agency_id"], kind="stable").reset_index(drop=True)


def as_recorded(
    expected: pd.DataFrame, updates: pd.DataFrame, record: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frames a closed quarter's own figures are computed from, as its record holds them: the quarter and the
    one before it (whose figures its changes since last quarter compare with) as they stood at the close."""
    both = {record["qindex"]: record, record["previous"]["qindex"]: record["previous"]}
    return overlay_expected(expected, both), overlay_updates(updates, both)
