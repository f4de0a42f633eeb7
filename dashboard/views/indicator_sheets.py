"""What Admin's Indicators tab shows: the mission's indicators as a table, a sheet file's changes and problems as
tables, and the edit form's starting values and the row it sends (plain data; the tab is ``web.indicators_section``).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from dashboard.formats import indicator_sheet
from dashboard.formats.indicator_sheet import DIRECTION_WORDS, SheetRow
from dashboard.services.indicator_sheets import Change, Problem, Sheet
from dashboard.views.admin_lists import change_text
from models.scales import Direction, Frequency

TABLE_COLUMNS = ("Code", "Objective", "Name", "Unit", "Baseline", "Targets", "Reported", "Retired")
DIRECTIONS = [DIRECTION_WORDS[d] for d in Direction]
FREQUENCIES = [f.value for f in Frequency]
NEW = 0  # the edit form's choice for a new indicator
TEXT_FIELDS = ("definition", "data_source", "calculation", "collection_method", "disaggregation", "data_quality")
LINE_FIELDS = ("code", "name", "unit", "baseline", "baseline_fy", "established", "reviewed")
FORM_COLUMNS = (
    ("objective", "code", "name", "unit", "direction", "frequency", "agency"),
    ("baseline", "baseline_fy", "targets", "established", "reviewed"),
)
CHOICE_FIELDS = ("objective", "direction", "frequency", "agency")
LABELS = {
    "objective": "Objective",
    "code": "Code",
    "name": "Name",
    "unit": "Unit",
    "direction": "Direction",
    "baseline": "Baseline",
    "baseline_fy": "Baseline year",
    "frequency": "Frequency",
    "agency": "Responsible agency",
    "targets": "Targets (one per line: FY2026: 50, or FY2026 Q2: 40 for an interim target)",
    "definition": "Definition",
    "data_source": "Data source",
    "calculation": "Calculation",
    "collection_method": "Collection method",
    "disaggregation": "Disaggregation",
    "data_quality": "Data quality",
    "established": "Established (YYYY-MM-DD)",
    "reviewed": "Last reviewed (YYYY-MM-DD)",
}
HELP = {
    "code": "Unique within the mission, e.g. 1.1.a.",
    "unit": "number, percent, currency, or a short label such as institutions. Percentages stay within 0-100.",
    "baseline": "The value at the end of the baseline year.",
    "baseline_fy": "The fiscal year of the baseline, e.g. FY2022; targets start the year after.",
}
FORM_FIELDS = (*CHOICE_FIELDS, *LINE_FIELDS, "targets", *TEXT_FIELDS)


def form_key(indicator_id: int) -> Callable[[str], str]:
    """The edit form's widget key of a field, per indicator (a new one: ``NEW``)."""
    return lambda name: f"admin_ind_{name}_{indicator_id}"


def form_keys(indicator_id: int) -> tuple[str, ...]:
    """Every widget key of the edit form for ``indicator_id``: cleared after a save, so it shows what is stored."""
    key = form_key(indicator_id)
    return tuple(key(name) for name in FORM_FIELDS)


def _targets(sheet: Sheet) -> str:
    """Each target on a line of its own when the column is narrow (no break inside one)."""
    return ", ".join(t.replace(" ", "\u00a0") for t in sheet.snapshot()["targets"]) or "none set"


def indicators_frame(rows: list[tuple[int, Sheet]]) -> pd.DataFrame:
    """One row per indicator: code, objective, name, unit, baseline (with its year), targets, how often and by
    which agency (the one responsible) it is reported, and the date it was retired (empty while in use)."""
    data = []
    for _, sheet in rows:
        baseline = indicator_sheet.number_text(sheet.baseline) + (
            f" (FY{sheet.baseline_fy})" if sheet.baseline_fy else ""
        )
        reported = (
            f"{sheet.frequency.value} by {sheet.agency}" if sheet.agency else f"{sheet.frequency.value}; no agency"
        )
        retired = sheet.retired.isoformat() if sheet.retired else ""
        data.append(
            (
                sheet.code or "(none)",
                sheet.objective,
                sheet.name,
                sheet.unit,
                baseline,
                _targets(sheet),
                reported,
                retired,
            )
        )
    return pd.DataFrame(data, columns=list(TABLE_COLUMNS))


def changes_frame(changes: list[Change]) -> pd.DataFrame:
    """A file's changes: row (as text, so a table shows it), change, indicator and what changes (a line per field)."""
    return pd.DataFrame(
        [(str(c.row), c.action, c.code, change_text(json.dumps(c.before), json.dumps(c.after))) for c in changes],
        columns=["Row", "Change", "Indicator", "What changes"],
    )


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame([(str(p.row), p.column, p.message) for p in problems], columns=["Row", "Column", "Problem"])


def choice_label(rows: list[tuple[int, Sheet]]) -> dict[int, str]:
    """The edit form's choices: a new indicator, then each one by code and name (retired ones say so)."""
    labels = {NEW: "New indicator"}
    for indicator_id, sheet in rows:
        retired = f" (retired {sheet.retired.isoformat()})" if sheet.retired else ""
        labels[indicator_id] = f"{sheet.code or '(no code)'}: {sheet.name}{retired}"
    return labels


@dataclass(frozen=True)
class FormStart:
    """The edit form's starting values: text for the text fields, the chosen item for each choice."""

    texts: dict[str, str]
    choices: dict[str, str | None]
    targets: str
    retired: str


def form_start(sheet: Sheet | None) -> FormStart:
    """What the form shows for ``sheet`` (None: a new indicator)."""
    if sheet is None:
        empty = {name: "" for name in (*LINE_FIELDS, *TEXT_FIELDS)}
        choices = {"objective": None, "direction": DIRECTIONS[0], "frequency": FREQUENCIES[0], "agency": None}
        return FormStart(empty, choices, "", "")
    cells = sheet.cells()
    texts = {name: _text(cells[name]) for name in (*LINE_FIELDS, *TEXT_FIELDS)}
    choices = {name: str(cells[name]) or None for name in CHOICE_FIELDS}
    retired = sheet.retired.isoformat() if sheet.retired else ""
    return FormStart(texts, choices, indicator_sheet.targets_text(sheet.targets), retired)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int):
        return indicator_sheet.number_text(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def form_values(values: dict[str, str | None], retired: str) -> tuple:
    """The form's fields as ``form_row``'s arguments: (texts, choices, targets, retired)."""
    texts = {name: str(values.get(name) or "") for name in (*LINE_FIELDS, *TEXT_FIELDS)}
    choices = {name: values.get(name) for name in CHOICE_FIELDS}
    return texts, choices, str(values.get("targets") or ""), retired


def form_row(texts: dict[str, str], choices: dict[str, str | None], targets: str, retired: str) -> SheetRow:
    """The form's values as one sheet row, checked by the same rules as a file's. Raises ValueError (naming the
    targets field) when the targets cannot be read."""
    try:
        cells = indicator_sheet.read_targets_text(targets)
    except ValueError as exc:
        raise ValueError(f"targets: {exc}") from None
    row = {**texts, **{name: value or "" for name, value in choices.items()}, "retired": retired}
    return SheetRow(0, {name: row.get(name, "") for name in indicator_sheet.COLUMNS}, cells)
