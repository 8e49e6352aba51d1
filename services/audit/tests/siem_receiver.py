"""A SIEM's endpoint for the log stream tests: a real uvicorn server on a free local port, reading batches as a
webhook, Splunk's HTTP Event Collector or Datadog's logs intake would."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.audit.domain.log_stream_formats import DATADOG, SPLUNK_HEC, WEBHOOK
from services.audit.domain.log_streams import SIGNATURE_HEADER
from services.common.nats_server import free_port


def hec_objects(body: bytes) -> list[dict[str, Any]]:
    """A Splunk HEC batch: JSON objects one after another."""
    decoder, text, objects, at = json.JSONDecoder(), body.decode(), [], 0
    while at < len(text):
        value, at = decoder.raw_decode(text, at)
        objects.append(value)
    return objects


def events_of(format_name: str, body: bytes) -> list[dict[str, Any]]:
    if format_name == SPLUNK_HEC:
        return [item["event"] for item in hec_objects(body)]
    if format_name == DATADOG:
        return list(json.loads(body))
    return list(json.loads(body)["events"])


@dataclass
class Receiver:
    """A SIEM's endpoint: answers 200, 500 ("fail"), 500 after keeping the batch ("lost_ack": the
    acknowledgement is lost, so the batch comes again) or nothing in time ("stall"); 401 when `credential` (a
    header and its value, as Splunk and Datadog check them) is set and the request does not carry it."""

    url: str
    mode: str = "ok"
    format: str = WEBHOOK
    credential: tuple[str, str] | None = None
    requests: list[tuple[str, bytes]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    kept: list[dict[str, Any]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        self.requests.append((request.headers.get(SIGNATURE_HEADER, ""), body))
        self.headers.append(dict(request.headers))
        if self.credential is not None and request.headers.get(self.credential[0]) != self.credential[1]:
            return Response(status_code=401)
        if self.mode == "stall":
            await asyncio.wait_for(self.release.wait(), timeout=5)
        if self.mode in ("ok", "lost_ack"):
            self.kept.extend(events_of(self.format, body))
        return Response(status_code=200 if self.mode == "ok" else 500)

    def sequences(self) -> list[int]:
        return [int(str(event["sequence"])) for event in self.kept]

    def unique_sequences(self) -> list[int]:
        """What a receiver deduplicating by event id keeps, in arrival order."""
        seen: dict[str, int] = {}
        for event in self.kept:
            seen.setdefault(str(event["id"]), int(str(event["sequence"])))
        return list(seen.values())


@asynccontextmanager
async def running_receiver(tls: tuple[Path, Path] | None = None) -> AsyncIterator[Receiver]:
    """Plain http, or https with `tls` (certificate file, key file)."""
    port = free_port()
    receiver = Receiver(f"{'https' if tls else 'http'}://127.0.0.1:{port}/siem")
    app = Starlette(routes=[Route("/siem", receiver.handle, methods=["POST"])])
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=1,
        ssl_certfile=str(tls[0]) if tls else None,
        ssl_keyfile=str(tls[1]) if tls else None,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    yield receiver
    receiver.release.set()
    server.should_exit = True
    await serving


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running
