"""What ``notify`` reads to decide the deployment's e-mail, every mission at once, and the outbox it writes.

A handful of statements whatever the number of missions: what each mission owes for a quarter and has not received
(``sql.owed_sql``, the rule every page reads), the returned updates and those waiting for review (newest revision
only, newest decision only), the people with their agencies and working groups, the closed quarters, and the
references already in the outbox. Writing a message and its references is one savepoint: a reference already
there (another run queued it) drops the message, so the same reminder is never queued twice.
"""

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from dashboard.store.database import reading
from dashboard.store.sql import owed_sql
from models import Outbox, OutboxRef
from models.quarters import quarter_index, quarter_of_index
from models.scales import ReviewState

MISSIONS_SQL = """
    SELECT id AS mission_id, country, post, bureau, time_zone, due_days, send_hour, strategy_start, strategy_end
    FROM mission ORDER BY id
"""

# The working group of an objective in quarter :qindex: the lowest-numbered one covering it, as the pages read it.
_GROUP_AT = """
    (SELECT MIN(wgo.working_group_id) FROM working_group_objective wgo
     WHERE wgo.objective_id = {objective} AND wgo.from_qindex <= {qindex}
       AND (wgo.until_qindex IS NULL OR wgo.until_qindex >= {qindex}))
"""

# The newest decision on a revision, when there is one.
_NEWEST_DECISION = """
    (SELECT r.decision FROM review_event r WHERE r.status_update_id = su.id ORDER BY r.id DESC LIMIT 1)
"""

_NEWER_REVISION = """
    EXISTS (SELECT 1 FROM status_update n WHERE n.objective_id = su.objective_id AND n.agency_id = su.agency_id
            AND n.fiscal_year = su.fiscal_year AND n.quarter = su.quarter AND n.revision > su.revision)
"""


def owed_sql_for(dialect: str) -> str:
    """Every (objective, agency) update owed for quarter ``:qindex`` (``:fiscal_year``, ``:quarter``) in every
    mission and not received: never sent, or returned for fixing."""
    return f"""
        SELECT ow.mission_id, ow.objective_id, o.code, o.title AS objective_title, ow.agency_id,
               a.acronym AS agency, {_GROUP_AT.format(objective="o.id", qindex=":qindex")} AS working_group_id,
               COALESCE(latest.state, 'missing') AS state
        FROM ({owed_sql(dialect)}) ow
        JOIN objective o ON o.id = ow.objective_id
        JOIN agency a ON a.id = ow.agency_id
        LEFT JOIN (
            SELECT su.objective_id, su.agency_id, COALESCE({_NEWEST_DECISION}, su.state) AS state
            FROM status_update su
            WHERE su.fiscal_year = :fiscal_year AND su.quarter = :quarter AND NOT {_NEWER_REVISION}
        ) latest ON latest.objective_id = ow.objective_id AND latest.agency_id = ow.agency_id
        WHERE ow.from_qindex <= :qindex AND :qindex <= ow.until_qindex
          AND (latest.state IS NULL OR latest.state = '{ReviewState.RETURNED.value}')
        ORDER BY ow.mission_id, o.position, a.acronym
    """


# The newest revision of each update whose newest decision returned it, with that decision.
RETURNED_SQL = f"""
    SELECT o.mission_id, su.objective_id, o.code, o.title AS objective_title, su.agency_id, a.acronym AS agency,
           su.fiscal_year, su.quarter, r.id AS review_id, r.comment, r.reviewer, r.created_at AS returned_at
    FROM review_event r
    JOIN status_update su ON su.id = r.status_update_id
    JOIN objective o ON o.id = su.objective_id
    JOIN agency a ON a.id = su.agency_id
    WHERE r.decision = '{ReviewState.RETURNED.value}'
      AND NOT EXISTS (SELECT 1 FROM review_event l WHERE l.status_update_id = r.status_update_id AND l.id > r.id)
      AND NOT {_NEWER_REVISION}
    ORDER BY o.mission_id, r.id
"""

# Updates waiting for a chair's decision: the newest revision, submitted, with no decision yet.
WAITING_SQL = f"""
    SELECT o.mission_id, su.objective_id, o.code, o.title AS objective_title, su.agency_id, a.acronym AS agency,
           su.fiscal_year, su.quarter, su.author, su.created_at AS submitted_at,
           {_GROUP_AT.format(objective="su.objective_id", qindex="(su.fiscal_year * 4 + su.quarter - 1)")}
               AS working_group_id
    FROM status_update su
    JOIN objective o ON o.id = su.objective_id
    JOIN agency a ON a.id = su.agency_id
    WHERE su.state = '{ReviewState.SUBMITTED.value}'
      AND NOT EXISTS (SELECT 1 FROM review_event r WHERE r.status_update_id = su.id)
      AND NOT {_NEWER_REVISION}
    ORDER BY su.created_at, o.code
"""

USERS_SQL = """
    SELECT id AS user_id, email, role, disabled, bureau, home_mission_id, review_digest, weekly_summary,
           reminders_off
    FROM app_user ORDER BY id
"""
AGENCY_BINDINGS_SQL = "SELECT user_id, mission_id, agency_id FROM user_agency"
GROUP_BINDINGS_SQL = """
    SELECT uw.user_id, wg.mission_id, uw.working_group_id, wg.name AS working_group
    FROM user_working_group uw JOIN working_group wg ON wg.id = uw.working_group_id
"""
GROUPS_SQL = "SELECT id AS working_group_id, mission_id, name AS working_group FROM working_group"

