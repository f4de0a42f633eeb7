"""A mission's evidence in a quarter, as every page, export and the command line read it (one computation)."""

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from dashboard.domain import aggregation, evidence
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.numbers import percent
from dashboard.store import closed_records, indicators, queries, rollup
from dashboard.views import charts
from dashboard.views.charts import Chart
from models.scales import Direction, NoStatus, Rating


@dataclass(frozen=True)
class Evidence:
    quarter: FiscalQuarter
    indicators: pd.DataFrame  # evidence.INDICATOR_COLUMNS
    objectives: pd.DataFrame  # evidence.OBJECTIVE_COLUMNS

    @property
    def disagreements(self) -> pd.DataFrame:
        # As booleans: a mission without indicators has an empty column of objects, which pandas would read as
        # a list of column names and return a frame without any.
        return self.objectives[self.objectives["disagrees"].astype(bool)]


def build(
    *,
    sheets: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    expected: pd.DataFrame,
    updates: pd.DataFrame,
    quarter: FiscalQuarter,
    on_target: float,
) -> Evidence:
    rows = evidence.indicator_rows(sheets, targets, actuals, quarter, on_target)
    as_of = aggregation.objectives_as_of(expected, updates, quarter)
    return Evidence(quarter, rows, evidence.objective_rows(rows, as_of, on_target))


def recorded(record: dict[str, Any], quarter: FiscalQuarter) -> Evidence:
    """The evidence a closed quarter's record holds (``views.quarter_record``)."""
    part = record["evidence"]
    indicators = closed_records.frame_of(part["indicators"]).reindex(columns=evidence.INDICATOR_COLUMNS)
    objectives = closed_records.frame_of(part["objectives"]).reindex(columns=evidence.OBJECTIVE_COLUMNS)
    objectives["disagrees"] = objectives["disagrees"].astype(bool)
    return Evidence(quarter, indicators, objectives)


def for_mission(
    engine: Engine, mission_id: int, quarter: FiscalQuarter, *, states: tuple[str, ...], on_target: float
) -> Evidence:
    """Read and compute (the command line; pages go through the shared caches); a closed quarter's evidence is
    its record's."""
    record = closed_records.records_of(engine, mission_id).get(quarter.index)
    if record is not None:
        return recorded(record, quarter)
    return build(
        sheets=indicators.sheets_frame(engine, mission_id),
        targets=indicators.targets_frame(engine, mission_id),
        actuals=indicators.actuals_frame(engine, mission_id, states),
        expected=queries.expected_frame(engine, mission_id),
        updates=queries.updates_frame(engine, mission_id, states=states),
        quarter=quarter,
        on_target=on_target,
    )


def build_many(
    *,
    sheets: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    statuses: pd.DataFrame,
    quarter: FiscalQuarter,
    on_target: float,
) -> Evidence:
    """Every mission's evidence in one pass: ``sheets`` of many missions (with ``mission_id``), and ``statuses``
    the combined status of each objective with reports in ``quarter`` (``store.rollup.objective_quarters_frame``;
    the Overview's rule, grouped in the database). Both frames of the result carry ``mission_id``."""
    rows = evidence.indicator_rows(sheets, targets, actuals, quarter, on_target)
    rows["mission_id"] = sheets["mission_id"].to_numpy()  # one row per sheet, in the sheets' order
    as_of = pd.DataFrame({"objective_id": rows["objective_id"].unique()})
    as_of = as_of.merge(statuses[["objective_id", "status"]], on="objective_id", how="left")
    as_of["status"] = as_of["status"].fillna(NoStatus.NO_UPDATE.value)  # in scope, nothing reported: as the Overview
    objectives = evidence.objective_rows(rows, as_of, on_target)
    mission_of = dict(zip(rows["objective_id"].tolist(), rows["mission_id"].tolist(), strict=True))
    objectives["mission_id"] = [mission_of[o] for o in objectives["objective_id"].tolist()]
    return Evidence(quarter, rows, objectives)


