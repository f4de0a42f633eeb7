"""Strategy search: which objectives match, title hits first, and where each match is (hand-made frames)."""

import pandas as pd
import pytest

from dashboard.domain import search

FRAME = pd.DataFrame(
    [
        ("1", "Trade", "1.1", "Grow trade", "Ports are slow.", "", "Corruption in customs."),
        ("1", "Trade", "1.2", "Fight corruption in ports", "", "", ""),
        ("2", "Security", "2.1", "Safer streets", "Police corruption and customs.", "", ""),
        ("2", "Security", "2.2", "Anti-corruption courts", "Customs judges.", "", ""),
    ],
    columns=["goal_code", "goal_title", "code", "title", "justification", "linkages", "risks"],
)


def _codes(query: str) -> list[str]:
    return list(search.search_strategy(FRAME, query)["code"])


def test_an_empty_query_keeps_every_objective_in_document_order() -> None:
    assert _codes("   ") == ["1.1", "1.2", "2.1", "2.2"]


def test_title_hits_come_first_then_document_order() -> None:
    # 1.2 and 2.2 hold "corruption" in their titles; 1.1 (risks) and 2.1 (justification) only in their texts.
    assert _codes("corruption") == ["1.2", "2.2", "1.1", "2.1"]


def test_every_word_must_match_and_more_title_words_rank_higher() -> None:
    # "customs" + "corruption": 1.1, 2.1 and 2.2 hold both; 2.2 has one of them in its title.
    assert _codes("Customs CORRUPTION") == ["2.2", "1.1", "2.1"]
    assert _codes("corruption ports") == ["1.2", "1.1"]  # 1.2: both words in its title; 1.1: both in its texts
    assert _codes("zzz") == []


def test_a_code_counts_as_a_title_hit() -> None:
    assert _codes("2.1") == ["2.1"]


@pytest.mark.parametrize(
    ("text", "words", "pieces"),
    [
        ("Anti-corruption courts", ["corruption"], [("Anti-", False), ("corruption", True), (" courts", False)]),
        ("CORRUPTION", ["corruption"], [("CORRUPTION", True)]),
        ("ab ab", ["ab"], [("ab", True), (" ", False), ("ab", True)]),
        ("corruptions", ["corrupt", "corruption"], [("corruption", True), ("s", False)]),  # the longest wins
        ("customscorruption", ["customs", "corruption"], [("customscorruption", True)]),  # adjacent: one match
        ("no match", ["zzz"], [("no match", False)]),
        ("", ["x"], []),
        ("a.b (c)", ["(c)"], [("a.b ", False), ("(c)", True)]),  # words are literal, not patterns
    ],
)
def test_segments(text: str, words: list[str], pieces: list[tuple[str, bool]]) -> None:
    assert search.segments(text, words) == pieces
    assert "".join(piece for piece, _ in pieces) == text


def test_query_words_are_distinct_lower_case_and_longest_first() -> None:
    assert search.query_words(" Corrupt corruption CORRUPT ") == ["corruption", "corrupt"]
