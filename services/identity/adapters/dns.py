"""DNS behind the DnsResolver port (dnspython's asyncio resolver), for domain verification by TXT record."""

from __future__ import annotations

import dns.asyncresolver
import dns.exception
import dns.resolver


class DnspythonResolver:
    def __init__(self, nameservers: list[str] | None = None, port: int = 53, timeout_seconds: float = 5.0):
        self._resolver = dns.asyncresolver.Resolver(configure=not nameservers)
        if nameservers:
            self._resolver.nameservers = nameservers
            self._resolver.port = port
        self._resolver.lifetime = timeout_seconds

    async def txt_records(self, name: str) -> list[str]:
        try:
            answer = await self._resolver.resolve(name, "TXT")
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers, dns.exception.Timeout):
            return []
        return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]  # type: ignore[attr-defined]
