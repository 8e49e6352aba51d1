"""The client's IP address behind trusted reverse proxies (an ingress, a load balancer).

X-Forwarded-For is honoured only when the connection comes from a configured proxy, and then read from the
right: each trusted proxy appended the address it saw, so the rightmost address that is not a trusted proxy is
the client. Anything left of it was written by the client and is never believed."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(setting: str) -> list[Network]:
    """Comma-separated addresses or CIDRs ("10.0.0.0/8, fd00::/8"); ValueError names a bad one."""
    networks = []
    for item in setting.split(","):
        if item.strip():
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError as exc:
                raise ValueError(f"trusted_proxies: {item.strip()!r} is not an IP address or CIDR") from exc
    return networks


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str, forwarded_for: Sequence[str], proxies: Sequence[Network]) -> str:
    """The client's address, given the connection's peer, every X-Forwarded-For header value in order, and the
    trusted proxy networks."""
    if not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",")]
    nearest = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return nearest  # garbage in the header: the last address a trusted proxy vouched for
        if not _trusted(hop, proxies):
            return hop
        nearest = hop
    return nearest
