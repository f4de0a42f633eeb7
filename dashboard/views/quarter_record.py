"""What closing a quarter records, and the preview an admin reads before closing.

The record holds the reads every page, the Missions roll-up and the brief compute a quarter's figures from,
as they stand at the close: the roles in effect with the strategy's texts, the counted updates with their
narratives, the indicators' evidence and targets, the Missions roll-up's rows, and the headline figures.
``store.closed_records`` serves them back for the closed quarter.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func
from sqlmodel import Session, select

from dashboard.domain import aggregation, effective, reporting
from dashboard.domain import evidence as evidence_rules
from dashboard.domain.fiscal import FiscalQuarter, quarter_range, strategy_quarters
from dashboard.settings import Settings
from dashboard.store import closed_records, indicators, queries, rollup
from dashboard.views import evidence
from models import Mission, Objective, UpdateDraft
from models.fields import NARRATIVE_FIELDS


def figures_label(quarter: FiscalQuarter, recorded: datetime | str | None) -> str:
    """Whether a quarter's figures are its closed record's or live, in the words every page and the brief use."""
    if recorded is None:
        return f"Live figures: {quarter.label} is open."
    return f"Closed figures, recorded {reporting.day_text(recorded)}."


@dataclass(frozen=True)
class Preview:
    """What a close would record, in the admin's words."""

    quarter: FiscalQuarter
    received: int
    expected: int
    missing: pd.DataFrame  # agency, code, objective_title, role, working_group
    drafts: int  # drafts that stay drafts: they are not part of the record

    @property
    def sentence(self) -> str:
        left = f"; {self.drafts} draft{'s' * (self.drafts != 1)} will be left out" if self.drafts else ""
        return (
            f"Closing {self.quarter.label} records {self.received} of {self.expected} owed updates "
            f"({len(self.missing)} still missing{left}). Nothing can be written for {self.quarter.label} after it "
            "closes, until an admin reopens it."
        )


def drafts_of(engine: Engine, mission_id: int, quarter: FiscalQuarter) -> int:
    with Session(engine) as session:
        return int(
            session.exec(
                select(func.count())
                .select_from(UpdateDraft)
                .join(Objective, Objective.id == UpdateDraft.objective_id)  # type: ignore[arg-type]
                .where(
                    Objective.mission_id == mission_id,
                    UpdateDraft.fiscal_year == quarter.fiscal_year,
                    UpdateDraft.quarter == quarter.quarter,
                )
            ).one()
        )


def preview(engine: Engine, mission_id: int, quarter: FiscalQuarter, states: tuple[str, ...]) -> Preview:
    expected = queries.expected_frame(engine, mission_id)
    updates = queries.updates_frame(
        engine, mission_id, first_qindex=quarter.index, last_qindex=quarter.index, states=states
    )
    pairs = aggregation.received_pairs(expected, updates, quarter)
    return Preview(
        quarter=quarter,
        received=int(pairs["received"].sum()),
        expected=len(pairs),
        missing=aggregation.missing_reports(expected, updates, quarter),
        drafts=drafts_of(engine, mission_id, quarter),
    )


