"""The records of one quarter for many missions at once (``quarter close --all-missions``).

Each kind of row is read once for every mission (``store.quarter_reads``) and the records are worked out over
plain rows, mission by mission, without a frame per mission. Each record is the one ``quarter_record.build``
makes for that mission alone, to the byte: every section's cells are written as a frame of that mission's rows
would write them (a column of whole numbers with a gap in it is a column of floats, as pandas reads it).
"""

import functools
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from dashboard.domain import evidence as evidence_rules
from dashboard.domain.aggregation import HIGH_RISK, NO_UPDATE
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.settings import Settings
from dashboard.store import closed_records, indicators, quarter_reads, rollup
from dashboard.store.queries import EXPECTED_COLUMNS, STRATEGY_COLUMNS, _group_spans
from models.scales import STATUS_LEVELS, AgencyRole, combine_risk, combine_status
from models.tables import OPEN_END

Row = tuple[Any, ...]
NONE = type(None)
PLAIN = {int, str, bool, NONE}
EXPECTED_KEPT = EXPECTED_COLUMNS[:-2]  # without from_qindex and until_qindex
UPDATE_FIELDS = quarter_reads.UPDATE_FIELDS
_U = {name: i for i, name in enumerate(UPDATE_FIELDS)}


def _column(values: Sequence[Any], kinds: set[type]) -> list[Any] | None:
    """One column's cells as ``closed_records.section`` writes a frame's, or None when they are written as they
    are: ``kinds`` are the types of the whole frame's column (whole numbers with a gap, or with fractions, are
    floats; NaN is null)."""
    if float in kinds or (int in kinds and NONE in kinds):
        if kinds == {float} and all(v == v for v in values):
            return None
        return [None if v is None or v != v else float(v) for v in values]
    if kinds <= PLAIN:
        return None
    return [closed_records.json_value(v) for v in values]


def section(columns: Sequence[str], rows: Sequence[Row], frame: Sequence[Row] | None = None) -> dict[str, Any]:
    """``closed_records.section`` of the frame holding ``rows`` (or of ``frame``, whose part ``rows`` are: its
    columns' types are the frame's)."""
    whole = list(zip(*frame, strict=True)) if frame else []
    cells, changed = [], False
    for i, values in enumerate(zip(*rows, strict=True)):
        written = _column(values, set(map(type, whole[i] if whole else values)))
        changed |= written is not None
        cells.append(values if written is None else written)
    out = list(map(list, zip(*cells, strict=True) if changed else rows))
    return {"columns": list(columns), "rows": out}


def _by_mission(rows: Iterable[Row]) -> dict[int, list[Row]]:
    """Rows whose first cell is their mission, by mission, without it."""
    out: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row[1:])
    return out


@dataclass
class Reads:
    """Every mission's rows, each kind read once."""

    missions: dict[int, Row]  # id -> (country, post, bureau, strategy_start, strategy_end)
    expected: dict[int, list[Row]]  # EXPECTED_COLUMNS, every range (as ``queries.expected_frame``)
    closed: dict[int, set[int]]  # the quarters closed now
    previous: dict[int, dict[str, Any]]  # the record of the quarter before, where it is closed
    updates: dict[int, list[Row]]  # UPDATE_FIELDS of the quarter and the one before
    rollup: dict[int, list[Row]]
    sheets: list[Row]
    targets: list[Row]
    actuals: list[Row]
    strategy: dict[int, list[Row]]
    drafts: dict[int, int]


def _expected(pairs: list[Row], groups: list[Row]) -> dict[int, list[Row]]:
    """``queries.expected_frame``'s rows (before closed quarters are laid over them), by mission."""
    spans: dict[int, list[tuple[int, str, int, int]]] = {}
    for objective_id, group_id, name, start, until in groups:
        spans.setdefault(objective_id, []).append((group_id, name, start, OPEN_END if until is None else until))
    out: dict[int, list[Row]] = defaultdict(list)
    for mission_id, objective_id, *pair, start, until in pairs:
        for first, last, group_id, name in _spans(spans.get(objective_id, []), start, until):
            group = "(no working group)" if name is None else name
            out[mission_id].append((objective_id, *pair, group_id, group, first, last))
    return out


