"""Admin's E-mail tab: the outbox as a table, and what the next ``notify`` run would send. No Streamlit."""

import pandas as pd

from dashboard.domain.notices import Clock, Notice, Rules, upcoming
from dashboard.domain.reporting import day_text

OUTBOX_LABELS = {
    "state": "State",
    "created_at": "Queued",
    "sent_at": "Sent",
    "mission": "Mission",
    "recipient": "To",
    "kind": "Kind",
    "subject": "Subject",
    "attempts": "Tries",
    "last_error": "Last error",
}


def outbox_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The outbox rows with their state in words: "Sent", "Failed: will be tried again", "Waiting"."""
    if frame.empty:
        return pd.DataFrame(columns=list(OUTBOX_LABELS.values()))
    out = frame.copy()
    out["state"] = [
        "Sent" if pd.notna(sent) else ("Failed: will be tried again" if error else "Waiting")
        for sent, error in zip(out["sent_at"], out["last_error"].fillna(""), strict=True)
    ]
    for column in ("created_at", "sent_at"):
        out[column] = [_minute(v) for v in out[column]]
    out["mission"] = out["mission"].fillna("")
    return out[list(OUTBOX_LABELS)].rename(columns=OUTBOX_LABELS)


def _minute(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return ""
    return str(pd.Timestamp(value).strftime("%d %b %Y %H:%M")) + " UTC"  # type: ignore[arg-type]


def counts_sentence(frame: pd.DataFrame) -> str:
    """ "12 sent, 1 failed (tried again next run), 0 waiting, of the newest 200."."""
    table = outbox_table(frame)
    if table.empty:
        return "Nothing has been sent yet."
    states = table["State"]
    failed = int(states.str.startswith("Failed").sum())
    return (
        f"{int((states == 'Sent').sum())} sent, {failed} failed (tried again on the next run), "
        f"{int((states == 'Waiting').sum())} waiting, of the newest {len(table)} messages."
    )


def due_table(notices: list[Notice]) -> pd.DataFrame:
    """What the next run would send: to whom, what, and why."""
    return pd.DataFrame(
        [{"To": n.email, "Kind": n.kind, "Subject": n.subject, "Why": n.why} for n in notices],
        columns=["To", "Kind", "Subject", "Why"],
    )


def upcoming_table(clocks: dict[int, Clock], rules: Rules) -> pd.DataFrame:
    """Per mission, its reporting quarter, due date and the next reminder with its day (in the post's calendar)."""
    rows = []
    for clock in clocks.values():
        if clock.quarter is None or clock.due is None:
            continue
        coming = upcoming(clock, rules)
        day, name = coming[0] if coming else (None, "None left this quarter")
        rows.append(
            {
                "Mission": clock.name,
                "Quarter": clock.quarter.label,
                "Due": day_text(clock.due),
                "Next": name,
                "On": "" if day is None else day_text(day),
            }
        )
    return pd.DataFrame(rows, columns=["Mission", "Quarter", "Due", "Next", "On"])
