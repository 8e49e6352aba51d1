"""Composition root of the gateway: create_app(settings) builds the ASGI app; `serve` runs it."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.auth import Authenticator
from gateway.clients import ServiceClients
from gateway.openapi import openapi_document
from gateway.pipeline import build_routes
from gateway.portal import build_portal_routes
from gateway.problems import problem
from gateway.request_id import RequestIdMiddleware
from gateway.settings import GatewaySettings
from services.common.logs import setup_logging
from services.common.telemetry import extract, setup_tracing

_tracer = trace.get_tracer("tenantry.gateway")


class TracingMiddleware:
    """A SERVER span per HTTP request, continuing an incoming traceparent."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope.get("headers", [])}
        with _tracer.start_as_current_span(
            f"{scope['method']} {scope['path']}",
            context=extract(headers),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": scope["method"], "url.path": scope["path"]},
        ) as span:

            async def send_with_status(message: Message) -> None:
                if message["type"] == "http.response.start":
                    span.set_attribute("http.response.status_code", message["status"])
                await send(message)

            await self.app(scope, receive, send_with_status)


def create_app(settings: GatewaySettings) -> Starlette:
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
        unready = await request.app.state.clients.unready()
        if unready:
            return problem(503, f"Not ready: {', '.join(unready)}.", reason="NOT_READY", extra={"unready": unready})
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
        return problem(exc.status_code, str(exc.detail))

    async def internal_error(request: Request, exc: Exception) -> Response:
        return problem(500, "Internal error; it has been logged.")

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/openapi.json", openapi),
            Route("/docs", docs),
            *build_routes(settings),
            *build_portal_routes(settings),
            Mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: internal_error},
        middleware=[Middleware(RequestIdMiddleware), Middleware(TracingMiddleware)],
    )


def serve(settings: GatewaySettings) -> None:
    setup_logging("gateway", settings.log_level, settings.log_json)
    setup_tracing("gateway")
    # uvicorn drains on SIGTERM/SIGINT and then re-raises the signal to the handler that was in place
    # before it; a no-op handler here turns that into a clean exit (code 0) after the drain.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway")
    parser.add_argument("command", choices=["serve", "check-config", "openapi"])
    args = parser.parse_args(argv)
    settings = GatewaySettings()
    if args.command == "check-config":
        print(json.dumps({"service": "gateway", "ok": True, "public_url": settings.public_url}))
        return 0
    if args.command == "openapi":
        json.dump(openapi_document(settings), sys.stdout, indent=2)
        return 0
    serve(settings)
    return 0
