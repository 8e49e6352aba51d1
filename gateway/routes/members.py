"""REST routes: Members: list, role changes, deactivation, removal, bulk actions, export and profile values."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.convert import member_outcome
from gateway.routing import (
    PAGE_QUERY,
    ApiRoute,
    BadRequest,
    Context,
    equality_filter,
    page_size_of,
    path_id,
)


def member_id_of(context: Context) -> str:
    return path_id(context, "member_id")


async def list_members(context: Context) -> Response:
    reply = await context.call(
        context.clients.membership.ListMembers,
        membership_pb.ListMembersRequest(
            organization_id=context.organization_id,
            page_size=page_size_of(context),
            page_token=context.query("page_token"),
            filter=equality_filter({k: context.query(k) for k in ("status", "email", "role", "group_id")}),
            search=context.query("search")[:400],
            order_by=context.query("order_by")[:100],
        ),
    )
    return JSONResponse(
        {"members": [convert.member(m) for m in reply.members], "next_page_token": reply.next_page_token}
    )


async def change_member_role(context: Context) -> Response:
    role = context.body.get("role")
    if not isinstance(role, str) or set(context.body) - {"role"}:
        raise BadRequest("Only `role` (a string) can be changed here.", [{"field": "role", "description": "string"}])
    reply = await context.call(
        context.clients.membership.ChangeMemberRole,
        membership_pb.ChangeMemberRoleRequest(
            organization_id=context.organization_id,
            member_id=member_id_of(context),
            role=role,
            etag=context.request.headers.get("if-match", "")[:64],
            request_id=context.idempotency_key(),
        ),
    )
    return JSONResponse({"member": convert.member(reply.member)}, headers={"ETag": reply.member.etag})


async def deactivate_member(context: Context) -> Response:
    reply = await context.call(
        context.clients.membership.DeactivateMember,
        membership_pb.DeactivateMemberRequest(
            organization_id=context.organization_id,
            member_id=member_id_of(context),
            request_id=context.idempotency_key(),
        ),
    )
    return JSONResponse({"member": convert.member(reply.member)})


async def reactivate_member(context: Context) -> Response:
    reply = await context.call(
        context.clients.membership.ReactivateMember,
        membership_pb.ReactivateMemberRequest(
            organization_id=context.organization_id,
            member_id=member_id_of(context),
            request_id=context.idempotency_key(),
        ),
    )
    return JSONResponse({"member": convert.member(reply.member)})


async def export_members(context: Context) -> Response:
    reply = await context.call(
        context.clients.membership.ExportMembers,
        membership_pb.ExportMembersRequest(
            organization_id=context.organization_id, format=context.query("format")[:8] or "csv"
        ),
        timeout_factor=3,
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
    reply = await context.call(
        context.clients.membership.BulkUpdateMembers,
        membership_pb.BulkUpdateMembersRequest(
            organization_id=context.organization_id,
            member_ids=body.get("member_ids", [])[:1001],
            action=BULK_ACTIONS[body["action"]],
            role=body.get("role", "")[:64],
            group_ids=body.get("group_ids", [])[:101],
        ),
        timeout_factor=6,
    )
    return JSONResponse({"results": [member_outcome(r, member_id=r.member_id) for r in reply.results]})


async def remove_member(context: Context) -> Response:
    await context.call(
        context.clients.membership.RemoveMember,
        membership_pb.RemoveMemberRequest(
            organization_id=context.organization_id,
            member_id=member_id_of(context),
            request_id=context.idempotency_key(),
        ),
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
    reply = await context.call(
        context.clients.membership.SetMemberProfile,
        membership_pb.SetMemberProfileRequest(
            organization_id=context.organization_id, member_id=member_id_of(context), values=values
        ),
    )
    return JSONResponse({"member": convert.member(reply.member)})


ROUTES: tuple[ApiRoute, ...] = (
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
            *PAGE_QUERY,
        ),
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
)
