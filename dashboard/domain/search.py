"""Searching the strategy's texts: which objectives match, in what order, and where each match is."""

import re

import pandas as pd

TEXT_COLUMNS = ["goal_title", "justification", "linkages", "risks"]


def query_words(query: str) -> list[str]:
    """The distinct words of a search, lower-cased, longest first (so "corruption" wins over "corrupt")."""
    words = dict.fromkeys(w for w in query.lower().split() if w)
    return sorted(words, key=len, reverse=True)


def search_strategy(frame: pd.DataFrame, query: str) -> pd.DataFrame:
    """Objectives whose code, title, goal or ICS texts contain every word of ``query`` (case-insensitive).

    Ranked: objectives whose code or title holds every word first, then those whose code or title holds some,
    then the rest; document order within each. Adds ``title_hits`` (how many words the code or title holds).
    """
    words = query_words(query)
    if not words:
        return frame.assign(title_hits=0)
    title = (frame["code"] + " " + frame["title"]).str.lower()
    haystack = title + " " + frame[TEXT_COLUMNS].apply(lambda c: c.fillna("")).agg(" ".join, axis=1).str.lower()
    mask = pd.Series(True, index=frame.index)
    hits = pd.Series(0, index=frame.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
        hits += title.str.contains(word, regex=False).astype(int)
    found = frame[mask].assign(title_hits=hits[mask], _order=range(int(mask.sum())))
    return found.sort_values(["title_hits", "_order"], ascending=[False, True]).drop(columns="_order")


def segments(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, is_match)`` pieces, each case-insensitive occurrence of a word a match.

    Joining the pieces gives back ``text``. Adjacent matches are merged into one.
    """
    if not text:
        return []
    if not words:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    last = 0
    for found in pattern.finditer(text):
        if found.start() > last:
            pieces.append((text[last : found.start()], False))
        if pieces and pieces[-1][1] and found.start() == last:
            pieces[-1] = (pieces[-1][0] + found.group(), True)
        else:
            pieces.append((found.group(), True))
        last = found.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces
