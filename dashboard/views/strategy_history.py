"""The strategy as it stood on a date (from its kept versions), and an objective's text changes over time."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from dashboard.domain.reporting import day_text
from dashboard.services.strategy_import import text_diff
from dashboard.store.queries import STRATEGY_COLUMNS
from models.scales import MANAGEMENT_GOAL_CODE, MANAGEMENT_GOAL_NAME

FIELDS = (("title", "Title"), ("justification", "Justification"), ("linkages", "Linkages"), ("risks", "Risks"))


def version_on(versions: list[dict[str, Any]], when: date) -> dict[str, Any] | None:
    """The version in force on ``when`` (the newest kept by the end of that day); the first one for an earlier
    date (the texts before it were not kept); None without versions."""
    if not versions:
        return None
    kept = [v for v in versions if v["recorded_at"].date() <= when]
    return kept[-1] if kept else versions[0]


def version_note(version: dict[str, Any], when: date, versions: list[dict[str, Any]]) -> str:
    day = version["recorded_at"]
    note = f"Version {version['version']} of {len(versions)}, kept {day_text(day)} by {version['actor']}."
    if when < day.date():
        note += " It is the earliest kept: the texts before it were not recorded."
    return note


def frame_of(version: dict[str, Any], live: pd.DataFrame) -> pd.DataFrame:
    """``version``'s texts in the Strategy page's columns (``queries.strategy_frame``), in the live order where an
    objective still exists; objectives retired in that version left out."""
    texts = version["texts"]
    goals = texts["goals"]
    order = {code: i for i, code in enumerate(live["code"])} if not live.empty else {}
    ids = dict(zip(live["code"], live["objective_id"], strict=True)) if not live.empty else {}
    rows = []
    for code, objective in texts["objectives"].items():
        if objective.get("retired"):
            continue
        goal_code = objective.get("goal") or MANAGEMENT_GOAL_CODE
        goal = goals.get(goal_code, {})
        rows.append(
            {
                "goal_code": goal_code,
                "goal_title": goal.get("title", MANAGEMENT_GOAL_NAME if goal_code == MANAGEMENT_GOAL_CODE else ""),
                "goal_description": goal.get("description", ""),
                "objective_id": ids.get(code),
                "code": code,
                "kind": "management" if goal_code == MANAGEMENT_GOAL_CODE else "mission",
                **{name: objective.get(name, "") for name, _ in FIELDS},
            }
        )
    frame = pd.DataFrame(rows, columns=STRATEGY_COLUMNS)
    ranks = frame["code"].map(lambda c: order.get(c, len(order)))
    management_last = frame["goal_code"] == MANAGEMENT_GOAL_CODE
    return frame.assign(_m=management_last, _r=ranks).sort_values(["_m", "_r", "code"]).drop(columns=["_m", "_r"])


@dataclass(frozen=True)
class TextChange:
    version: int
    recorded_at: str
    actor: str
    field: str
    diff: str  # a unified diff, one sentence a line ("-" before, "+" after)


def objective_changes(versions: list[dict[str, Any]], code: str) -> list[TextChange]:
    """Each change of the objective's texts from one kept version to the next, oldest first."""
    out = []
    for before, after in zip(versions, versions[1:], strict=False):
        old = before["texts"]["objectives"].get(code, {})
        new = after["texts"]["objectives"].get(code, {})
        for name, label in FIELDS:
            if old.get(name, "") != new.get(name, ""):
                diff = text_diff(str(old.get(name, "")), str(new.get(name, "")))
                diff = diff.replace("--- current", f"--- version {before['version']}", 1)
                diff = diff.replace("+++ document", f"+++ version {after['version']}", 1)
                out.append(TextChange(after["version"], day_text(after["recorded_at"]), after["actor"], label, diff))
    return out


def objective_texts(version: dict[str, Any] | None, code: str, live: pd.Series) -> tuple[dict[str, str], str]:
    """The objective's goal title and texts in ``version`` (the live ones when it has none for the objective), and
    the goal title as it stood."""
    texts = (version or {}).get("texts", {}).get("objectives", {}).get(code)
    if texts is None:
        return {name: str(live[name]) for name, _ in FIELDS}, str(live["goal_title"])
    goal = (version or {}).get("texts", {}).get("goals", {}).get(texts.get("goal", ""), {})
    return {name: str(texts.get(name, "")) for name, _ in FIELDS}, str(goal.get("title") or live["goal_title"])
