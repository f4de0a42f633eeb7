"""Which address a request comes from, for counting sign-in failures per client.

``X-Forwarded-For`` is written by whoever sends the request: a browser can put any address in it. Only a
proxy the operator trusts (``ICS_TRUSTED_PROXIES``) may speak for the client, and each proxy appends the
address it saw, so the right-most address that is not a trusted proxy is the client; anything to its left
came from the client and is ignored.
"""

import ipaddress
from collections.abc import Iterable

from dashboard.settings import Network

UNKNOWN_CLIENT = "unknown client"


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from a header entry or a peer, or None for anything else (a name, "unknown", garbage)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text.split("%")[0])  # drop an IPv6 zone ("fe80::1%eth0")
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address  # "::ffff:192.0.2.1" is 192.0.2.1


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, trusted: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_address(peer: str | None, forwarded_for: str | None, trusted: Iterable[Network]) -> str:
    """The client behind a request.

    ``peer`` is the address that connected to the app; ``forwarded_for`` the X-Forwarded-For header (all its
    values joined by commas). The header counts only when ``peer`` is a trusted proxy: then the right-most
    entry that is not a trusted proxy is the client. An entry that is not an address stops the walk (a
    trusted proxy never writes one, so it came from the client), and the last trusted hop stands in.
    """
    trusted = tuple(trusted)
    peer = peer if isinstance(peer, str) else None
    forwarded_for = forwarded_for if isinstance(forwarded_for, str) else None
    peer_address = _address(peer) if peer else None
    if peer_address is None:
        return peer.strip() if peer and peer.strip() else UNKNOWN_CLIENT
    if not trusted or not _trusted(peer_address, trusted) or not forwarded_for:
        return str(peer_address)
    client = peer_address
    for entry in reversed(forwarded_for.split(",")):
        hop = _address(entry)
        if hop is None:
            break
        client = hop
        if not _trusted(hop, trusted):
            break
    return str(client)


def is_trusted(peer: str | None, trusted: Iterable[Network]) -> bool:
    """True when ``peer`` (the address that connected) is one of the trusted proxies."""
    address = _address(peer) if isinstance(peer, str) else None
    return address is not None and _trusted(address, tuple(trusted))