def _spans(groups: list[tuple[int, str, int, int]], start: int, end: int) -> list[tuple[int, int, Any, Any]]:
    """``queries._group_spans``, without its work in the usual cases: no group, or one group covering it all."""
    if not groups:
        return [(start, end, None, None)]
    if len(groups) == 1 and groups[0][2] <= start and groups[0][3] >= end:
        return [(start, end, groups[0][0], groups[0][1])]
    return _group_spans(groups, start, end)


def read(connection: Connection, ids: Sequence[int], quarter: FiscalQuarter, states: tuple[str, ...]) -> Reads:
    previous = quarter.previous()
    closed: dict[int, set[int]] = defaultdict(set)
    for mission_id, qindex, action in quarter_reads.closed_events(connection, ids):
        if action == "close":
            closed[mission_id].add(int(qindex))
    records = closed_records.closed(connection, quarter=(previous.fiscal_year, previous.quarter))
    wanted = set(ids)
    return Reads(
        missions={row[0]: row[1:] for row in quarter_reads.missions(connection, ids)},
        expected=_expected(quarter_reads.owed_pairs(connection, ids), quarter_reads.group_rows(connection, ids)),
        closed=closed,
        previous={m: found["record"] for (m, _), found in records.items() if m in wanted},
        updates=_by_mission(quarter_reads.updates(connection, ids, previous.index, quarter.index, states)),
        rollup=_by_mission((row[0], *row) for row in quarter_reads.rollup_rows(connection, ids, quarter.index, states)),
        sheets=quarter_reads.sheets(connection, ids),
        targets=quarter_reads.targets(connection, ids),
        actuals=quarter_reads.actuals(connection, ids, states, (quarter.fiscal_year, quarter.quarter)),
        strategy=_by_mission(quarter_reads.strategy(connection, ids)),
        drafts=quarter_reads.drafts(connection, ids, (quarter.fiscal_year, quarter.quarter)),
    )


_E = {name: i for i, name in enumerate(EXPECTED_COLUMNS)}
_LEAD = AgencyRole.LEAD.value


def _laid_over(rows: list[Row]) -> list[Row]:
    """``closed_records.overlay_expected``'s order: by position, lead first, agency, first quarter."""
    return sorted(rows, key=lambda r: (r[_E["position"]], r[_E["role"]] != _LEAD, r[_E["agency"]], r[-2]))


def _expected_sections(reads: Reads, mission_id: int, quarter: FiscalQuarter) -> tuple[dict, dict, list[Row]]:
    """The ``expected`` sections of the quarter and the one before, and the quarter's rows in effect."""
    rows = reads.expected.get(mission_id, [])
    previous = quarter.previous()
    laid = bool(reads.closed.get(mission_id))
    if laid:
        rows = _laid_over(rows)
    now = [r for r in rows if r[-2] <= quarter.index <= r[-1]]
    before = [r for r in rows if r[-2] <= previous.index <= r[-1]]
    frame = rows
    record = reads.previous.get(mission_id)
    if record is not None:  # the quarter before is closed: its roles are its record's
        kept = [(*r, previous.index, previous.index) for r in record["expected"]["rows"]]
        before = _laid_over(kept)
        frame = [r for r in rows if not r[-2] == r[-1] == previous.index] + kept
    cut = [r[:-2] for r in now], [r[:-2] for r in before], [r[:-2] for r in frame]
    return section(EXPECTED_KEPT, cut[0], cut[2]), section(EXPECTED_KEPT, cut[1], cut[2]), now


def _typed_updates(rows: list[Row]) -> list[Row]:
    """As ``queries.updates_frame`` types them: progress a whole number, ``is_demo`` a bool."""
    p, d = _U["progress"], _U["is_demo"]
    return [(*r[:p], int(r[p]), *r[p + 1 : d], bool(r[d]), *r[d + 1 :]) for r in rows]


def _recorded_updates(record: dict[str, Any], times: bool) -> list[Row]:
    """A closed quarter's updates as ``closed_records.overlay_updates`` hands them out."""
    columns = record["updates"]["columns"]
    at = columns.index("created_at")
    out = []
    for row in record["updates"]["rows"]:
        cells = dict(zip(columns, row, strict=True))
        if times:
            cells["created_at"] = pd.to_datetime(row[at], utc=True, format="ISO8601")
        out.append(tuple(cells[c] for c in UPDATE_FIELDS))
    key = (_U["qindex"], _U["objective_id"], _U["agency_id"])
    return _typed_updates(sorted(out, key=lambda r: tuple(int(r[k]) for k in key)))


