"""Composition root of the gateway: create_app(settings) builds the ASGI app; `serve` runs it."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import uvicorn
from prometheus_client import start_http_server
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from gateway.auth import Authenticator
from gateway.clients import ServiceClients
from gateway.internal_errors import InternalErrorMiddleware
from gateway.observability import TelemetryMiddleware
from gateway.openapi import openapi_document
from gateway.pipeline import build_routes
from gateway.portal import build_portal_routes
from gateway.problems import problem
from gateway.request_id import RequestIdMiddleware
from gateway.routes.sso import BROWSER_ROUTES as SSO_BROWSER_ROUTES
from gateway.routes.sso_oidc import BROWSER_ROUTES as SSO_OIDC_BROWSER_ROUTES
from gateway.scim.calls import PREFIX as SCIM_PREFIX
from gateway.scim.errors import scim_error
from gateway.scim.routes import build_scim_routes
from gateway.security_headers import SecurityHeadersMiddleware
from gateway.settings import GatewaySettings
from services.common.logs import setup_logging
from services.common.telemetry import setup_tracing

log = logging.getLogger(__name__)


@dataclass
class Readiness:
    """The gateway's own readiness: false from SIGTERM on, while it drains (backends have their own probes)."""

    draining: bool = False


class DrainingServer(uvicorn.Server):
    """On the first SIGTERM/SIGINT, /readyz turns 503 at once so the load balancer stops sending, requests keep being
    served for `drain_seconds`, then uvicorn stops and finishes what is in flight. A second signal stops at once."""

    def __init__(self, config: uvicorn.Config, readiness: Readiness, drain_seconds: float):
        super().__init__(config)
        self._readiness = readiness
        self._drain_seconds = drain_seconds

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._readiness.draining or self._drain_seconds <= 0:
            super().handle_exit(sig, frame)
            return
        self._readiness.draining = True
        log.info("draining", extra={"drain_seconds": self._drain_seconds})
        timer = threading.Timer(self._drain_seconds, super().handle_exit, (sig, frame))
        timer.daemon = True
        timer.start()


def create_app(settings: GatewaySettings, readiness: Readiness | None = None) -> Starlette:
    readiness = readiness or Readiness()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.clients = ServiceClients(settings)
        app.state.authenticator = Authenticator(settings, app.state.clients)
        yield
        await app.state.clients.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        """The gateway's own readiness only: a backend that is down must not take every gateway replica out of the
        load balancer (requests to the other backends still work; those to it get a 503 problem)."""
        if readiness.draining:
            return problem(503, "Draining: shutting down.", reason="DRAINING")
        return JSONResponse({"status": "ready"})

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(settings))

    async def docs(request: Request) -> Response:
        rows = "".join(
            f"<tr><td>{method.upper()}</td><td><code>{path}</code></td><td>{op['summary']}</td></tr>"
            for path, ops in openapi_document(settings)["paths"].items()
            for method, op in ops.items()
        )
        return HTMLResponse(
            "<!doctype html><title>Tenantry API</title><h1>Tenantry REST API</h1>"
            '<p>OpenAPI document: <a href="/openapi.json">/openapi.json</a></p>'
            f"<table>{rows}</table>"
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if request.url.path.startswith(SCIM_PREFIX + "/"):
            # A SCIM client reads only SCIM error bodies (RFC 7644 §3.12), for unknown URLs and methods too.
            answer: Response = scim_error(exc.status_code, str(exc.detail))
        else:
            answer = problem(exc.status_code, str(exc.detail))
        answer.headers.update(exc.headers or {})
        return answer

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/openapi.json", openapi),
            Route("/docs", docs),
            *build_routes(settings),
            *build_scim_routes(),
            *build_portal_routes(settings),
            *SSO_BROWSER_ROUTES,
            *SSO_OIDC_BROWSER_ROUTES,
            Mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(InternalErrorMiddleware),
            Middleware(SecurityHeadersMiddleware),
            Middleware(TelemetryMiddleware),
        ],
    )


def serve(settings: GatewaySettings) -> None:
    setup_logging("gateway", settings.log_level, settings.log_json)
    setup_tracing("gateway")
    # uvicorn drains on SIGTERM/SIGINT and then re-raises the signal to the handler that was in place
    # before it; a no-op handler here turns that into a clean exit (code 0) after the drain.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr=settings.metrics_host)
    readiness = Readiness()
    config = uvicorn.Config(
        create_app(settings, readiness),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        log_config=None,  # uvicorn's own loggers go through ours (JSON)
        access_log=False,  # TelemetryMiddleware logs each request with its request and trace ids
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )
    DrainingServer(config, readiness, settings.drain_seconds).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway")
    parser.add_argument("command", choices=["serve", "check-config", "openapi"])
    args = parser.parse_args(argv)
    settings = GatewaySettings()
    if args.command == "check-config":
        problems = settings.check()
        print(json.dumps({"service": "gateway", "ok": not problems, "problems": problems}))
        return 1 if problems else 0
    if args.command == "openapi":
        json.dump(openapi_document(settings), sys.stdout, indent=2)
        return 0
    problems = settings.check()
    if problems:
        setup_logging("gateway", settings.log_level, settings.log_json)
        for problem_found in problems:
            log.error("invalid configuration: %s", problem_found)
        return 2
    serve(settings)
    return 0
