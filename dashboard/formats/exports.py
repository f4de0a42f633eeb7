"""Exports of status updates to CSV and Excel, safe to open in a spreadsheet."""

import io

import pandas as pd

from dashboard.domain import effective
from dashboard.domain.aggregation import quarter_label
from models.fields import NARRATIVE_FIELDS
from models.text import clean_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_COLUMNS = [
    "quarter",
    "fiscal_year",
    "fiscal_quarter",
    "goal",
    "objective",
    "objective_title",
    "agency",
    "role",
    "working_group",
    "status",
    "progress",
    "risk_level",
    *NARRATIVE_FIELDS,
    "author",
    "created_at",
    "revision",
    "is_demo",
]


def neutralise(value: object) -> object:
    """Prefix ``'`` to text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _export_cell(value: object) -> object:
    # Cleaned on the way out as well as in: a row stored before the cleaning rule never breaks a download.
    return neutralise(clean_text(value)) if isinstance(value, str) else value


def export_frame(expected: pd.DataFrame, updates: pd.DataFrame) -> pd.DataFrame:
    """One row per update in ``updates`` (already filtered), with the objective, goal and agency spelled out."""
    if updates.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    # Each update with the role and working group its pair had in the update's quarter.
    meta = ["code", "objective_title", "goal_code", "agency", "role", "working_group"]
    merged = effective.attach(updates, expected, meta)
    merged = merged[merged["code"].notna()]
    merged = merged.sort_values(["qindex", "code", "agency"])
    out = pd.DataFrame(
        {
            "quarter": merged["qindex"].map(quarter_label),
            "fiscal_year": merged["fiscal_year"],
            "fiscal_quarter": merged["quarter"],
            "goal": merged["goal_code"],
            "objective": merged["code"],
            "objective_title": merged["objective_title"],
            "agency": merged["agency"],
            "role": merged["role"],
            "working_group": merged["working_group"],
            "status": merged["status"],
            "progress": merged["progress"],
            "risk_level": merged["risk_level"],
            **{c: merged[c] if c in merged else "" for c in NARRATIVE_FIELDS},
            "author": merged["author"],
            "created_at": merged["created_at"].astype(str),
            "revision": merged["revision"],
            "is_demo": merged["is_demo"],
        }
    )
    return out.reset_index(drop=True)


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    # Text columns are "str" dtype in pandas 3 and "object" before: check both.
    return frame.apply(
        lambda column: (
            column.map(_export_cell) if column.dtype == object or pd.api.types.is_string_dtype(column) else column
        )
    )


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM so Excel reads accents right; formula-like cells neutralised."""
    return _safe(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _safe(frame).to_excel(writer, index=False, sheet_name="Status updates")
    return buffer.getvalue()
