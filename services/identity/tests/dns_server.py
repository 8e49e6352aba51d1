"""A real DNS server for tests (dnslib's, over UDP on a free port) that answers TXT records it is given."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from dnslib import QTYPE, RR, TXT
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSRecord, DNSServer


class TxtZone(BaseResolver):
    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        if request.q.qtype == QTYPE.TXT:
            for value in self.records.get(name, []):
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(value), ttl=1))
        if not reply.rr:
            reply.header.rcode = 3  # NXDOMAIN
        return reply


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dns_server() -> Iterator[tuple[TxtZone, int]]:
    zone = TxtZone()
    port = free_udp_port()
    server = DNSServer(
        zone, port=port, address="127.0.0.1", logger=DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data")
    )
    server.start_thread()
    try:
        yield zone, port
    finally:
        server.stop()
        server.server.server_close()
