"""The sign-in cookie's HTTP routes, as a browser and as another site would call them."""

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard.domain import session_token
from dashboard.web import session_cookie

HEADERS = {session_cookie.HEADER: "1"}


@pytest.fixture
def client() -> TestClient:
    return TestClient(Starlette(routes=session_cookie.ROUTES), base_url="http://ics.test")


def test_a_ticket_becomes_an_http_only_strict_cookie_once(client: TestClient) -> None:
    ticket, token = session_cookie.hand_out_ticket("officer@usaid.gov")
    response = client.post(session_cookie.PATH, json={"ticket": ticket}, headers=HEADERS)
    assert response.status_code == 204
    set_cookie = response.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie and "Path=/" in set_cookie
    assert "Secure" not in set_cookie  # plain HTTP, no trusted proxy saying otherwise
    assert session_cookie.token_in({session_cookie.COOKIE: response.cookies[session_cookie.COOKIE]}) == token
    again = client.post(session_cookie.PATH, json={"ticket": ticket}, headers=HEADERS)
    assert again.status_code == 400 and "set-cookie" not in again.headers


def test_other_sites_and_made_up_tickets_get_no_cookie(client: TestClient) -> None:
    ticket, _ = session_cookie.hand_out_ticket("officer@usaid.gov")
    no_header = client.post(session_cookie.PATH, json={"ticket": ticket})
    other_site = client.post(
        session_cookie.PATH, json={"ticket": ticket}, headers={**HEADERS, "Origin": "https://evil.example"}
    )
    made_up = client.post(session_cookie.PATH, json={"ticket": "guess"}, headers=HEADERS)
    huge = client.post(session_cookie.PATH, content=b"{" + b" " * 10_000 + b"}", headers=HEADERS)
    not_json = client.post(session_cookie.PATH, content=b"\xff\xfe", headers=HEADERS)
    assert [r.status_code for r in (no_header, other_site, made_up, huge, not_json)] == [403, 403, 400, 400, 400]
    assert all("set-cookie" not in r.headers for r in (no_header, other_site, made_up, huge, not_json))
    same_site = client.post(
        session_cookie.PATH, json={"ticket": ticket}, headers={**HEADERS, "Origin": "http://ics.test"}
    )
    assert same_site.status_code == 204  # the ticket was not used up by the refused tries


def test_a_forged_or_signed_out_cookie_signs_no_one_in(client: TestClient) -> None:
    text, token = session_token.issue(b"not the server's key" * 2, "admin@state.gov")
    assert session_cookie.token_in({session_cookie.COOKIE: text}) is None
    ticket, token = session_cookie.hand_out_ticket("admin@state.gov")
    value = client.post(session_cookie.PATH, json={"ticket": ticket}, headers=HEADERS).cookies[session_cookie.COOKIE]
    assert session_cookie.token_in({session_cookie.COOKIE: value}) == token
    client.cookies.set(session_cookie.COOKIE, value)
    ended = client.post(session_cookie.END_PATH, headers=HEADERS)
    assert ended.status_code == 204 and "Max-Age=0" in ended.headers["set-cookie"]
    assert session_cookie.token_in({session_cookie.COOKIE: value}) is None  # even if the browser kept it


def test_secure_flag_follows_https_and_only_a_trusted_proxy_may_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def set_cookie(base_url: str, headers: dict[str, str]) -> str:
        client = TestClient(Starlette(routes=session_cookie.ROUTES), base_url=base_url, client=("127.0.0.1", 50000))
        ticket, _ = session_cookie.hand_out_ticket("officer@usaid.gov")
        response = client.post(session_cookie.PATH, json={"ticket": ticket}, headers={**HEADERS, **headers})
        assert response.status_code == 204
        return response.headers["set-cookie"]

    monkeypatch.delenv("ICS_TRUSTED_PROXIES", raising=False)
    assert "Secure" in set_cookie("https://ics.test", {})
    assert "Secure" not in set_cookie("http://ics.test", {"X-Forwarded-Proto": "https"})  # anyone can write that
    monkeypatch.setenv("ICS_TRUSTED_PROXIES", "127.0.0.1")
    assert "Secure" in set_cookie("http://ics.test", {"X-Forwarded-Proto": "https"})  # the proxy took HTTPS
    assert "Secure" not in set_cookie("http://ics.test", {"X-Forwarded-Proto": "http"})
