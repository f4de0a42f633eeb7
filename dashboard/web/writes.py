"""The one way a page writes: a transaction, a plain message on refusal, caches cleared and a flash on success."""

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st
from pydantic import ValidationError
from sqlmodel import Session

from dashboard.domain.actor import AccessDenied
from dashboard.store.database import DatabaseBusy, transact
from dashboard.web.cache import after_write, engine
from dashboard.web.widgets import plain
from models.fields import labelled
from models.schemas import FieldError, labelled_validation_error


def run_write(
    flash_key: str,
    success: str,
    write: Callable[[Session], object],
    clear: tuple[str, ...] = (),
    stale: Mapping[type[Exception], Callable[[Any], str]] | None = None,
) -> None:
    """Run one write in its own transaction; on success clear caches and the ``clear`` widget keys, flash and rerun.

    A refused or invalid write shows its message (a field named by its label), keeps what was typed and writes
    nothing. ``stale`` maps an exception that means "someone changed this meanwhile" to its message; the caches
    are then cleared too.
    """
    try:
        transact(engine(), write)
    except tuple(stale or ()) as exc:
        assert stale is not None
        st.error(plain(next(explain for kind, explain in stale.items() if isinstance(exc, kind))(exc)))
        after_write()
        return
    except DatabaseBusy as busy:
        st.error(str(busy))
        return
    except (AccessDenied, ValueError) as exc:
        if isinstance(exc, ValidationError):
            message = "; ".join(labelled_validation_error(exc))
        else:
            message = labelled(exc.field, exc.message) if isinstance(exc, FieldError) else str(exc)
        st.error(plain(message))
        return
    after_write()
    for key in clear:
        st.session_state.pop(key, None)
    st.session_state[flash_key] = success
    st.rerun()
