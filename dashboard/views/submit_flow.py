"""The Submit page's state: which update it shows, and each update form's base revision and pending conflict.

Plain code over the two mappings the page hands in, ``st.session_state`` and ``st.query_params`` (a dict in
tests). Every key the page keeps is made here: the three pickers' (``PICKERS``) and each form's
(``widget_key(field, key)``), so clearing a form names its keys instead of sweeping by pattern.

The address and the pickers never disagree. A link naming an update (``domain.links.submit_link``, e.g.
``?objective=1.1&agency=USAID&quarter=2026Q4``) is applied whenever it differs from what the pickers hold, also
when it is the same link as last time; a pick made on the page is written back to the address (``sync``), so a
reload or a copied address reopens exactly the update shown.
"""

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.links import UPDATE_PARAMS, submit_link
from dashboard.services.form_save import SaveOutcome
from dashboard.views.update_form import key_text, requested_update
from models.fields import NARRATIVE_FIELDS, UpdateKey

PREFIX = "submit_"
FLASH = "submit_flash"
LINK_FIELDS = UPDATE_PARAMS
PICKERS = {name: f"{PREFIX}{name}" for name in LINK_FIELDS}
"""The session-state key of each picker: ``submit_objective``, ``submit_agency``, ``submit_quarter``."""

FORM_FIELDS = ("status", "progress", "risk", *NARRATIVE_FIELDS)
"""The form's own inputs (the indicators come on top, one per indicator: ``indicator_<id>``)."""
KEPT = ("base", "conflict", "confirm")
"""What the page remembers per update besides the inputs: the revision the edit starts from, a pending conflict,
and the values a refused submission asked the user to confirm."""


def widget_key(field: str, key: UpdateKey) -> str:
    """The key of ``field`` of one update's form, e.g. ``submit_status_12_3_2026_4``; every per-update key."""
    return f"{PREFIX}{field}_{key_text(key)}"


def indicator_field(indicator_id: int) -> str:
    return f"indicator_{indicator_id}"


def form_state_keys(key: UpdateKey, indicator_ids: Iterable[int]) -> tuple[str, ...]:
    """Every key that holds state of one update's form: its inputs, its indicators, its base revision and conflict."""
    fields = [*FORM_FIELDS, *(indicator_field(i) for i in indicator_ids), *KEPT]
    return tuple(widget_key(field, key) for field in fields)


@dataclass(frozen=True)
class Choices:
    """What the pickers offer: the user's (objective, agency) ``pairs`` (objective_id, code, title, agency_id,
    agency) and the ``quarters`` one may report on, with the default quarter."""

    pairs: pd.DataFrame
    quarters: list[FiscalQuarter]
    default_quarter: FiscalQuarter

    @property
    def objective_ids(self) -> list[int]:
        return [int(i) for i in dict.fromkeys(self.pairs["objective_id"])]

    def objective_label(self, objective_id: int) -> str:
        """E.g. "1.1 · Strengthened bilateral partnerships…", cut to 110 characters."""
        row = self.pairs[self.pairs["objective_id"] == objective_id].iloc[0]
        return f"{row.code} · {row.title}"[:110]

    def code(self, objective_id: int) -> str:
        return str(self.pairs.loc[self.pairs["objective_id"] == objective_id, "code"].iloc[0])

    def agencies(self, objective_id: int) -> dict[int, str]:
        """The agencies reporting on the objective through this user: id → acronym."""
        rows = self.pairs[self.pairs["objective_id"] == objective_id]
        return {int(i): str(a) for i, a in zip(rows["agency_id"], rows["agency"], strict=True)}

    def acronym(self, agency_id: int) -> str | None:
        found = self.pairs.loc[self.pairs["agency_id"] == agency_id, "agency"]
        return None if found.empty else str(found.iloc[0])


