"""The request pipeline of every REST route: authentication, origin and CSRF checks, body reading, the
handler, error mapping and the rotated session cookie."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from opentelemetry import trace
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.auth import UNSAFE_METHODS, AuthError, csrf_token_valid, same_origin
from gateway.cookies import rotated_cookie_expiry, set_session_cookie
from gateway.problems import from_grpc_error, problem
from gateway.routes import ROUTES
from gateway.routing import ApiRoute, BadRequest, Context
from gateway.settings import GatewaySettings


def build_routes(settings: GatewaySettings) -> list[Route]:
    return [Route(r.path, _endpoint(r, settings), methods=[r.method]) for r in ROUTES]


def _endpoint(route: ApiRoute, settings: GatewaySettings) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        span = trace.get_current_span()
        span.update_name(f"{route.method} {route.path}")
        span.set_attribute("http.route", route.path)
        state = request.app.state
        try:
            body = await read_json(request, settings) if route.method in UNSAFE_METHODS else {}
            caller = None
            if route.authenticated:
                try:
                    caller = await state.authenticator.authenticate(request)
                except AuthError as exc:
                    return problem(401, str(exc), reason="UNAUTHENTICATED", headers={"WWW-Authenticate": "Bearer"})
            needs_origin_check = route.method in UNSAFE_METHODS and (caller is None or caller.via_cookie)
            if needs_origin_check and not same_origin(request, settings):
                return problem(403, "Cross-site request refused.", reason="CSRF_ORIGIN_MISMATCH")
            cookie_change = route.method in UNSAFE_METHODS and caller is not None and caller.via_cookie
            if cookie_change and not csrf_token_valid(request, settings):
                return problem(403, "Send the session's CSRF token in X-CSRF-Token.", reason="CSRF_TOKEN_MISSING")
            context = Context(request, body, caller, state.clients, settings, state.authenticator)
            response = await route.handler(context)
            if caller is not None and caller.rotated_session_token:
                # The session got a new id (privilege change): hand the browser its new cookie.
                set_session_cookie(response, settings, caller.rotated_session_token, rotated_cookie_expiry())
            return response
        except BadRequest as exc:
            return problem(400, exc.detail, reason="INVALID_ARGUMENT", errors=exc.errors)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
                state.authenticator.forget(request)
            return from_grpc_error(exc)

    return endpoint


async def read_json(request: Request, settings: GatewaySettings) -> dict[str, Any]:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise BadRequest(f"The body is larger than {settings.max_body_bytes} bytes.")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > settings.max_body_bytes:
            raise BadRequest(f"The body is larger than {settings.max_body_bytes} bytes.")
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    return body
