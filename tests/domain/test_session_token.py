"""Sign-in tokens: only this secret's signature counts, they expire, and tickets are taken once."""

from dataclasses import replace

from dashboard.domain import session_token
from dashboard.domain.session_token import SignedOut, Tickets

KEY = b"k" * 32


def test_a_token_round_trips_and_names_its_email() -> None:
    text, token = session_token.issue(KEY, "officer@usaid.gov", now=1000.0)
    assert session_token.verify(KEY, text, now=1001.0) == token
    assert token.email == "officer@usaid.gov" and token.expires == 1000 + session_token.TOKEN_SECONDS


def test_another_key_a_changed_payload_or_an_expired_token_is_refused() -> None:
    text, _ = session_token.issue(KEY, "officer@usaid.gov", now=1000.0)
    payload, signature = text.split(".")
    forged, _ = session_token.issue(b"x" * 32, "admin@state.gov", now=1000.0)
    assert session_token.verify(b"other key" * 4, text, now=1001.0) is None
    assert session_token.verify(KEY, f"{forged.split('.')[0]}.{signature}", now=1001.0) is None
    assert session_token.verify(KEY, text, now=1000.0 + session_token.TOKEN_SECONDS) is None
    for junk in ("", ".", "a.b", "a.b.c", "é.é", None, 42, "x" * 5000, f"{payload}.{signature}="):
        assert session_token.verify(KEY, junk, now=1001.0) is None


def test_a_ticket_is_taken_once_and_lapses() -> None:
    tickets = Tickets(seconds=30)
    first = tickets.hand_out("token-1", now=0.0)
    assert tickets.take(first, now=1.0) == "token-1"
    assert tickets.take(first, now=2.0) is None  # once
    late = tickets.hand_out("token-2", now=0.0)
    assert tickets.take(late, now=31.0) is None  # lapsed
    assert tickets.take("made up", now=1.0) is None and tickets.take(None) is None


def test_tickets_and_signed_out_records_are_bounded() -> None:
    tickets = Tickets(seconds=30, limit=3)
    handed = [tickets.hand_out(f"t{i}", now=0.0) for i in range(5)]
    assert [tickets.take(t, now=1.0) for t in handed] == [None, None, "t2", "t3", "t4"]
    signed_out = SignedOut(limit=2)
    _, token = session_token.issue(KEY, "a@b.gov", now=0.0)
    others = [replace(token, nonce=str(i)) for i in range(3)]
    for other in others:
        signed_out.add(other, now=1.0)
    assert others[0] not in signed_out and others[2] in signed_out and token not in signed_out