class SubmitFlow:
    """The Submit page's state machine over ``state`` (the session state) for the user's ``choices``."""

    def __init__(self, state: MutableMapping[str, Any], choices: Choices) -> None:
        self.state = state
        self.choices = choices

    # ------------------------------------------------------------------ which update: link and pickers

    def shown_params(self) -> dict[str, str]:
        """The address of the update the pickers hold ({} while they hold none)."""
        objective_id = self.state.get(PICKERS["objective"])
        agency_id = self.state.get(PICKERS["agency"])
        quarter = self.state.get(PICKERS["quarter"])
        if objective_id not in self.choices.objective_ids or not isinstance(quarter, FiscalQuarter):
            return {}
        acronym = self.choices.acronym(agency_id) if agency_id is not None else None
        if acronym is None:
            return {}
        return submit_link(self.choices.code(objective_id), acronym, quarter)

    def follow_link(self, params: Mapping[str, Any]) -> str:
        """Point the pickers at the update the address names, unless they already hold it; then make sure a
        quarter is picked. Returns a note (one sentence) when part of the link could not be used, else ""."""
        link = {name: str(params.get(name, "")) for name in LINK_FIELDS}
        note = ""
        if any(link.values()) and link != self.shown_params():
            wanted = requested_update(link, self.choices.pairs, self.choices.quarters)
            for name, value in zip(LINK_FIELDS, (wanted.objective_id, wanted.agency_id, wanted.quarter), strict=True):
                if value is not None:
                    self.state[PICKERS[name]] = value
            note = wanted.note
        self.state.setdefault(PICKERS["quarter"], self.choices.default_quarter)
        return note

    def sync(self, params: MutableMapping[str, Any]) -> None:
        """Write the update the pickers hold into the address (only what differs; other parameters stay).

        The page calls it when a picker changes (before the next run reads the address, so the pick is not
        taken for a new link) and after drawing the pickers."""
        for name, value in self.shown_params().items():
            if params.get(name) != value:
                params[name] = value

    # ------------------------------------------------------------------ one update's form

    def base_revision(self, key: UpdateKey, stored: int) -> int:
        """The revision this form's edit starts from: remembered from the first time it was shown (``stored``)."""
        return int(self.state.setdefault(widget_key("base", key), stored))

    def saved(self, key: UpdateKey, outcome: SaveOutcome) -> None:
        """After a save that went through: the next edit starts from the stored revision; the message waits
        for the next run (``FLASH``)."""
        if outcome.revision is not None:
            self.state[widget_key("base", key)] = outcome.revision
        self.state[FLASH] = outcome.message

    def conflicted(self, key: UpdateKey, their_revision: int) -> None:
        """Someone stored ``their_revision`` meanwhile: remember it until the user chooses what to do."""
        self.state[widget_key("conflict", key)] = their_revision

    def pending_conflict(self, key: UpdateKey) -> int | None:
        value = self.state.get(widget_key("conflict", key))
        return None if value is None else int(value)

    def rebase(self, key: UpdateKey) -> None:
        """Keep the form as typed, on top of their revision: the next save is checked against that one."""
        pending = self.state.pop(widget_key("conflict", key))
        self.state[widget_key("base", key)] = pending

    def refused(self, key: UpdateKey, outcome: SaveOutcome, values: tuple[object, ...]) -> None:
        """After a save that did not go through: remember a conflict until the user chooses what to do, and what a
        Submit of ``values`` (status, progress) asked to confirm: the next Submit of the same values confirms it."""
        if outcome.conflict is not None:
            self.conflicted(key, outcome.conflict.current.revision)
        if outcome.confirm:
            self.state[widget_key("confirm", key)] = values

    def confirmed(self, key: UpdateKey, values: tuple[object, ...]) -> bool:
        """Whether this Submit confirms what the previous one asked: the same ``values`` submitted again. A
        confirmation serves one Submit only."""
        return self.state.pop(widget_key("confirm", key), None) == values

    @staticmethod
    def form_keys(key: UpdateKey, indicator_ids: Iterable[int]) -> tuple[str, ...]:
        """Every key that holds state of one update's form (see ``form_state_keys``)."""
        return form_state_keys(key, indicator_ids)

    def clear(self, key: UpdateKey, indicator_ids: Iterable[int]) -> None:
        """Forget everything about this update's form: it starts again from what is stored."""
        for name in self.form_keys(key, indicator_ids):
            self.state.pop(name, None)
