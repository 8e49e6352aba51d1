"""The REST API (/v1): one route table drives both the routes and the OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from opentelemetry import trace
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.auth import UNSAFE_METHODS, Authenticator, AuthError, Caller, client_ip, request_metadata, same_origin
from gateway.clients import ServiceClients
from gateway.problems import from_grpc_error, problem
from gateway.settings import GatewaySettings

MAX_IDEMPOTENCY_KEY = 255


class BadRequest(Exception):
    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


@dataclass
class Context:
    """What a handler gets: the request, its body, the caller and the service clients."""

    request: Request
    body: dict[str, Any]
    caller: Caller | None
    clients: ServiceClients
    settings: GatewaySettings
    authenticator: Authenticator

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return request_metadata(self.request, self.caller)

    @property
    def organization_id(self) -> str:
        assert self.caller is not None
        return self.caller.organization_id

    def query(self, name: str) -> str:
        return self.request.query_params.get(name, "")

    def idempotency_key(self) -> str:
        key = self.request.headers.get("idempotency-key", "")
        if len(key) > MAX_IDEMPOTENCY_KEY:
            raise BadRequest("Idempotency-Key is too long.", [{"field": "Idempotency-Key", "description": "<= 255"}])
        return key


Handler = Callable[[Context], Awaitable[Response]]


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    handler: Handler
    summary: str
    authenticated: bool = True
    request_schema: dict[str, Any] | None = None
    response_schema: dict[str, Any] = field(default_factory=lambda: {"type": "object"})
    success_status: int = 200
    query: tuple[tuple[str, str], ...] = ()


def equality_filter(pairs: dict[str, str]) -> str:
    return " AND ".join(f"{name} = {json.dumps(value)}" for name, value in pairs.items() if value)


def page_size_of(context: Context) -> int:
    raw = context.query("page_size") or "0"
    if not raw.isdigit():
        raise BadRequest("page_size must be a whole number.", [{"field": "page_size", "description": "0 to 200"}])
    return int(raw)


async def sign_in(context: Context) -> Response:
    body = context.body
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        raise BadRequest(
            "email and password are required strings.",
            [{"field": "email", "description": "string"}, {"field": "password", "description": "string"}],
        )
    reply = await context.clients.identity.CreateSession(
        identity_pb.CreateSessionRequest(
            email=email[:320],
            password=password[:1024],
            organization_id=str(body.get("organization_id") or ""),
            ip_address=client_ip(context.request),
            user_agent=context.request.headers.get("user-agent", "")[:512],
        ),
        timeout=context.clients.timeout,
    )
    response = JSONResponse(
        {
            "session": {
                "id": reply.session.id,
                "account_id": reply.session.account_id,
                "organization_id": reply.session.organization_id,
                "expire_time": convert.time_of(reply.session.expire_time),
            }
        },
        status_code=201,
    )
    set_session_cookie(response, context.settings, reply.session_token, reply.session.expire_time)
    return response


def set_session_cookie(response: Response, settings: GatewaySettings, token: str, expires: Timestamp) -> None:
    max_age = max(int(expires.seconds - datetime.now(UTC).timestamp()), 0)
    response.set_cookie(
        settings.cookie_name,
        token,
        max_age=max_age,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


async def sign_out(context: Context) -> Response:
    assert context.caller is not None
    await context.clients.identity.DeleteSession(
        identity_pb.DeleteSessionRequest(session_id=context.caller.principal.credential_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    context.authenticator.forget(context.request)
    response = Response(status_code=204)
    response.delete_cookie(context.settings.cookie_name, path="/", secure=context.settings.cookie_secure, httponly=True)
    return response


async def whoami(context: Context) -> Response:
    assert context.caller is not None
    return JSONResponse({"principal": convert.principal(context.caller.principal)})


async def get_organization(context: Context) -> Response:
    reply = await context.clients.membership.GetOrganization(
        membership_pb.GetOrganizationRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"organization": convert.organization(reply.organization)})


async def update_organization(context: Context) -> Response:
    fields = {"display_name"}
    unknown = set(context.body) - fields
    if not context.body or unknown:
        raise BadRequest(
            "Only these fields can be changed: display_name.",
            [{"field": name, "description": "cannot be changed here"} for name in sorted(unknown)],
        )
    if not all(isinstance(value, str) for value in context.body.values()):
        raise BadRequest("Values must be strings.", [{"field": "display_name", "description": "string"}])
    request = membership_pb.UpdateOrganizationRequest(
        organization=membership_pb.Organization(
            id=context.organization_id,
            display_name=context.body.get("display_name", "")[:400],
            etag=context.request.headers.get("if-match", "")[:64],
        ),
        request_id=context.idempotency_key(),
    )
    request.update_mask.paths.extend(sorted(context.body))
    reply = await context.clients.membership.UpdateOrganization(
        request, metadata=context.metadata, timeout=context.clients.timeout
    )
    return JSONResponse(
        {"organization": convert.organization(reply.organization)}, headers={"ETag": reply.organization.etag}
    )


async def list_members(context: Context) -> Response:
    reply = await context.clients.membership.ListMembers(
        membership_pb.ListMembersRequest(
            organization_id=context.organization_id,
            page_size=page_size_of(context),
            page_token=context.query("page_token"),
            filter=equality_filter({k: context.query(k) for k in ("status", "email", "role")}),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse(
        {"members": [convert.member(m) for m in reply.members], "next_page_token": reply.next_page_token}
    )


async def invite_members(context: Context) -> Response:
    invitees = context.body.get("invitees")
    if not isinstance(invitees, list) or not invitees or not all(isinstance(i, dict) for i in invitees):
        raise BadRequest(
            "invitees must be a non-empty list of objects.", [{"field": "invitees", "description": "list"}]
        )
    reply = await context.clients.membership.InviteMembers(
        membership_pb.InviteMembersRequest(
            organization_id=context.organization_id,
            invitees=[
                membership_pb.Invitee(
                    email=str(i.get("email", ""))[:320],
                    role=str(i.get("role", "") or ""),
                    display_name=str(i.get("display_name", "") or "")[:200],
                )
                for i in invitees[:101]
            ],
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    results = [
        {
            "email": r.email,
            "member": convert.member(r.member) if r.HasField("member") else None,
            "error": {"reason": r.error_reason, "message": r.error_message} if r.error_reason else None,
        }
        for r in reply.results
    ]
    return JSONResponse({"results": results})


def member_id_of(context: Context) -> str:
    member_id = str(context.request.path_params.get("member_id", ""))
    if not member_id or len(member_id) > 64:
        raise BadRequest("member_id is invalid.", [{"field": "member_id", "description": "a member id"}])
    return member_id


async def change_member_role(context: Context) -> Response:
    role = context.body.get("role")
    if not isinstance(role, str) or set(context.body) - {"role"}:
        raise BadRequest("Only `role` (a string) can be changed here.", [{"field": "role", "description": "string"}])
    reply = await context.clients.membership.ChangeMemberRole(
        membership_pb.ChangeMemberRoleRequest(
            organization_id=context.organization_id,
            member_id=member_id_of(context),
            role=role,
            etag=context.request.headers.get("if-match", "")[:64],
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"member": convert.member(reply.member)}, headers={"ETag": reply.member.etag})


async def deactivate_member(context: Context) -> Response:
    reply = await context.clients.membership.DeactivateMember(
        membership_pb.DeactivateMemberRequest(
            organization_id=context.organization_id,
            member_id=member_id_of(context),
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"member": convert.member(reply.member)})


async def reactivate_member(context: Context) -> Response:
    reply = await context.clients.membership.ReactivateMember(
        membership_pb.ReactivateMemberRequest(
            organization_id=context.organization_id,
            member_id=member_id_of(context),
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"member": convert.member(reply.member)})


async def remove_member(context: Context) -> Response:
    await context.clients.membership.RemoveMember(
        membership_pb.RemoveMemberRequest(
            organization_id=context.organization_id,
            member_id=member_id_of(context),
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return Response(status_code=204)


async def seat_usage(context: Context) -> Response:
    reply = await context.clients.billing.GetSeatUsage(
        billing_pb.GetSeatUsageRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse(convert.seat_usage(reply.seat_usage))


async def list_audit_entries(context: Context) -> Response:
    reply = await context.clients.audit.ListAuditEntries(
        audit_pb.ListAuditEntriesRequest(
            organization_id=context.organization_id,
            page_size=page_size_of(context),
            page_token=context.query("page_token"),
            filter=equality_filter({k: context.query(k) for k in ("action", "actor_id", "target_id")}),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse(
        {"entries": [convert.audit_entry(e) for e in reply.entries], "next_page_token": reply.next_page_token}
    )


async def create_api_key(context: Context) -> Response:
    body = context.body
    permissions = body.get("permissions", [])
    if not isinstance(body.get("name"), str) or not isinstance(permissions, list):
        raise BadRequest(
            "name (string) and permissions (list) are expected.", [{"field": "name", "description": "string"}]
        )
    request = identity_pb.CreateApiKeyRequest(
        name=body["name"][:200], permissions=[str(p) for p in permissions][:100], request_id=context.idempotency_key()
    )
    expire_time = body.get("expire_time")
    if expire_time:
        try:
            request.expire_time.FromJsonString(str(expire_time))
        except ValueError as exc:
            raise BadRequest(
                "expire_time must be an RFC 3339 time.", [{"field": "expire_time", "description": "RFC 3339"}]
            ) from exc
    reply = await context.clients.identity.CreateApiKey(
        request, metadata=context.metadata, timeout=context.clients.timeout
    )
    return JSONResponse({"api_key": convert.api_key(reply.api_key), "secret": reply.secret}, status_code=201)


_PAGE = (("page_size", "integer"), ("page_token", "string"))
_OBJECT = {"type": "object"}

ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "POST",
        "/v1/sessions",
        sign_in,
        "Sign in with email and password; sets the session cookie.",
        authenticated=False,
        request_schema={
            "type": "object",
            "required": ["email", "password"],
            "properties": {
                "email": {"type": "string", "format": "email"},
                "password": {"type": "string"},
                "organization_id": {"type": "string"},
            },
        },
        success_status=201,
    ),
    ApiRoute("DELETE", "/v1/sessions/current", sign_out, "Sign out: end the current session.", success_status=204),
    ApiRoute("GET", "/v1/me", whoami, "The authenticated caller and their permissions."),
    ApiRoute(
        "GET", "/v1/organization", get_organization, "The caller's organization with member counts (members.read)."
    ),
    ApiRoute(
        "PATCH",
        "/v1/organization",
        update_organization,
        "Change the organization's profile (org.manage); send If-Match with its etag.",
        request_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {"display_name": {"type": "string", "maxLength": 200}},
        },
    ),
    ApiRoute(
        "GET",
        "/v1/members",
        list_members,
        "List members, newest first (members.read).",
        query=(("status", "string"), ("email", "string"), ("role", "string"), *_PAGE),
    ),
    ApiRoute(
        "POST",
        "/v1/invitations",
        invite_members,
        "Invite people by email; one result per invitee (members.invite). Send an Idempotency-Key.",
        request_schema={
            "type": "object",
            "required": ["invitees"],
            "properties": {
                "invitees": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 100,
                    "items": {
                        "type": "object",
                        "required": ["email"],
                        "properties": {
                            "email": {"type": "string"},
                            "role": {"type": "string", "enum": ["owner", "billing_admin", "user_admin", "member"]},
                            "display_name": {"type": "string"},
                        },
                    },
                }
            },
        },
    ),
    ApiRoute(
        "PATCH",
        "/v1/members/{member_id}",
        change_member_role,
        "Change a member's role (members.manage_roles); send If-Match with the member's etag.",
        request_schema={
            "type": "object",
            "required": ["role"],
            "additionalProperties": False,
            "properties": {"role": {"type": "string", "enum": ["owner", "billing_admin", "user_admin", "member"]}},
        },
    ),
    ApiRoute(
        "POST",
        "/v1/members/{member_id}/deactivate",
        deactivate_member,
        "Deactivate a member: no access, data kept (members.remove).",
    ),
    ApiRoute(
        "POST",
        "/v1/members/{member_id}/reactivate",
        reactivate_member,
        "Give a deactivated member access again (members.remove).",
    ),
    ApiRoute(
        "DELETE",
        "/v1/members/{member_id}",
        remove_member,
        "Remove a member or revoke a pending invitation (members.remove).",
        success_status=204,
    ),
    ApiRoute("GET", "/v1/billing/seats", seat_usage, "Seats purchased, in use and available (billing.read)."),
    ApiRoute(
        "GET",
        "/v1/audit/entries",
        list_audit_entries,
        "Search the audit log, newest first (audit.read).",
        query=(("action", "string"), ("actor_id", "string"), ("target_id", "string"), *_PAGE),
    ),
    ApiRoute(
        "POST",
        "/v1/api-keys",
        create_api_key,
        "Create an API key with permissions you hold (api_keys.manage); the secret is shown once.",
        request_schema={
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "permissions": {"type": "array", "items": {"type": "string"}},
                "expire_time": {"type": "string", "format": "date-time"},
            },
        },
        success_status=201,
    ),
)


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
            context = Context(request, body, caller, state.clients, settings, state.authenticator)
            return await route.handler(context)
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


PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "reason": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def openapi_document(settings: GatewaySettings) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for route in ROUTES:
        operation: dict[str, Any] = {
            "summary": route.summary,
            "operationId": route.handler.__name__,
            "responses": {
                str(route.success_status): {
                    "description": "Success",
                    "content": {"application/json": {"schema": route.response_schema}},
                }
                if route.success_status != 204
                else {"description": "Done"},
                "default": {
                    "description": "A problem",
                    "content": {"application/problem+json": {"schema": problem_ref}},
                },
            },
        }
        if route.authenticated:
            operation["security"] = [{"session": []}, {"apiKey": []}]
        else:
            operation["security"] = []
        if route.request_schema:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": route.request_schema}},
            }
        path_parameters = [part[1:-1] for part in route.path.split("/") if part.startswith("{")]
        if path_parameters:
            operation["parameters"] = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in path_parameters
            ]
        if route.query:
            operation.setdefault("parameters", []).extend(
                {"name": name, "in": "query", "required": False, "schema": {"type": kind}} for name, kind in route.query
            )
        if route.method != "GET":
            operation.setdefault("parameters", []).append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 255},
                }
            )
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tenantry API", "version": "1.0.0", "description": "Programmatic team management."},
        "servers": [{"url": settings.public_url}],
        "paths": paths,
        "components": {
            "schemas": {"Problem": PROBLEM_SCHEMA},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": settings.cookie_name},
                "apiKey": {"type": "http", "scheme": "bearer"},
            },
        },
    }