def for_missions(
    engine: Engine,
    quarter: FiscalQuarter,
    *,
    states: tuple[str, ...],
    on_target: float,
    bureau: str | None = None,
    statuses: pd.DataFrame | None = None,
) -> Evidence:
    """Every mission's (or one bureau's) evidence from one read of each kind (``indicators status`` without
    ``--mission``, and the Missions page, which passes the ``statuses`` it already has)."""
    if statuses is None:
        statuses = rollup.objective_quarters_frame(
            engine, first_qindex=quarter.index, last_qindex=quarter.index, states=states, bureau=bureau
        )
    found = build_many(
        sheets=indicators.sheets_frame(engine, None, bureau=bureau),
        targets=indicators.targets_frame(engine, None, bureau=bureau),
        actuals=indicators.actuals_frame(
            engine, None, states, bureau=bureau, quarter=(quarter.fiscal_year, quarter.quarter)
        ),
        statuses=statuses[statuses["qindex"] == quarter.index],
        quarter=quarter,
        on_target=on_target,
    )
    closed = closed_records.closed(engine, quarter=(quarter.fiscal_year, quarter.quarter))  # this quarter's only
    return with_records(found, {mission: found_["record"] for (mission, _), found_ in closed.items()})


def with_records(found: Evidence, records: dict[int, dict[str, Any]]) -> Evidence:
    """``build_many``'s evidence with each mission whose quarter is closed (``records`` by mission id) read from
    its record instead."""
    if not records:
        return found
    keep_i = ~found.indicators["mission_id"].isin(list(records))
    keep_o = ~found.objectives["mission_id"].isin(list(records))
    parts_i, parts_o = [found.indicators[keep_i]], [found.objectives[keep_o]]
    for mission_id, record in records.items():
        one = recorded(record, found.quarter)
        parts_i.append(one.indicators.assign(mission_id=mission_id))
        parts_o.append(one.objectives.assign(mission_id=mission_id))
    indicators = pd.concat([p for p in parts_i if not p.empty] or [found.indicators], ignore_index=True)
    objectives = pd.concat([p for p in parts_o if not p.empty] or [found.objectives], ignore_index=True)
    return Evidence(found.quarter, indicators, objectives)


def empty(quarter: FiscalQuarter) -> Evidence:
    """A mission without indicators."""
    return Evidence(
        quarter, pd.DataFrame(columns=evidence.INDICATOR_COLUMNS), pd.DataFrame(columns=evidence.OBJECTIVE_COLUMNS)
    )


INDICATOR_KEYS = ("code", "objective_code", "baseline", "target", "actual", "achievement", "rating")
OBJECTIVE_KEYS = ("code", "status", "evidence", "achievement", "disagrees")


def _records(frame: pd.DataFrame, keys: tuple[str, ...], names: tuple[str, ...]) -> list[dict[str, object]]:
    """The rows of ``frame`` as plain dicts of ``keys`` under ``names`` (column lists zipped, no per-row pandas)."""
    columns = [[closed_records.json_value(v) for v in frame[k].tolist()] for k in keys]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _indicator_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    names = tuple("objective" if k == "objective_code" else k for k in INDICATOR_KEYS)
    return _records(frame, INDICATOR_KEYS, names)


def status_document(found: Evidence) -> dict[str, object]:
    """``indicators status --json``: achievement unrounded; screens round it with the one shared rule."""
    return {
        "quarter": found.quarter.label,
        "indicators": _indicator_records(found.indicators),
        "objectives": _records(found.objectives, OBJECTIVE_KEYS, OBJECTIVE_KEYS),
    }


def status_documents(found: Evidence) -> dict[int, dict[str, object]]:
    """``status_document`` of each mission in ``build_many``'s evidence of many, in one pass over its rows."""
    documents: dict[int, dict[str, object]] = {}

    def document(mission_id: object) -> dict[str, Any]:
        key = int(mission_id)  # type: ignore[call-overload]
        if key not in documents:
            documents[key] = {"quarter": found.quarter.label, "indicators": [], "objectives": []}
        return documents[key]

    for mission_id, row in zip(
        found.indicators["mission_id"].tolist(), _indicator_records(found.indicators), strict=True
    ):
        document(mission_id)["indicators"].append(row)
    objectives = _records(found.objectives, OBJECTIVE_KEYS, OBJECTIVE_KEYS)
    for mission_id, row in zip(found.objectives["mission_id"].tolist(), objectives, strict=True):
        document(mission_id)["objectives"].append(row)
    return documents


@dataclass(frozen=True)
class Panel:
    """One indicator on the Objective page: its chart, a sentence on the quarter, and its reference sheet."""

    indicator_id: int
    chart: Chart
    line: str
    sheet: list[tuple[str, str]]


def _shown(value: object, unit: str) -> str:
    number = evidence.number(value)
    return "—" if number is None else f"{number:,.4g} {unit}".strip()