def _update_rows(reads: Reads, mission_id: int, quarter: FiscalQuarter) -> tuple[list[Row], list[Row]]:
    """The quarter's counted updates and the quarter before's (from its record where it is closed)."""
    rows = _typed_updates(reads.updates.get(mission_id, []))
    q = _U["qindex"]
    now = [r for r in rows if r[q] == quarter.index]
    before = [r for r in rows if r[q] == quarter.previous().index]
    record = reads.previous.get(mission_id)
    if record is not None:
        times = bool(before) and not isinstance(before[0][_U["created_at"]], str)
        before = _recorded_updates(record, times)
    return now, before


@functools.cache
def _combined(rule: Callable[[Iterable[str]], str], values: frozenset[str]) -> str:
    """``combine_status`` or ``combine_risk`` of a set of values (both depend on the set alone)."""
    return rule(values)


def _as_of(now: list[Row], updates: list[Row]) -> list[dict[str, Any]]:
    """``aggregation.objectives_as_of``'s rows, in position order."""
    oid, position = _E["objective_id"], _E["position"]
    objectives: dict[int, dict[str, Any]] = {}
    for r in now:
        found = objectives.get(r[oid])
        if found is None:
            objectives[r[oid]] = {"objective_id": r[oid], "position": r[position], "expected": 1}
        else:
            found["expected"] += 1
    uid, status, progress, risk = _U["objective_id"], _U["status"], _U["progress"], _U["risk_level"]
    reports: dict[int, list[Row]] = defaultdict(list)
    for u in updates:
        reports[u[uid]].append(u)
    for objective_id, found in objectives.items():
        part = reports.get(objective_id)
        if part:
            found["status"] = _combined(combine_status, frozenset([u[status] for u in part]))
            found["progress"] = sum([u[progress] for u in part]) / len(part)
            found["risk_level"] = _combined(combine_risk, frozenset([u[risk] for u in part]))
        else:
            found |= {"status": NO_UPDATE, "progress": None, "risk_level": None}
    return sorted(objectives.values(), key=lambda o: o["position"])


def _figures(as_of: list[dict[str, Any]], now: list[Row], updates: list[Row], drafts: int) -> dict[str, Any]:
    """``aggregation.headline``'s figures."""
    progress = [o["progress"] for o in as_of if o["progress"] is not None]
    sent = {(u[_U["objective_id"]], u[_U["agency_id"]]) for u in updates}
    return {
        "status_counts": {status: sum(o["status"] == status for o in as_of) for status in STATUS_LEVELS},
        # the same arithmetic as pandas' mean: numpy's sum of the floats, divided by their count
        "mean_progress": float(np.asarray(progress, dtype=np.float64).sum() / len(progress)) if progress else None,
        "high_risk": sum(o["risk_level"] in HIGH_RISK for o in as_of),
        "received": sum((r[_E["objective_id"]], r[_E["agency_id"]]) in sent for r in now),
        "expected": len(now),
        "objectives": len(as_of),
        "drafts_left_out": drafts,
    }


def _evidence(reads: Reads, quarter: FiscalQuarter, status: dict[int, str], on_target: float) -> dict[int, Any]:
    """Every mission's evidence sections, rated in one pass as ``evidence.for_missions`` does."""
    sheets = pd.DataFrame(reads.sheets, columns=indicators.SHEET_COLUMNS)
    targets = pd.DataFrame([r[1:] for r in reads.targets], columns=["indicator_id", "fiscal_year", "quarter", "value"])
    actuals = pd.DataFrame(reads.actuals, columns=indicators.ACTUAL_COLUMNS)
    found = evidence_rules.indicator_rows(sheets, targets, actuals, quarter, on_target)
    as_of = pd.DataFrame({"objective_id": list(status), "status": list(status.values())})
    objectives = evidence_rules.objective_rows(found, as_of, on_target)
    missions = sheets["mission_id"].tolist()
    of_objective = dict(zip(sheets["objective_id"].tolist(), missions, strict=True))
    out: dict[int, Any] = defaultdict(lambda: {"indicators": [], "objectives": []})
    for mission_id, row in zip(missions, zip(*(found[c].tolist() for c in found.columns), strict=True), strict=True):
        out[mission_id]["indicators"].append(row)
    for row in zip(*(objectives[c].tolist() for c in objectives.columns), strict=True):
        out[of_objective[row[0]]]["objectives"].append(row)
    for mission_id, [sheet_rows, target_rows] in _sheets_by_mission(reads).items():
        out[mission_id]["sheets"], out[mission_id]["targets"] = sheet_rows, target_rows
    return out