# The quarters whose newest event is a close (nothing can be written for them, so nothing is asked for).
CLOSED_SQL = """
    SELECT c.mission_id, c.fiscal_year, c.quarter FROM quarter_close c
    WHERE c.action = 'close' AND c.id IN (
        SELECT MAX(d.id) FROM quarter_close d GROUP BY d.mission_id, d.fiscal_year, d.quarter)
"""

SENT_REFS_SQL = """
    SELECT r.user_id, r.ref FROM outbox_ref r JOIN outbox b ON b.id = r.outbox_id WHERE b.created_at >= :since
"""


def _frame(connection: Connection, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    result = connection.execute(text(sql), params or {})
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def read_missions(engine: Engine) -> pd.DataFrame:
    """Every mission with its time zone, sending hour, due days and strategy period."""
    with reading(engine) as connection:
        return _frame(connection, MISSIONS_SQL)


def read_all(engine: Engine, qindexes: set[int], since: datetime) -> dict[str, Any]:
    """Everything the decision reads but the missions (``read_missions``), in one connection: frames by name,
    ``closed`` as a set of (mission, qindex) and ``sent`` as a set of (user id, reference) queued since ``since``."""
    with reading(engine) as connection:
        out: dict[str, Any] = {
            "returns": _frame(connection, RETURNED_SQL),
            "waiting": _frame(connection, WAITING_SQL),
            "users": _frame(connection, USERS_SQL),
            "agency_bindings": _frame(connection, AGENCY_BINDINGS_SQL),
            "group_bindings": _frame(connection, GROUP_BINDINGS_SQL),
            "groups": _frame(connection, GROUPS_SQL),
        }
        owed = [
            _frame(
                connection,
                owed_sql_for(engine.dialect.name),
                {"qindex": q, "fiscal_year": quarter_of_index(q)[0], "quarter": quarter_of_index(q)[1]},
            ).assign(qindex=q)
            for q in sorted(qindexes)
        ]
        out["owed"] = pd.concat(owed, ignore_index=True) if owed else pd.DataFrame()
        out["closed"] = {
            (int(m), quarter_index(int(y), int(q))) for m, y, q in connection.execute(text(CLOSED_SQL)).all()
        }
        out["sent"] = {(int(u), str(r)) for u, r in connection.execute(text(SENT_REFS_SQL), {"since": since}).all()}
    for name in ("returns", "waiting"):
        frame = out[name]
        frame["qindex"] = quarter_index(frame["fiscal_year"], frame["quarter"]) if not frame.empty else []
    return out


def queue(session: Session, message: Outbox, refs: list[str]) -> bool:
    """Add ``message`` and its references in a savepoint; False (and nothing added) when one of the references is
    already queued for that recipient."""
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
            for ref in refs:
                session.add(OutboxRef(outbox_id=message.id, user_id=message.user_id, ref=ref))
            session.flush()
    except IntegrityError:
        return False
    return True


CLAIM_SQL = """
    UPDATE outbox SET claim = :claim, claimed_at = :now
    WHERE id IN (
        SELECT id FROM outbox WHERE sent_at IS NULL AND (claim IS NULL OR claimed_at < :stale) AND id > :after
        ORDER BY id LIMIT :batch
    ) AND sent_at IS NULL AND (claim IS NULL OR claimed_at < :stale)
"""


def claim(engine: Engine, claim_id: str, now: datetime, stale: datetime, *, after: int, batch: int) -> list[Outbox]:
    """Claim for run ``claim_id`` the next ``batch`` unsent messages after id ``after`` that no live run holds
    (a claim older than ``stale`` is abandoned) and return them, oldest first. One UPDATE: two runs never hold the
    same message."""
    params = {"claim": claim_id, "now": now, "stale": stale, "after": after, "batch": batch}
    with engine.begin() as connection:
        connection.execute(text(CLAIM_SQL), params)
    return held(engine, claim_id)


def held(engine: Engine, claim_id: str) -> list[Outbox]:
    """The unsent messages run ``claim_id`` holds, oldest first."""
    with Session(engine, expire_on_commit=False) as session:
        return list(
            session.exec(
                select(Outbox).where(Outbox.claim == claim_id, col(Outbox.sent_at).is_(None)).order_by(col(Outbox.id))
            )
        )


def mark(engine: Engine, message_id: int, claim_id: str, *, sent_at: datetime | None, error: str) -> None:
    """Record one message's outcome: sent (and released), or failed with ``error`` (released for the next run)."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE outbox SET sent_at = :sent_at, last_error = :error, attempts = attempts + 1, "
                "claim = NULL, claimed_at = NULL WHERE id = :id AND claim = :claim"
            ),
            {"sent_at": sent_at, "error": error, "id": message_id, "claim": claim_id},
        )


def outbox_frame(engine: Engine, limit: int = 200) -> pd.DataFrame:
    """The newest messages, newest first: when, to whom, what, and whether it went (or why not)."""
    sql = """
        SELECT b.id, b.created_at, b.sent_at, b.recipient, b.kind, b.subject, b.attempts, b.last_error,
               m.country AS mission
        FROM outbox b LEFT JOIN mission m ON m.id = b.mission_id
        ORDER BY b.id DESC LIMIT :limit
    """
    with reading(engine) as connection:
        return _frame(connection, sql, {"limit": limit})


def unsent(engine: Engine) -> int:
    """Messages queued and not sent yet (waiting, or failed and to be tried again)."""
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Outbox).where(col(Outbox.sent_at).is_(None))).one())