def _sheet_fields(row: pd.Series, targets: pd.DataFrame) -> list[tuple[str, str]]:
    mine = targets[targets["indicator_id"] == row["indicator_id"]]
    points = list(zip(mine["fiscal_year"], mine["quarter"], mine["value"], strict=True))
    yearly = ", ".join(f"FY{int(y)}: {v:,.4g}" for y, q, v in points if q == 0)
    interim = ", ".join(f"FY{int(y)} Q{int(q)}: {v:,.4g}" for y, q, v in points if q)
    baseline_fy = evidence.number(row["baseline_fy"])
    fields = [
        ("Code", row["code"]),
        ("Definition", row["definition"]),
        ("Unit", row["unit"]),
        ("Direction", "increase" if row["direction"] == Direction.UP else "decrease"),
        (
            "Baseline",
            f"{_shown(row['baseline'], row['unit'])}" + (f" (end of FY{int(baseline_fy)})" if baseline_fy else ""),
        ),
        ("Targets", yearly or "none set"),
        ("Interim targets", interim),
        ("Calculation", row["calculation"]),
        ("Data source", row["data_source"]),
        ("Collection method", row["collection_method"]),
        ("Frequency", row["frequency"]),
        ("Responsible agency", row["agency"] or "none set"),
        ("Disaggregation", row["disaggregation"]),
        ("Data quality", row["data_quality"]),
        ("Established", str(row["established_on"] or "")),
        ("Last reviewed", str(row["reviewed_on"] or "")),
    ]
    return [(k, str(v)) for k, v in fields if isinstance(v, str) and v.strip() and v != "None"]


def panels(
    found: Evidence, sheets: pd.DataFrame, targets: pd.DataFrame, actuals: pd.DataFrame, objective_id: int
) -> list[Panel]:
    """The objective's indicators as the Objective page draws them, each up to the quarter shown."""
    out = []
    rows = found.indicators.set_index("indicator_id")
    for _, sheet_row in sheets[sheets["objective_id"] == objective_id].iterrows():
        indicator_id = int(sheet_row["indicator_id"])
        sheet = evidence.sheet_of(sheet_row, targets)
        path = evidence.target_path(sheet, found.quarter)
        mine = actuals[(actuals["indicator_id"] == indicator_id) & (actuals["qindex"] <= found.quarter.index)]
        mine = mine.dropna(subset=["value"]).assign(
            quarter=[
                FiscalQuarter(int(y), int(q)).label for y, q in zip(mine["fiscal_year"], mine["quarter"], strict=True)
            ]  # fmt: skip
        )
        row = rows.loc[indicator_id]
        line = _quarter_line(row, found.quarter)
        chart = charts.indicator_path_chart(
            f"{sheet_row['code']} {sheet_row['name']}", str(sheet_row["unit"]), path, mine, line
        )
        out.append(Panel(indicator_id, chart, line, _sheet_fields(sheet_row, targets)))
    return out


def _quarter_line(row: pd.Series, quarter: FiscalQuarter) -> str:
    unit = str(row["unit"])
    if row["rating"] == Rating.NO_TARGET:
        return f"{quarter.label}: no target for this quarter."
    if row["rating"] == Rating.NO_DATA:
        why = f" ({row['note']})" if row["note"] else ""
        return f"{quarter.label}: no value yet against a target of {_shown(row['target'], unit)}{why}."
    share = percent(100 * float(row["achievement"]))
    return (
        f"{quarter.label}: {_shown(row['actual'], unit)} against a target of {_shown(row['target'], unit)}, "
        f"{share} of the way from the baseline: {row['rating']}."
    )


def by_goal(found: Evidence) -> pd.DataFrame:
    """Indicators by rating per goal (goal code × rating), for the Overview's evidence chart."""
    if found.indicators.empty:
        return pd.DataFrame()
    table = found.indicators.pivot_table(index="goal_code", columns="rating", values="indicator_id", aggfunc="count")
    return table.fillna(0).astype(int)


def disagreement_rows(found: Evidence) -> pd.DataFrame:
    """The disagreements as the Overview lists them: objective, what is reported, what the indicators say."""
    rows = found.disagreements
    return pd.DataFrame(
        {
            "code": rows["code"],
            "both": [
                evidence.disagreement_text(s, evidence.number(a), e)
                for s, a, e in zip(rows["status"], rows["achievement"], rows["evidence"], strict=True)
            ],
        }
    )
