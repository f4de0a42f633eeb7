"""The client behind a request: X-Forwarded-For counts only from a trusted proxy, read from the right."""

import pytest

from dashboard.domain.client import UNKNOWN_CLIENT, client_address
from dashboard.settings import parse_networks

PROXIES = parse_networks("10.0.0.0/8, 2001:db8:ffff::/48, 192.0.2.99")


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        # no trusted proxy configured: the header is ignored, whatever it says
        ("203.0.113.7", "198.51.100.1", "", "203.0.113.7"),
        ("10.0.0.5", "198.51.100.1", "", "10.0.0.5"),
        # the peer is not a trusted proxy: it wrote the header itself
        ("203.0.113.7", "198.51.100.1", PROXIES, "203.0.113.7"),
        # one trusted proxy: the client is what it appended
        ("10.0.0.5", "203.0.113.7", PROXIES, "203.0.113.7"),
        # the client forged a first entry; the proxy appended the real address
        ("10.0.0.5", "198.51.100.66, 203.0.113.7", PROXIES, "203.0.113.7"),
        ("10.0.0.5", "1.2.3.4, 5.6.7.8, 203.0.113.7", PROXIES, "203.0.113.7"),
        # a chain of trusted proxies: skip them from the right
        ("10.0.0.5", "198.51.100.66, 203.0.113.7, 192.0.2.99, 10.1.2.3", PROXIES, "203.0.113.7"),
        # the client forged a trusted-looking entry to the left of its real address: still its real address
        ("10.0.0.5", "10.9.9.9, 203.0.113.7", PROXIES, "203.0.113.7"),
        # IPv6 peers, entries, brackets, ports and IPv4-mapped addresses
        ("2001:db8:ffff::1", "2001:db8:1::7", PROXIES, "2001:db8:1::7"),
        ("2001:db8:ffff::1", "[2001:db8:1::7]:51000, 2001:db8:ffff::2", PROXIES, "2001:db8:1::7"),
        ("::ffff:10.0.0.5", "203.0.113.7:443", PROXIES, "203.0.113.7"),
        ("2001:db8:1::7", "203.0.113.7", PROXIES, "2001:db8:1::7"),
        # garbage: an entry that is not an address stops the walk at the last trusted hop
        ("10.0.0.5", "203.0.113.7, not-an-address", PROXIES, "10.0.0.5"),
        ("10.0.0.5", "garbage, 203.0.113.7", PROXIES, "203.0.113.7"),
        ("10.0.0.5", " , ", PROXIES, "10.0.0.5"),
        ("10.0.0.5", "", PROXIES, "10.0.0.5"),
        ("10.0.0.5", None, PROXIES, "10.0.0.5"),
        # every entry is a trusted proxy: the left-most of them
        ("10.0.0.5", "10.0.0.4, 10.0.0.3", PROXIES, "10.0.0.4"),
        # no peer known
        (None, "203.0.113.7", PROXIES, UNKNOWN_CLIENT),
        ("", None, "", UNKNOWN_CLIENT),
    ],
)
def test_client_address(peer: str | None, forwarded: str | None, trusted: object, expected: str) -> None:
    networks = parse_networks(trusted) if isinstance(trusted, str) else trusted
    assert client_address(peer, forwarded, networks) == expected  # type: ignore[arg-type]


def test_a_new_forged_address_each_try_is_still_one_client() -> None:
    seen = {client_address("203.0.113.7", f"198.51.100.{n}", ()) for n in range(50)}
    assert seen == {"203.0.113.7"}
    behind_proxy = {client_address("10.0.0.5", f"198.51.100.{n}, 203.0.113.7", PROXIES) for n in range(50)}
    assert behind_proxy == {"203.0.113.7"}


@pytest.mark.parametrize("text", ["10.0.0.300", "proxy.internal", "10.0.0.0/33", "::1/129, 10.0.0.1"])
def test_a_bad_proxy_list_is_refused_naming_the_entry(text: str) -> None:
    with pytest.raises(ValueError, match="is not an IP address or CIDR block"):
        parse_networks(text)


def test_an_empty_proxy_list_is_empty() -> None:
    assert parse_networks("") == () and parse_networks(" , ") == ()
