"""The gateway's request telemetry: a SERVER span per request (continuing an incoming traceparent), HTTP metrics
by route template, and one JSON access log line per request carrying its request id and trace id."""

from __future__ import annotations

import logging
import time

from opentelemetry import trace
from opentelemetry.trace import SpanKind
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.telemetry import extract

_tracer = trace.get_tracer("tenantry.gateway")
access_log = logging.getLogger("tenantry.gateway.access")

HTTP_REQUESTS = Counter(
    "tenantry_http_requests_total", "HTTP requests served by the gateway", ["method", "route", "code"]
)
HTTP_LATENCY = Histogram(
    "tenantry_http_request_seconds",
    "Time to serve an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def route_of(scope: Scope) -> str:
    """The matched route's template (/v1/members/{member_id}), never the raw path: ids would explode the labels."""
    route = scope.get("route")
    return str(getattr(route, "path", "")) or "unmatched"


class TelemetryMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope.get("headers", [])}
        started = time.perf_counter()
        status = 500  # unless a response starts
        with _tracer.start_as_current_span(
            f"{scope['method']} {scope['path']}",
            context=extract(headers),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": scope["method"], "url.path": scope["path"]},
        ) as span:

            async def send_with_status(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    span.set_attribute("http.response.status_code", status)
                await send(message)

            try:
                await self.app(scope, receive, send_with_status)
            finally:
                elapsed = time.perf_counter() - started
                route = route_of(scope)
                HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
                HTTP_LATENCY.labels(scope["method"], route).observe(elapsed)
                access_log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                        "request_id": scope.get("state", {}).get("request_id", ""),
                    },
                )
