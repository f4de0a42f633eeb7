"""Read-only queries that return DataFrames. No Streamlit here; callers cache."""

import pandas as pd
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from models import Goal, Mission, Objective, StatusUpdate


def missions_frame(engine: Engine) -> pd.DataFrame:
    with Session(engine) as session:
        rows = session.exec(select(Mission).order_by(Mission.country)).all()
        return pd.DataFrame(
            [
                {
                    "mission_id": m.id,
                    "country": m.country,
                    "post": m.post,
                    "strategy_start": m.strategy_start,
                    "strategy_end": m.strategy_end,
                    "approved_on": m.approved_on,
                    "updated_on": m.updated_on,
                }
                for m in rows
            ],
            columns=["mission_id", "country", "post", "strategy_start", "strategy_end", "approved_on", "updated_on"],
        )


STRATEGY_COLUMNS = [
    "goal_code", "goal_title", "goal_description", "objective_id", "code", "kind", "title",
    "justification", "linkages", "risks",
]


def strategy_frame(engine: Engine, mission_id: int) -> pd.DataFrame:
    """One row per objective, in document order, with its goal; management objectives last."""
    with Session(engine) as session:
        goals = {g.id: g for g in session.exec(select(Goal).where(Goal.mission_id == mission_id))}
        objectives = session.exec(
            select(Objective).where(Objective.mission_id == mission_id).order_by(Objective.position)
        ).all()
        rows = []
        for o in objectives:
            goal = goals.get(o.goal_id) if o.goal_id is not None else None
            rows.append(
                {
                    "goal_code": goal.code if goal else "M",
                    "goal_title": goal.title if goal else "Management",
                    "goal_description": goal.description if goal else "",
                    "objective_id": o.id,
                    "code": o.code,
                    "kind": o.kind,
                    "title": o.title,
                    "justification": o.justification,
                    "linkages": o.linkages,
                    "risks": o.risks,
                }
            )
        return pd.DataFrame(rows, columns=STRATEGY_COLUMNS)


def demo_row_count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(StatusUpdate).where(StatusUpdate.is_demo)).one())


def search_strategy(frame: pd.DataFrame, query: str) -> pd.DataFrame:
    """Objectives whose code, title, goal or ICS texts contain every word of ``query`` (case-insensitive)."""
    words = [w for w in query.lower().split() if w]
    if not words:
        return frame
    haystack = (
        frame["code"] + " " + frame["title"] + " " + frame["goal_title"] + " " + frame["justification"] + " "
        + frame["linkages"] + " " + frame["risks"]
    ).str.lower()
    mask = pd.Series(True, index=frame.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
    return frame[mask]
