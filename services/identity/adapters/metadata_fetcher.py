"""Fetching IdP metadata by URL (MetadataFetcher port): HTTPS only, no redirects, bounded size and time, and never
an address inside our own network (an administrator's URL must not reach internal services)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

import httpx

from services.common.errors import FieldViolation, InvalidArgument

MAX_METADATA_BYTES = 512 * 1024


def _refused(reason: str) -> InvalidArgument:
    return InvalidArgument(f"The metadata URL cannot be used: {reason}.", [FieldViolation("metadata_url", reason)])


class HttpsMetadataFetcher:
    def __init__(
        self,
        timeout_seconds: float = 10.0,
        *,
        verify: ssl.SSLContext | bool = True,
        allow_private_addresses: bool = False,
    ):
        """`verify`: the TLS context (its trusted CAs), the default bundle when True. `allow_private_addresses`
        lets an IdP inside our own network be fetched: for tests and single-network installs only."""
        self._timeout = timeout_seconds
        self._verify = verify
        self._allow_private = allow_private_addresses

    async def fetch(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise _refused("it must be an https URL")
        try:
            addresses = await asyncio.to_thread(socket.getaddrinfo, parts.hostname, parts.port or 443)
        except OSError:
            raise _refused("its host does not resolve") from None
        for *_, sockaddr in addresses:
            address = ipaddress.ip_address(sockaddr[0])
            if not address.is_global and not self._allow_private:
                raise _refused("its host is not a public address")
        async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False, verify=self._verify) as client:
            try:
                async with client.stream("GET", url) as response:
                    if response.status_code != 200:
                        raise _refused(f"it answered {response.status_code}")
                    body = b""
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > MAX_METADATA_BYTES:
                            raise _refused("the document is larger than 512 KiB")
            except httpx.HTTPError:
                raise _refused("it could not be fetched") from None
        return body.decode("utf-8", "replace")
