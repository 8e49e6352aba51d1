"""Posts log stream batches over HTTP: a 2xx acknowledges, anything else (status, timeout, refused) fails.

Never to an address inside our own network: an administrator's URL must not reach internal services. The
destination's name is resolved once per delivery, every address it resolves to is checked, and the connection is
made to the checked address itself (the URL's host kept in the Host header and, for https, in the TLS server name
the certificate is verified against). A name whose DNS answer changes between the check and the connection (DNS
rebinding) therefore cannot steer the request inside. Private, loopback and link-local addresses are refused unless
they fall in the operator's allowed networks (setting log_stream_allowed_networks, e.g. 127.0.0.0/8 for a local
receiver)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

import httpx

from services.audit.domain.log_stream_cases import DeliveryFailed
from services.audit.domain.log_streams import Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the addresses it resolves to, as text.
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.to_thread(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _address(text: str) -> Address:
    address = ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") says nothing here
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    return address


class HttpWebhookSender:
    def __init__(
        self,
        timeout_seconds: float,
        allowed_networks: Sequence[Network] = (),
        resolver: Resolver = system_resolver,
        verify: ssl.SSLContext | bool = True,
    ):
        self._allowed_networks = tuple(allowed_networks)
        self._resolver = resolver
        # No redirects: a destination that moved is reconfigured by an admin, not followed blindly.
        # `verify`: the system's trust store; tests pass a context trusting their own authority. No kept-alive
        # connections: the pool is keyed by the address connected to, so a TLS connection verified for one name
        # would otherwise carry the next delivery to another name at the same address.
        self._client = httpx.AsyncClient(
            timeout=timeout_seconds,
            follow_redirects=False,
            verify=verify,
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def allows(self, address: Address) -> bool:
        return address.is_global or any(address in network for network in self._allowed_networks)

    async def _pinned_address(self, host: str, port: int) -> Address:
        """The one address this delivery connects to, after checking every address the name resolves to."""
        try:
            addresses = [_address(host)]
        except ValueError:
            try:
                addresses = [_address(text) for text in await self._resolver(host, port)]
            except (OSError, ValueError) as exc:
                raise DeliveryFailed(f"the host {host} does not resolve") from exc
        if not addresses:
            raise DeliveryFailed(f"the host {host} does not resolve")
        refused = [address for address in addresses if not self.allows(address)]
        if refused:
            raise DeliveryFailed(f"the host {host} is not a public address ({refused[0]})")
        # IPv4 first: reachable from more hosts; the order within a family is the resolver's.
        return sorted(addresses, key=lambda address: address.version)[0]

    async def post(self, url: str, headers: dict[str, str], body: bytes) -> None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = await self._pinned_address(host, port)
        literal = f"[{address}]" if address.version == 6 else str(address)
        pinned = parts._replace(netloc=f"{literal}:{port}").geturl()
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        try:
            response = await self._client.post(
                pinned, content=body, headers={**headers, "Host": parts.netloc}, extensions=extensions
            )
        except httpx.TimeoutException as exc:
            raise DeliveryFailed(f"timed out: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise DeliveryFailed(f"HTTP {response.status_code}: {response.text[:200]}")

    async def close(self) -> None:
        await self._client.aclose()
