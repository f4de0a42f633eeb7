"""Searching the strategy's texts."""

import pandas as pd


def search_strategy(frame: pd.DataFrame, query: str) -> pd.DataFrame:
    """Objectives whose code, title, goal or ICS texts contain every word of ``query`` (case-insensitive)."""
    words = [w for w in query.lower().split() if w]
    if not words:
        return frame
    haystack = (
        frame["code"]
        + " "
        + frame["title"]
        + " "
        + frame["goal_title"]
        + " "
        + frame["justification"]
        + " "
        + frame["linkages"]
        + " "
        + frame["risks"]
    ).str.lower()
    mask = pd.Series(True, index=frame.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
    return frame[mask]
