"""Versions of a mission's strategy texts: each import that changes a goal's or objective's text keeps the texts
after it as the next version, so the plan as it stood on any date stays readable and nothing is overwritten.

The texts are read with plain SQL (a migration writes version 1 with the same function).
"""

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text

from dashboard.store.closed_records import canonical
from dashboard.store.database import reading

OBJECTIVE_TEXTS = ("title", "justification", "linkages", "risks")


def current_texts(connection: Connection, mission_id: int) -> dict[str, Any]:
    """Every goal's and objective's texts now (retired objectives marked), as a version holds them."""
    goals = connection.execute(
        text("SELECT code, title, description FROM goal WHERE mission_id = :m ORDER BY position, code"),
        {"m": mission_id},
    ).all()
    objectives = connection.execute(
        text(
            "SELECT o.code, o.title, o.justification, o.linkages, o.risks, g.code, o.retired_on FROM objective o "
            "LEFT JOIN goal g ON g.id = o.goal_id WHERE o.mission_id = :m ORDER BY o.position, o.code"
        ),
        {"m": mission_id},
    ).all()
    return {
        "goals": {str(c): {"title": t or "", "description": d or ""} for c, t, d in goals},
        "objectives": {
            str(code): {
                **dict(zip(OBJECTIVE_TEXTS, (title or "", just or "", links or "", risks or ""), strict=True)),
                "goal": goal or "",
                "retired": retired is not None,
            }
            for code, title, just, links, risks, goal, retired in objectives
        },
    }


def _latest(connection: Connection, mission_id: int) -> tuple[int, str] | None:
    row = connection.execute(
        text("SELECT version, texts FROM strategy_version WHERE mission_id = :m ORDER BY version DESC LIMIT 1"),
        {"m": mission_id},
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def next_version(connection: Connection, mission_id: int) -> int:
    """The version the next change of texts would keep (1 in a database not yet upgraded to versions)."""
    if not inspect(connection).has_table("strategy_version"):
        return 1
    latest = _latest(connection, mission_id)
    return 1 if latest is None else latest[0] + 1


def keep(connection: Connection, mission_id: int, actor: str, source_sha256: str | None = None) -> int | None:
    """Store the mission's texts now as its next version when they differ from the latest one (or there is none);
    returns the version stored, or None when nothing changed."""
    texts = canonical(current_texts(connection, mission_id))  # as a quarter's record is written
    latest = _latest(connection, mission_id)
    if latest is not None and latest[1] == texts:
        return None
    version = 1 if latest is None else latest[0] + 1
    connection.execute(
        text(
            "INSERT INTO strategy_version (mission_id, version, recorded_at, actor, source_sha256, texts) "
            "VALUES (:m, :v, :at, :actor, :sha, :texts)"
        ),
        {
            "m": mission_id,
            "v": version,
            "at": datetime.now(UTC),
            "actor": actor[:254],
            "sha": source_sha256 or "",
            "texts": texts,
        },  # fmt: skip
    )
    return version


def versions(source: Engine | Connection, mission_id: int) -> list[dict[str, Any]]:
    """Every version of the mission's texts, oldest first: ``version``, ``recorded_at``, ``actor`` and ``texts``."""
    with reading(source) as connection:
        rows = connection.execute(
            text(
                "SELECT version, recorded_at, actor, source_sha256, texts FROM strategy_version "
                "WHERE mission_id = :m ORDER BY version"
            ),
            {"m": mission_id},
        ).all()
    out = []
    for version, at, actor, sha, texts in rows:
        moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        out.append({"version": int(version), "recorded_at": moment, "actor": actor, "source_sha256": sha,
                    "texts": json.loads(texts)})  # fmt: skip
    return out
