"""REST routes: Groups (membership's GroupService): `/v1/groups` and a member's groups."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response
from tenantry.membership.v1 import group_service_pb2 as group_pb

from gateway import convert
from gateway.convert import KINDS
from gateway.routing import (
    PAGE_QUERY,
    ApiRoute,
    BadRequest,
    Context,
    equality_filter,
    page_size_of,
    path_id,
)

TEXT_FIELDS = {"name": 100, "description": 1000, "category": 100}


FLAG_FIELDS = ("is_default", "locked")


MAX_IDS = 1000


def _results_json(results: Any) -> JSONResponse:
    return JSONResponse(
        {
            "results": [
                {
                    "member_id": r.member_id,
                    "group_id": r.group_id,
                    "error": {"reason": r.error_reason, "message": r.error_message} if r.error_reason else None,
                }
                for r in results
            ]
        }
    )


def _group_frombody_schema(body: dict[str, Any], allowed: set[str]) -> group_pb.Group:
    """The sent fields as a Group; every wrong field is reported at once."""
    errors = [{"field": name, "description": "cannot be set here"} for name in sorted(set(body) - allowed)]
    group = group_pb.Group()
    for name, limit in TEXT_FIELDS.items():
        if name in body:
            if isinstance(body[name], str):
                setattr(group, name, body[name][: limit * 4])
            else:
                errors.append({"field": name, "description": "string"})
    for name in FLAG_FIELDS:
        if name in body:
            if isinstance(body[name], bool):
                setattr(group, name, body[name])
            else:
                errors.append({"field": name, "description": "true or false"})
    if "kind" in body:
        if body["kind"] in KINDS:
            group.kind = KINDS[body["kind"]]
        else:
            errors.append({"field": "kind", "description": "team or workspace"})
    if errors:
        raise BadRequest("Some fields are wrong.", errors)
    return group


def _ids(context: Context, field_name: str) -> list[str]:
    ids = context.body.get(field_name)
    if (
        not isinstance(ids, list)
        or not 1 <= len(ids) <= MAX_IDS
        or not all(isinstance(i, str) and 0 < len(i) <= 64 for i in ids)
        or set(context.body) - {field_name, "as_admins"}
    ):
        raise BadRequest(f"Send `{field_name}`: 1 to {MAX_IDS} ids.", [{"field": field_name, "description": "ids"}])
    return ids


async def list_groups(context: Context) -> Response:
    reply = await context.call(
        context.clients.groups.ListGroups,
        group_pb.ListGroupsRequest(
            organization_id=context.organization_id,
            page_size=page_size_of(context),
            page_token=context.query("page_token"),
            filter=equality_filter({k: context.query(k) for k in ("kind", "category")}),
        ),
    )
    return JSONResponse(
        {"groups": [convert.group_json(g) for g in reply.groups], "next_page_token": reply.next_page_token}
    )


async def create_group(context: Context) -> Response:
    group = _group_frombody_schema(context.body, {"name", "description", "kind", "category", "is_default", "locked"})
    reply = await context.call(
        context.clients.groups.CreateGroup,
        group_pb.CreateGroupRequest(
            organization_id=context.organization_id, group=group, request_id=context.idempotency_key()
        ),
    )
    return JSONResponse({"group": convert.group_json(reply.group)}, status_code=201, headers={"ETag": reply.group.etag})


async def get_group(context: Context) -> Response:
    reply = await context.call(
        context.clients.groups.GetGroup,
        group_pb.GetGroupRequest(organization_id=context.organization_id, group_id=path_id(context, "group_id")),
    )
    return JSONResponse({"group": convert.group_json(reply.group)}, headers={"ETag": reply.group.etag})


async def update_group(context: Context) -> Response:
    changes = _group_frombody_schema(context.body, {*TEXT_FIELDS, *FLAG_FIELDS})
    if not context.body:
        raise BadRequest("Send one or more fields to change.")
    changes.id = path_id(context, "group_id")
    request = group_pb.UpdateGroupRequest(
        organization_id=context.organization_id,
        group=changes,
        etag=context.request.headers.get("if-match", "")[:64],
    )
    request.update_mask.paths.extend(sorted(context.body))
    reply = await context.call(context.clients.groups.UpdateGroup, request)
    return JSONResponse({"group": convert.group_json(reply.group)}, headers={"ETag": reply.group.etag})


async def delete_group(context: Context) -> Response:
    await context.call(
        context.clients.groups.DeleteGroup,
        group_pb.DeleteGroupRequest(organization_id=context.organization_id, group_id=path_id(context, "group_id")),
    )
    return Response(status_code=204)


async def list_group_members(context: Context) -> Response:
    reply = await context.call(
        context.clients.groups.ListGroupMembers,
        group_pb.ListGroupMembersRequest(
            organization_id=context.organization_id,
            group_id=path_id(context, "group_id"),
            page_size=page_size_of(context),
            page_token=context.query("page_token"),
        ),
    )
    members = [
        {"member_id": m.member_id, "email": m.email, "display_name": m.display_name, "is_admin": m.is_admin}
        for m in reply.members
    ]
    return JSONResponse({"members": members, "next_page_token": reply.next_page_token})


async def add_group_members(context: Context) -> Response:
    as_admins = context.body.get("as_admins", False)
    if not isinstance(as_admins, bool):
        raise BadRequest("as_admins must be true or false.", [{"field": "as_admins", "description": "boolean"}])
    reply = await context.call(
        context.clients.groups.AddGroupMembers,
        group_pb.AddGroupMembersRequest(
            organization_id=context.organization_id,
            group_id=path_id(context, "group_id"),
            member_ids=_ids(context, "member_ids"),
            as_admins=as_admins,
        ),
    )
    return _results_json(reply.results)


async def remove_group_members(context: Context) -> Response:
    reply = await context.call(
        context.clients.groups.RemoveGroupMembers,
        group_pb.RemoveGroupMembersRequest(
            organization_id=context.organization_id,
            group_id=path_id(context, "group_id"),
            member_ids=_ids(context, "member_ids"),
        ),
    )
    return _results_json(reply.results)


async def add_member_to_groups(context: Context) -> Response:
    reply = await context.call(
        context.clients.groups.AddMemberToGroups,
        group_pb.AddMemberToGroupsRequest(
            organization_id=context.organization_id,
            member_id=path_id(context, "member_id"),
            group_ids=_ids(context, "group_ids"),
        ),
    )
    return _results_json(reply.results)


_GROUP_FIELDS_SCHEMA: dict[str, Any] = {
    "name": {"type": "string", "maxLength": 100},
    "description": {"type": "string", "maxLength": 1000},
    "category": {"type": "string", "maxLength": 100},
    "is_default": {"type": "boolean", "description": "new members join it (groups.manage)"},
    "locked": {"type": "boolean", "description": "only admins change its members"},
}


_IDS_SCHEMA: dict[str, Any] = {"type": "array", "minItems": 1, "maxItems": MAX_IDS, "items": {"type": "string"}}


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/groups",
        list_groups,
        "List groups by name (members.read).",
        query=(("kind", "string"), ("category", "string"), *PAGE_QUERY),
    ),
    ApiRoute(
        "POST",
        "/v1/groups",
        create_group,
        "Create a group, as the organization's group creation policy allows; its creator administers it.",
        request_schema={
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {**_GROUP_FIELDS_SCHEMA, "kind": {"type": "string", "enum": ["team", "workspace"]}},
        },
        success_status=201,
    ),
    ApiRoute("GET", "/v1/groups/{group_id}", get_group, "One group with its member count (members.read)."),
    ApiRoute(
        "PATCH",
        "/v1/groups/{group_id}",
        update_group,
        "Change a group (groups.manage or group admin); send If-Match with its etag.",
        request_schema={"type": "object", "additionalProperties": False, "properties": _GROUP_FIELDS_SCHEMA},
    ),
    ApiRoute(
        "DELETE",
        "/v1/groups/{group_id}",
        delete_group,
        "Delete a group; its members stay in the organization (groups.manage).",
        success_status=204,
    ),
    ApiRoute(
        "GET",
        "/v1/groups/{group_id}/members",
        list_group_members,
        "A group's members, one page at a time (members.read).",
        query=PAGE_QUERY,
    ),
    ApiRoute(
        "POST",
        "/v1/groups/{group_id}/members",
        add_group_members,
        "Add members; one result per member (groups.manage, group admin, or yourself in an unlocked group).",
        request_schema={
            "type": "object",
            "required": ["member_ids"],
            "properties": {"member_ids": _IDS_SCHEMA, "as_admins": {"type": "boolean"}},
        },
    ),
    ApiRoute(
        "POST",
        "/v1/groups/{group_id}/members/remove",
        remove_group_members,
        "Remove members; one result per member (groups.manage, group admin, or yourself in an unlocked group).",
        request_schema={"type": "object", "required": ["member_ids"], "properties": {"member_ids": _IDS_SCHEMA}},
    ),
    ApiRoute(
        "POST",
        "/v1/members/{member_id}/groups",
        add_member_to_groups,
        "Add one member to several groups (at most 10 workspaces); one result per group.",
        request_schema={"type": "object", "required": ["group_ids"], "properties": {"group_ids": _IDS_SCHEMA}},
    ),
)
