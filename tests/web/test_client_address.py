"""The address the sign-in page counts failures against, from the request's peer and headers."""

from types import SimpleNamespace

import pytest
from streamlit.runtime.context import StreamlitHeaders

from dashboard.settings import Settings, parse_networks
from dashboard.web import config, identity


def _request(monkeypatch: pytest.MonkeyPatch, peer: str | None, headers: list[tuple[str, str]]) -> None:
    context = SimpleNamespace(headers=StreamlitHeaders(headers), ip_address=peer)
    monkeypatch.setattr(identity, "st", SimpleNamespace(context=context))


@pytest.fixture(autouse=True)
def no_fixed_settings() -> object:
    yield
    config.use(None)


@pytest.mark.parametrize("n", range(5))
def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    config.use(Settings())
    _request(monkeypatch, "198.51.100.66", [("X-Forwarded-For", f"203.0.113.{n}")])
    assert identity.client_address() == "198.51.100.66"


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    config.use(Settings(trusted_proxies=parse_networks("127.0.0.1, 10.0.0.0/8")))
    headers = [("X-Forwarded-For", "192.0.2.250, 203.0.113.7"), ("X-Forwarded-For", "10.0.0.2")]
    _request(monkeypatch, "10.0.0.1", headers)
    assert identity.client_address() == "203.0.113.7"
    _request(monkeypatch, None, headers)  # Streamlit shows a proxy on the same host as no address
    assert identity.client_address() == "203.0.113.7"
