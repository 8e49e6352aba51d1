"""The REST API (/v1): one route table drives both the routes and the OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from opentelemetry import trace
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.auth import UNSAFE_METHODS, AuthError, csrf_token_valid, same_origin
from gateway.billing_api import BILLING_ROUTES
from gateway.groups_api import GROUP_ROUTES
from gateway.problems import from_grpc_error, problem
from gateway.routing import PAGE_QUERY, ApiRoute, BadRequest, Context, equality_filter, page_size_of, path_id
from gateway.security_api import SECURITY_ROUTES, rotated_cookie_expiry, set_session_cookie
from gateway.settings import GatewaySettings


def member_outcome(result: Any, **identity: Any) -> dict[str, Any]:
    """One per-member result of a batch (invitation, bulk action, import row): who, the member when it
    succeeded, the error when it did not."""
    return {
        **identity,
        "member": convert.member(result.member) if result.HasField("member") else None,
        "error": {"reason": result.error_reason, "message": result.error_message} if result.error_reason else None,
    }


async def get_organization(context: Context) -> Response:
    reply = await context.clients.membership.GetOrganization(
        membership_pb.GetOrganizationRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"organization": convert.organization(reply.organization)})


ORGANIZATION_FIELDS = ("display_name", "logo_url", "brand_color", "group_creation_policy")
ORGANIZATION_NUMBERS = ("invitation_ttl_days",)


async def update_organization(context: Context) -> Response:
    unknown = set(context.body) - {*ORGANIZATION_FIELDS, *ORGANIZATION_NUMBERS}
    if not context.body or unknown:
        raise BadRequest(
            f"Only these fields can be changed: {', '.join((*ORGANIZATION_FIELDS, *ORGANIZATION_NUMBERS))}.",
            [{"field": name, "description": "cannot be changed here"} for name in sorted(unknown)],
        )
    mistyped = sorted(
        name
        for name, value in context.body.items()
        if not (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000
            if name in ORGANIZATION_NUMBERS
            else isinstance(value, str)
        )
    )
    if mistyped:
        raise BadRequest("Values must be strings.", [{"field": name, "description": "string"} for name in mistyped])
    request = membership_pb.UpdateOrganizationRequest(
        organization=membership_pb.Organization(
            id=context.organization_id,
            etag=context.request.headers.get("if-match", "")[:64],
            **{name: context.body.get(name, "")[:4096] for name in ORGANIZATION_FIELDS},
            invitation_ttl_days=context.body.get("invitation_ttl_days", 0),
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
            filter=equality_filter({k: context.query(k) for k in ("status", "email", "role", "group_id")}),
            search=context.query("search")[:400],
            order_by=context.query("order_by")[:100],
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
                    group_ids=[str(g)[:64] for g in i.get("group_ids", [])[:101]]
                    if isinstance(i.get("group_ids", []), list)
                    else [],
                )
                for i in invitees[:101]
            ],
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"results": [member_outcome(r, email=r.email) for r in reply.results]})


FIELD_TYPES = {
    "text": membership_pb.PROFILE_FIELD_TYPE_TEXT,
    "choice": membership_pb.PROFILE_FIELD_TYPE_CHOICE,
    "date": membership_pb.PROFILE_FIELD_TYPE_DATE,
}
FIELD_TYPE_NAMES = {code: name for name, code in FIELD_TYPES.items()}


def profile_field_json(field: membership_pb.ProfileField) -> dict[str, Any]:
    return {
        "key": field.key,
        "label": field.label,
        "type": FIELD_TYPE_NAMES.get(field.type, ""),
        "choices": list(field.choices),
        "shown": field.shown,
    }


async def list_profile_fields(context: Context) -> Response:
    reply = await context.clients.membership.ListProfileFields(
        membership_pb.ListProfileFieldsRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"fields": [profile_field_json(f) for f in reply.fields]})


async def save_profile_field(context: Context) -> Response:
    body = context.body
    choices = body.get("choices", [])
    if (
        set(body) - {"key", "label", "type", "choices", "shown"}
        or not all(isinstance(body.get(name, ""), str) for name in ("key", "label", "type"))
        or not isinstance(body.get("shown", True), bool)
        or not isinstance(choices, list)
        or not all(isinstance(c, str) for c in choices)
    ):
        raise BadRequest(
            "Send key, label, type (text, choice or date), choices (strings) and shown (boolean).",
            [{"field": "body", "description": "key, label, type, choices, shown"}],
        )
    reply = await context.clients.membership.SaveProfileField(
        membership_pb.SaveProfileFieldRequest(
            organization_id=context.organization_id,
            field=membership_pb.ProfileField(
                key=body.get("key", "")[:64],
                label=body.get("label", "")[:400],
                type=FIELD_TYPES.get(body.get("type", ""), membership_pb.PROFILE_FIELD_TYPE_UNSPECIFIED),
                choices=[c[:400] for c in choices[:101]],
                shown=body.get("shown", True),
            ),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"field": profile_field_json(reply.field)})


async def delete_profile_field(context: Context) -> Response:
    await context.clients.membership.DeleteProfileField(
        membership_pb.DeleteProfileFieldRequest(
            organization_id=context.organization_id, key=str(context.request.path_params["key"])[:64]
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return Response(status_code=204)


async def set_member_profile(context: Context) -> Response:
    values = context.body.get("values")
    if (
        not isinstance(values, dict)
        or set(context.body) - {"values"}
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items())
        or len(values) > 51
    ):
        raise BadRequest("Send `values`: field key to text.", [{"field": "values", "description": "object of strings"}])
    reply = await context.clients.membership.SetMemberProfile(
        membership_pb.SetMemberProfileRequest(
            organization_id=context.organization_id, member_id=member_id_of(context), values=values
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"member": convert.member(reply.member)})


def role_json(role: membership_pb.Role) -> dict[str, Any]:
    return {"key": role.key, "name": role.name, "permissions": list(role.permissions)}


async def list_roles(context: Context) -> Response:
    reply = await context.clients.membership.ListRoles(
        membership_pb.ListRolesRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"roles": [role_json(r) for r in reply.roles]})


async def save_role(context: Context) -> Response:
    body = context.body
    permissions = body.get("permissions", [])
    if (
        set(body) - {"key", "name", "permissions"}
        or not isinstance(body.get("key"), str)
        or not isinstance(body.get("name"), str)
        or not isinstance(permissions, list)
        or not all(isinstance(p, str) for p in permissions)
    ):
        raise BadRequest(
            "Send key, name and permissions (a list of permission names).",
            [{"field": "body", "description": "key, name, permissions"}],
        )
    reply = await context.clients.membership.SaveRole(
        membership_pb.SaveRoleRequest(
            organization_id=context.organization_id,
            role=membership_pb.Role(
                key=body["key"][:64], name=body["name"][:400], permissions=[p[:64] for p in permissions[:100]]
            ),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"role": role_json(reply.role)})


async def delete_role(context: Context) -> Response:
    await context.clients.membership.DeleteRole(
        membership_pb.DeleteRoleRequest(
            organization_id=context.organization_id, key=str(context.request.path_params["role_key"])[:64]
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return Response(status_code=204)


async def resend_invitation(context: Context) -> Response:
    reply = await context.clients.membership.ResendInvitation(
        membership_pb.ResendInvitationRequest(organization_id=context.organization_id, member_id=member_id_of(context)),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"member": convert.member(reply.member), "expire_time": convert.time_of(reply.expire_time)})


async def import_invitations(context: Context) -> Response:
    text, dry_run = context.body.get("csv"), context.body.get("dry_run", False)
    if not isinstance(text, str) or not isinstance(dry_run, bool) or set(context.body) - {"csv", "dry_run"}:
        raise BadRequest(
            "Send the file as `csv` (text) and `dry_run` (true to only check it).",
            [{"field": "csv", "description": "the CSV text"}, {"field": "dry_run", "description": "boolean"}],
        )
    reply = await context.clients.membership.ImportInvitations(
        membership_pb.ImportInvitationsRequest(
            organization_id=context.organization_id,
            csv=text.encode(),
            dry_run=dry_run,
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout * 6,
    )
    rows = [member_outcome(r, row=r.row, email=r.email) for r in reply.rows]
    return JSONResponse({"rows": rows, "valid_rows": reply.valid_rows, "invalid_rows": reply.invalid_rows})


async def export_members(context: Context) -> Response:
    reply = await context.clients.membership.ExportMembers(
        membership_pb.ExportMembersRequest(
            organization_id=context.organization_id, format=context.query("format")[:8] or "csv"
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout * 3,
    )
    return Response(
        reply.content,
        media_type=reply.content_type,
        headers={"Content-Disposition": f'attachment; filename="{reply.file_name}"'},
    )


BULK_ACTIONS = {
    "change_role": membership_pb.BULK_ACTION_CHANGE_ROLE,
    "deactivate": membership_pb.BULK_ACTION_DEACTIVATE,
    "reactivate": membership_pb.BULK_ACTION_REACTIVATE,
    "remove": membership_pb.BULK_ACTION_REMOVE,
    "add_to_groups": membership_pb.BULK_ACTION_ADD_TO_GROUPS,
    "remove_from_groups": membership_pb.BULK_ACTION_REMOVE_FROM_GROUPS,
}


BULK_FIELDS = ("member_ids", "action", "role", "group_ids")


async def bulk_update_members(context: Context) -> Response:
    body = context.body
    errors = [{"field": name, "description": "unknown field"} for name in sorted(set(body) - {*BULK_FIELDS})]
    if body.get("action") not in BULK_ACTIONS:
        errors.append({"field": "action", "description": f"one of {', '.join(BULK_ACTIONS)}"})
    for name in ("member_ids", "group_ids"):
        values = body.get(name, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and 0 < len(v) <= 64 for v in values):
            errors.append({"field": name, "description": "a list of ids"})
    if not isinstance(body.get("role", ""), str):
        errors.append({"field": "role", "description": "string"})
    if errors:
        raise BadRequest("The bulk action is not valid.", errors)
    reply = await context.clients.membership.BulkUpdateMembers(
        membership_pb.BulkUpdateMembersRequest(
            organization_id=context.organization_id,
            member_ids=body.get("member_ids", [])[:1001],
            action=BULK_ACTIONS[body["action"]],
            role=body.get("role", "")[:64],
            group_ids=body.get("group_ids", [])[:101],
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout * 6,
    )
    return JSONResponse({"results": [member_outcome(r, member_id=r.member_id) for r in reply.results]})


def member_id_of(context: Context) -> str:
    return path_id(context, "member_id")


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


_PAGE = PAGE_QUERY
_OBJECT = {"type": "object"}

ROUTES: tuple[ApiRoute, ...] = (
    *SECURITY_ROUTES,
    *GROUP_ROUTES,
    *BILLING_ROUTES,
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
            "properties": {
                "display_name": {"type": "string", "maxLength": 200},
                "logo_url": {"type": "string", "format": "uri", "maxLength": 2048, "description": "https only"},
                "brand_color": {"type": "string", "pattern": "^(#[0-9a-fA-F]{6})?$"},
                "group_creation_policy": {"type": "string", "enum": ["owners", "admins", "everyone"]},
                "invitation_ttl_days": {"type": "integer", "minimum": 0, "maximum": 90, "description": "0: default"},
            },
        },
    ),
    ApiRoute(
        "GET",
        "/v1/members",
        list_members,
        "List, search and sort members (members.read): search is a prefix of the email or name; order_by is "
        "`create_time desc` (default), `name` or `email`.",
        query=(
            ("status", "string"),
            ("email", "string"),
            ("role", "string"),
            ("group_id", "string"),
            ("search", "string"),
            ("order_by", "string"),
            *_PAGE,
        ),
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
                            "role": {
                                "type": "string",
                                "description": "owner, billing_admin, user_admin, member or a custom role",
                            },
                            "display_name": {"type": "string"},
                            "group_ids": {"type": "array", "items": {"type": "string"}},
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
            "properties": {
                "role": {"type": "string", "description": "owner, billing_admin, user_admin, member or a custom role"}
            },
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
    ApiRoute("GET", "/v1/roles", list_roles, "The organization's custom roles (members.read)."),
    ApiRoute(
        "POST",
        "/v1/roles",
        save_role,
        "Create a custom role, or change it while no member holds it; only permissions you hold "
        "(members.manage_roles).",
        request_schema={
            "type": "object",
            "required": ["key", "name", "permissions"],
            "additionalProperties": False,
            "properties": {
                "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
                "name": {"type": "string", "maxLength": 100},
                "permissions": {"type": "array", "items": {"type": "string"}},
            },
        },
    ),
    ApiRoute(
        "DELETE",
        "/v1/roles/{role_key}",
        delete_role,
        "Delete a custom role no member holds (members.manage_roles).",
        success_status=204,
    ),
    ApiRoute("GET", "/v1/profile-fields", list_profile_fields, "The organization's profile fields (members.read)."),
    ApiRoute(
        "POST",
        "/v1/profile-fields",
        save_profile_field,
        "Create or change a profile field by key: text, choice or date, shown or not (org.manage).",
        request_schema={
            "type": "object",
            "required": ["key", "label", "type"],
            "additionalProperties": False,
            "properties": {
                "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
                "label": {"type": "string", "maxLength": 100},
                "type": {"type": "string", "enum": ["text", "choice", "date"]},
                "choices": {"type": "array", "maxItems": 100, "items": {"type": "string"}},
                "shown": {"type": "boolean"},
            },
        },
    ),
    ApiRoute(
        "DELETE",
        "/v1/profile-fields/{key}",
        delete_profile_field,
        "Delete a profile field and every value of it (org.manage).",
        success_status=204,
    ),
    ApiRoute(
        "PATCH",
        "/v1/members/{member_id}/profile",
        set_member_profile,
        "Set or clear (empty string) profile values of a member (members.invite, or the member themselves).",
        request_schema={
            "type": "object",
            "required": ["values"],
            "properties": {"values": {"type": "object", "additionalProperties": {"type": "string"}}},
        },
    ),
    ApiRoute(
        "POST",
        "/v1/members/{member_id}/invitation/resend",
        resend_invitation,
        "Send a pending invitation again with a new link and expiry; the old link stops working (members.invite).",
    ),
    ApiRoute(
        "POST",
        "/v1/invitations/import",
        import_invitations,
        "Invite from a CSV file (columns email, name, role, groups; at most 1000 rows): a dry run reports each "
        "row, a commit invites the valid rows (members.invite). Send an Idempotency-Key when committing.",
        request_schema={
            "type": "object",
            "required": ["csv"],
            "additionalProperties": False,
            "properties": {"csv": {"type": "string"}, "dry_run": {"type": "boolean"}},
        },
    ),
    ApiRoute(
        "GET",
        "/v1/members/export",
        export_members,
        "Export members (format=csv), groups (format=groups_csv) or both (format=json); CSV formulas are "
        "neutralised (members.read).",
        query=(("format", "string"),),
    ),
    ApiRoute(
        "POST",
        "/v1/members/bulk",
        bulk_update_members,
        "Apply one action to up to 1000 members; one result per member, each change atomic (the permission of "
        "the single action, per member).",
        request_schema={
            "type": "object",
            "required": ["member_ids", "action"],
            "additionalProperties": False,
            "properties": {
                "member_ids": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {"type": "string"}},
                "action": {
                    "type": "string",
                    "enum": [
                        "change_role",
                        "deactivate",
                        "reactivate",
                        "remove",
                        "add_to_groups",
                        "remove_from_groups",
                    ],
                },
                "role": {"type": "string"},
                "group_ids": {"type": "array", "maxItems": 10, "items": {"type": "string"}},
            },
        },
    ),
    ApiRoute(
        "DELETE",
        "/v1/members/{member_id}",
        remove_member,
        "Remove a member or revoke a pending invitation (members.remove).",
        success_status=204,
    ),
    ApiRoute(
        "GET",
        "/v1/audit/entries",
        list_audit_entries,
        "Search the audit log, newest first (audit.read).",
        query=(("action", "string"), ("actor_id", "string"), ("target_id", "string"), *_PAGE),
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