def build(
    engine: Engine, mission_id: int, quarter: FiscalQuarter, *, states: tuple[str, ...], on_target: float
) -> dict[str, Any]:
    """The record of ``mission_id``'s ``quarter`` as it stands now (JSON-safe; ``closed_records.canonical``)."""
    with Session(engine) as session:
        mission = session.get(Mission, mission_id)
        assert mission is not None
        about = {"id": mission_id, "country": mission.country, "post": mission.post, "bureau": mission.bureau}
    expected = queries.expected_frame(engine, mission_id)
    in_effect = effective.in_effect(expected, quarter)
    updates = queries.updates_frame(
        engine, mission_id, first_qindex=quarter.index, last_qindex=quarter.index, states=states, narratives=True
    )
    previous = quarter.previous()
    before = queries.updates_frame(
        engine, mission_id, first_qindex=previous.index, last_qindex=previous.index, states=states, narratives=True
    )
    as_of = aggregation.objectives_as_of(expected, updates, quarter)
    head = aggregation.headline(as_of, expected, updates, quarter)
    grouped = rollup.objective_quarters_frame(
        engine, first_qindex=quarter.index, last_qindex=quarter.index, states=states, mission_id=mission_id
    )
    sheets = indicators.sheets_frame(engine, mission_id)
    targets = indicators.targets_frame(engine, mission_id)
    # as ``evidence.for_mission`` computes it (``evidence.build``), from the frames and objectives read here
    actuals = indicators.actuals_frame(engine, mission_id, states, quarter=(quarter.fiscal_year, quarter.quarter))
    rows = evidence_rules.indicator_rows(sheets, targets, actuals, quarter, on_target)
    found = evidence.Evidence(quarter, rows, evidence_rules.objective_rows(rows, as_of, on_target))
    columns = [*queries.UPDATE_COLUMNS, *NARRATIVE_FIELDS]
    return {
        "format": closed_records.FORMAT,
        "mission": about,
        "quarter": quarter.label,
        "qindex": quarter.index,
        "counted_states": list(states),
        "expected": closed_records.section(in_effect.drop(columns=["from_qindex", "until_qindex"])),
        "updates": closed_records.section(updates[columns]),
        # the quarter before, as it stood: what the figures' changes since last quarter were measured from
        "previous": {
            "qindex": previous.index,
            "expected": closed_records.section(
                effective.in_effect(expected, previous).drop(columns=["from_qindex", "until_qindex"])
            ),
            "updates": closed_records.section(before[columns]),
        },
        "strategy": closed_records.section(queries.strategy_frame(engine, mission_id)),
        "figures": {
            "status_counts": head.status_counts,
            "mean_progress": head.mean_progress,
            "high_risk": head.high_risk,
            "received": head.received,
            "expected": head.expected,
            "objectives": head.objectives,
            "drafts_left_out": drafts_of(engine, mission_id, quarter),
        },
        "evidence": {
            "indicators": closed_records.section(found.indicators),
            "objectives": closed_records.section(found.objectives),
        },
        "indicator_sheets": closed_records.section(sheets),
        "indicator_targets": closed_records.section(targets),
        "rollup": closed_records.section(grouped),
    }


def reader(mission_id: int, quarter: FiscalQuarter, settings: Settings) -> Callable[[Connection], dict[str, Any]]:
    """What ``services.quarters.close`` calls to read the record inside its own transaction, with the
    deployment's counted states and on-target share."""

    def read(connection: Connection) -> dict[str, Any]:
        return build(
            connection,  # type: ignore[arg-type]  (the close's connection: reads join its transaction)
            mission_id,
            quarter,
            states=settings.counted_states,
            on_target=settings.indicator_on_target,
        )

    return read


def closable(strategy: tuple[int, int], today: date, closed: set[int]) -> list[FiscalQuarter]:
    """The quarters an admin may close now: ended, within the strategy (``strategy``: first and last fiscal
    year), not closed; newest first."""
    first, last = strategy_quarters(*strategy)
    now = FiscalQuarter.containing(today)
    return [q for q in reversed(quarter_range(first, last)) if q < now and q.index not in closed]


STATE_COLUMNS = ["Quarter", "State", "When", "By", "Reason", "SHA-256"]


def states_frame(states: list[Any]) -> pd.DataFrame:
    """The closed and reopened quarters (``services.quarters.states``), newest quarter first, as Admin lists them."""
    rows = [
        {
            "Quarter": s.quarter.label,
            "State": "closed" if s.closed else "reopened",
            "When": f"{reporting.day_text(s.at)} {s.at:%H:%M} UTC",
            "By": s.actor,
            "Reason": s.reason,
            "SHA-256": s.sha256,
        }
        for s in sorted(states, key=lambda s: s.quarter, reverse=True)
    ]
    return pd.DataFrame(rows, columns=STATE_COLUMNS)


def closed_frame(closed: dict[int, dict[str, Any]]) -> pd.DataFrame:
    """A mission's closed quarters (``closed_records.closed``, by index), newest first: when, by whom, the figures
    recorded and the SHA-256."""
    rows = []
    for qindex in sorted(closed, reverse=True):
        found = closed[qindex]
        figures = found["record"]["figures"]
        at = found["at"] if isinstance(found["at"], datetime) else datetime.fromisoformat(str(found["at"]))
        rows.append(
            {
                "Quarter": FiscalQuarter.of_index(qindex).label,
                "Closed": reporting.day_text(at),
                "By": found["actor"],
                "Updates": f"{figures['received']} of {figures['expected']}",
                "SHA-256": found["sha256"],
            }
        )
    return pd.DataFrame(rows, columns=["Quarter", "Closed", "By", "Updates", "SHA-256"])