def _sheets_by_mission(reads: Reads) -> dict[int, list[list[Row]]]:
    out: dict[int, list[list[Row]]] = defaultdict(lambda: [[], []])
    for row in reads.sheets:
        out[row[-1]][0].append(row)
    for row in reads.targets:
        out[row[0]][1].append(row[1:])
    return out


def build_many(
    connection: Connection, mission_ids: Sequence[int], quarter: FiscalQuarter, *, states: tuple[str, ...],
    on_target: float,
) -> dict[int, dict[str, Any]]:  # fmt: skip
    """The record of ``quarter`` for each of ``mission_ids`` as it stands now: for each mission, what
    ``quarter_record.build`` makes for it alone."""
    ids = sorted(set(mission_ids))
    if not ids:
        return {}
    # Hundreds of thousands of small tuples and lists that hold no cycles: the cyclic collector's passes over
    # them, while they are made, would cost about as much as making them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(connection, ids, quarter, states, on_target)
    finally:
        if collecting:
            gc.enable()


def _build(
    connection: Connection, ids: list[int], quarter: FiscalQuarter, states: tuple[str, ...], on_target: float
) -> dict[int, dict[str, Any]]:
    reads = read(connection, ids, quarter, states)
    parts, status = {}, {}
    for mission_id in ids:
        expected_now, expected_before, now = _expected_sections(reads, mission_id, quarter)
        updates, before = _update_rows(reads, mission_id, quarter)
        as_of = _as_of(now, updates)
        status |= {o["objective_id"]: o["status"] for o in as_of}
        parts[mission_id] = (expected_now, expected_before, now, updates, before, as_of)
    found = _evidence(reads, quarter, status, on_target)
    return {m: _record(reads, m, quarter, states, parts[m], found[m]) for m in ids}


def _record(
    reads: Reads, mission_id: int, quarter: FiscalQuarter, states: tuple[str, ...], part: tuple, found: dict
) -> dict[str, Any]:
    expected_now, expected_before, now, updates, before, as_of = part
    country, post, bureau, *_ = reads.missions[mission_id]
    columns = [indicators.SHEET_COLUMNS, ["indicator_id", "fiscal_year", "quarter", "value"]]
    return {
        "format": closed_records.FORMAT,
        "mission": {"id": mission_id, "country": country, "post": post, "bureau": bureau},
        "quarter": quarter.label,
        "qindex": quarter.index,
        "counted_states": list(states),
        "expected": expected_now,
        "updates": section(UPDATE_FIELDS, updates),
        "previous": {
            "qindex": quarter.previous().index,
            "expected": expected_before,
            "updates": section(UPDATE_FIELDS, before),
        },
        "strategy": section(STRATEGY_COLUMNS, reads.strategy.get(mission_id, [])),
        "figures": _figures(as_of, now, updates, reads.drafts.get(mission_id, 0)),
        "evidence": {
            "indicators": section(evidence_rules.INDICATOR_COLUMNS, found["indicators"]),
            "objectives": section(evidence_rules.OBJECTIVE_COLUMNS, found["objectives"]),
        },
        "indicator_sheets": section(columns[0], found.get("sheets", [])),
        "indicator_targets": section(columns[1], found.get("targets", [])),
        "rollup": section(rollup.OBJECTIVE_QUARTER_COLUMNS, _typed_rollup(reads.rollup.get(mission_id, []))),
    }


def _typed_rollup(rows: list[Row]) -> list[Row]:
    """As ``rollup.objective_quarters_frame`` types them: reports whole, progress a float."""
    p, n = rollup.OBJECTIVE_QUARTER_COLUMNS.index("progress"), rollup.OBJECTIVE_QUARTER_COLUMNS.index("reports")
    return [tuple(int(v) if i == n else float(v) if i == p else v for i, v in enumerate(r)) for r in rows]


def reader(quarter: FiscalQuarter, settings: Settings) -> Callable[[Connection, list[int]], dict[int, dict[str, Any]]]:
    """What ``services.quarters.close_many`` calls to read the records inside its own transaction, with the
    deployment's counted states and on-target share."""

    def read_all(connection: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
        return build_many(
            connection, ids, quarter, states=settings.counted_states, on_target=settings.indicator_on_target
        )

    return read_all
