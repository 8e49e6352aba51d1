"""The request pipeline of every REST route: authentication, origin and CSRF checks, preconditions, the body
and query validated by the route's models, the handler, error mapping and the rotated session cookie."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
from opentelemetry import trace
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from gateway.auth import UNSAFE_METHODS, AuthError, Caller, csrf_token_valid, same_origin
from gateway.cookies import rotated_cookie_expiry, set_session_cookie
from gateway.etags import representation_etag, service_etag
from gateway.models.fields import Domain
from gateway.problems import from_grpc_error, problem
from gateway.routes import ROUTES
from gateway.routing import ApiRoute, BadRequest, Context, IfMatch
from gateway.settings import GatewaySettings

MAX_IDEMPOTENCY_KEY = 255
MAX_PATH_PARAMETER = 64
# Path parameters that are not ids, checked by their model declaration instead of MAX_PATH_PARAMETER.
PATH_PARAMETERS: dict[str, TypeAdapter[str]] = {"domain": TypeAdapter(Domain)}
# What an ended organization's Owners and Billing admins may still change: billing (to resubscribe) and their own
# sign-in; every other change is refused with ORGANIZATION_ENDED (identity gives them read permissions only).
# What an ended organization may still change: its subscription, its sessions, its own settings, and asking for
# its data export.
ENDED_ORGANIZATION_CHANGES = ("/v1/billing/", "/v1/sessions", "/v1/me/", "/v1/organization/exports")


def build_routes(settings: GatewaySettings) -> list[Route]:
    return [Route(r.path, _endpoint(r, settings), methods=[r.method]) for r in ROUTES]


def _endpoint(route: ApiRoute, settings: GatewaySettings) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        span = trace.get_current_span()
        span.update_name(f"{route.method} {route.path}")
        span.set_attribute("http.route", route.path)
        state = request.app.state
        try:
            raw_body = await read_body(request, settings) if route.body is not None else b""
            caller = None
            if route.authenticated:
                try:
                    caller = await state.authenticator.authenticate(request)
                except AuthError as exc:
                    return problem(401, str(exc), reason="UNAUTHENTICATED", headers={"WWW-Authenticate": "Bearer"})
            refusal = _cross_site_refusal(route, request, caller, settings) or _ended_refusal(route, caller)
            if refusal is not None:
                return refusal
            context = Context(request, caller, state.clients, settings, state.authenticator)
            _check_path(request)
            context.params = validated(route.query, dict(request.query_params), "query") if route.query else None
            context.body = validated(route.body, raw_body or b"{}", "body") if route.body else None
            context.if_match = _if_match(route, request)
            context.idempotency_key = _idempotency_key(route, request)
            response = _response(route, context, await route.handler(context))
            if caller is not None and caller.rotated_session_token:
                # The session got a new id (privilege change): hand the browser its new cookie.
                set_session_cookie(response, settings, caller.rotated_session_token, rotated_cookie_expiry())
            return response
        except BadRequest as exc:
            return problem(exc.status, exc.detail, reason=exc.reason, errors=exc.errors)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
                state.authenticator.forget(request)
            return from_grpc_error(exc)

    return endpoint


def _cross_site_refusal(
    route: ApiRoute, request: Request, caller: Caller | None, settings: GatewaySettings
) -> Response | None:
    if route.method not in UNSAFE_METHODS:
        return None
    if (caller is None or caller.via_cookie) and not same_origin(request, settings):
        return problem(403, "Cross-site request refused.", reason="CSRF_ORIGIN_MISMATCH")
    if caller is not None and caller.via_cookie and not csrf_token_valid(request, settings):
        return problem(403, "Send the session's CSRF token in X-CSRF-Token.", reason="CSRF_TOKEN_MISSING")
    return None


def _ended_refusal(route: ApiRoute, caller: Caller | None) -> Response | None:
    if caller is None or not caller.organization_ended or route.method not in UNSAFE_METHODS:
        return None
    if route.path.startswith(ENDED_ORGANIZATION_CHANGES):
        return None
    return problem(
        403,
        "This organization's subscription has ended: its data can be read and exported, and the subscription "
        "renewed, but nothing else can change.",
        reason="ORGANIZATION_ENDED",
        extra={"links": {"billing": "/v1/billing/subscription", "export": "/v1/organization/exports"}},
    )


def validated(model: type[BaseModel], data: bytes | dict[str, str], where: str) -> BaseModel:
    """The input as the model, or a problem naming each wrong field: 400 for JSON that does not parse (or
    nests too deep), 422 for JSON that does not fit the model."""
    try:
        return model.model_validate_json(data) if isinstance(data, bytes) else model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(part) for part in error["loc"]) or where, "description": error["msg"]}
            for error in exc.errors(include_url=False, include_input=False)
        ]
        if any(error["type"] in ("json_invalid", "string_unicode") for error in exc.errors()):
            raise BadRequest(f"The {where} is not valid JSON.", errors) from None
        raise BadRequest(f"The {where} has missing, mistyped or unknown fields.", errors, status=422) from None


async def read_body(request: Request, settings: GatewaySettings) -> bytes:
    """The body, refused (413) past the limit without reading further."""
    too_large = BadRequest(
        f"The body is larger than {settings.max_body_bytes} bytes.",
        [{"field": "body", "description": f"at most {settings.max_body_bytes} bytes"}],
        status=413,
        reason="BODY_TOO_LARGE",
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise too_large
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > settings.max_body_bytes:
            raise too_large
    return bytes(raw)


def _check_path(request: Request) -> None:
    wrong: list[dict[str, str]] = []
    for name, value in request.path_params.items():
        declared = PATH_PARAMETERS.get(name)
        if declared is None:
            if not 0 < len(str(value)) <= MAX_PATH_PARAMETER:
                wrong.append({"field": name, "description": f"1 to {MAX_PATH_PARAMETER} characters"})
            continue
        try:
            declared.validate_python(str(value))
        except ValidationError as exc:
            wrong += [{"field": name, "description": error["msg"]} for error in exc.errors(include_url=False)]
    if wrong:
        raise BadRequest("A path parameter is not valid.", wrong, status=422)


def _if_match(route: ApiRoute, request: Request) -> str:
    header = request.headers.get("if-match")
    if route.if_match is IfMatch.IGNORED:
        return ""
    if header is None:
        if route.if_match is IfMatch.REQUIRED:
            raise BadRequest(
                "Send If-Match with the etag you read (or * to change whatever is current).",
                [{"field": "If-Match", "description": "required"}],
                status=428,
                reason="PRECONDITION_REQUIRED",
            )
        return ""
    etag = service_etag(header)
    if etag is None:
        raise BadRequest("If-Match must be one entity tag or *.", [{"field": "If-Match", "description": '"<etag>"'}])
    return etag


def _idempotency_key(route: ApiRoute, request: Request) -> str:
    """The caller's Idempotency-Key, or "" (the X-Request-Id is a correlation id: it never deduplicates)."""
    key = request.headers.get("idempotency-key", "")
    if route.method == "GET":
        return ""
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise BadRequest(
            "Idempotency-Key is too long.",
            [{"field": "Idempotency-Key", "description": f"at most {MAX_IDEMPOTENCY_KEY} characters"}],
        )
    return key


def _response(route: ApiRoute, context: Context, result: BaseModel | Response | None) -> Response:
    status = context.status_code or route.success_status
    if isinstance(result, Response):
        response = result
    elif result is None:
        response = Response(status_code=status)
    else:
        if route.response is None or not isinstance(result, route.response):
            raise TypeError(f"{route.method} {route.path} answered {type(result).__name__}, not its declared model")
        response = JSONResponse(result.model_dump(mode="json"), status_code=status)
    response.headers.update(context.response_headers)
    streamed = isinstance(response, StreamingResponse)  # its body is not known before it is sent (audit export)
    if route.method == "GET" and "etag" not in response.headers and response.status_code == 200 and not streamed:
        # Every GET carries a strong ETag; without a service version it is the representation's (gateway/etags.py).
        response.headers["ETag"] = representation_etag(bytes(response.body))
    for hook in context.response_hooks:
        hook(response)
    return response
