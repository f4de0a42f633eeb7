"""Saving the Submit page's form: validate, then save a draft or submit, with every outcome returned, never raised."""

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from dashboard.domain.actor import AccessDenied
from dashboard.services import submissions
from dashboard.store.database import DatabaseBusy, transact
from models import UpdateInput
from models.fields import UPDATE_FIELDS, UpdateKey, labelled
from models.scales import ReviewState
from models.schemas import FieldError, labelled_validation_error

STATE_WORDS = {s.value: s.phrase for s in ReviewState if s is not ReviewState.DRAFT}


@dataclass
class SaveOutcome:
    """What became of a "Save draft" or "Submit": a message, field problems (named by the form's labels), a
    question to confirm, a refusal, or a conflict."""

    message: str | None = None
    revision: int | None = None
    field_errors: list[str] = field(default_factory=list)
    confirm: str | None = None
    """What the submission would store, when it is stored only once confirmed (``submissions.Unconfirmed``)."""
    refusal: str | None = None
    conflict: submissions.Conflict | None = None
    conflict_changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.message is not None


def save(
    engine: Engine,
    actor_email: str | None,
    key: UpdateKey,
    values: dict[str, Any],
    *,
    action: str,
    base_revision: int,
    confirmed: bool = False,
) -> SaveOutcome:
    """Validate the form's ``values`` and save them as a draft (``action="draft"``) or submit them.

    Nothing raises: a bad field, a refusal or a newer revision by someone else comes back in the outcome,
    with the differences between their revision and this form when it is a conflict. ``confirmed``: the user
    confirmed what ``outcome.confirm`` asked on the previous try (Completed below 100%).
    """
    objective_id, agency_id, fiscal_year, quarter = key
    try:
        form = UpdateInput(
            objective_id=objective_id, agency_id=agency_id, fiscal_year=fiscal_year, quarter=quarter, **values
        )
    except ValidationError as exc:
        return SaveOutcome(field_errors=labelled_validation_error(exc))

    def write(session: Session) -> SaveOutcome:
        if action == ReviewState.DRAFT:
            submissions.save_draft(session=session, actor_email=actor_email, form=form, base_revision=base_revision)
            return SaveOutcome(message="Draft saved. It is not submitted yet.")
        row = submissions.submit(
            session=session,
            actor_email=actor_email,
            form=form,
            base_revision=base_revision,
            confirm_completed=confirmed,
        )
        if row.revision == base_revision:
            state = submissions.state_of(session, row)
            return SaveOutcome(
                message=f"Nothing changed since revision {row.revision} ({STATE_WORDS.get(state, state)}): "
                "nothing was stored and its state stays as it was.",
                revision=row.revision,
            )
        return SaveOutcome(
            message=f"Submitted as revision {row.revision}. The working-group chair will review it.",
            revision=row.revision,
        )

    try:
        return transact(engine, write)
    except DatabaseBusy as busy:
        return SaveOutcome(refusal=str(busy))
    except submissions.Conflict as conflict:
        theirs = {name: getattr(conflict.current, name) for name in UPDATE_FIELDS}
        return SaveOutcome(conflict=conflict, conflict_changes=submissions.diff(theirs, form.model_dump()))
    except submissions.Incomplete as incomplete:
        return SaveOutcome(field_errors=[labelled(name, problem) for name, problem in incomplete.problems])
    except submissions.Unconfirmed as unconfirmed:
        return SaveOutcome(confirm=unconfirmed.message)
    except FieldError as exc:
        return SaveOutcome(refusal=labelled(exc.field, exc.message))
    except (AccessDenied, ValueError) as exc:
        return SaveOutcome(refusal=str(exc))
