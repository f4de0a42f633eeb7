"""The Submit page's spreadsheet section: the template to download and an uploaded file's import, as plain results."""

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from dashboard.domain.actor import AccessDenied
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats import spreadsheet
from dashboard.services import bulk_updates
from dashboard.store.database import DatabaseBusy, read_session


def template_name(quarter: FiscalQuarter) -> str:
    """E.g. ``status-updates-2026-Q4.xlsx``."""
    return f"status-updates-{quarter.fiscal_year}-Q{quarter.quarter}.xlsx"


def template(engine: Engine, actor_email: str | None, mission_id: int, quarter: FiscalQuarter) -> bytes:
    """The template workbook of the user's updates for ``quarter``, built when asked for (it reads the database)."""
    with read_session(engine) as session:
        return bulk_updates.template_xlsx(
            session=session, actor_email=actor_email, mission_id=mission_id, quarter=quarter
        )


@dataclass(frozen=True)
class ImportResult:
    """What became of an upload: ``ok`` with a summary, or a message and (for row problems) one row per problem."""

    ok: bool
    message: str
    errors: pd.DataFrame | None = None


def import_file(
    engine: Engine,
    *,
    actor_email: str | None,
    mission_id: int,
    name: str,
    data: bytes,
    on_top: bool,
    max_bytes: int,
) -> ImportResult:
    """Check the file ``name`` (its bytes ``data``), then store every row or none. Never raises for a bad file,
    a refusal or a busy database: the result says what happened in a sentence starting with the file's name."""
    try:
        spreadsheet.check_size(len(data), max_bytes)
        rows = spreadsheet.read_rows(data, name, max_bytes=max_bytes)
        report = bulk_updates.import_rows(
            engine=engine, actor_email=actor_email, mission_id=mission_id, rows=rows, on_top=on_top
        )
    except (spreadsheet.SpreadsheetError, AccessDenied, DatabaseBusy) as exc:
        return ImportResult(False, f"{name}: {exc}")
    if report.ok:
        return ImportResult(True, report.summary())
    return ImportResult(False, report.summary(), bulk_updates.errors_frame(report.errors))
