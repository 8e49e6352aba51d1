"""REST routes: Custom roles."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.routing import (
    ApiRoute,
    BadRequest,
    Context,
)


async def list_roles(context: Context) -> Response:
    reply = await context.call(
        context.clients.membership.ListRoles, membership_pb.ListRolesRequest(organization_id=context.organization_id)
    )
    return JSONResponse({"roles": [convert.role_json(r) for r in reply.roles]})


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
    reply = await context.call(
        context.clients.membership.SaveRole,
        membership_pb.SaveRoleRequest(
            organization_id=context.organization_id,
            role=membership_pb.Role(
                key=body["key"][:64], name=body["name"][:400], permissions=[p[:64] for p in permissions[:100]]
            ),
        ),
    )
    return JSONResponse({"role": convert.role_json(reply.role)})


async def delete_role(context: Context) -> Response:
    await context.call(
        context.clients.membership.DeleteRole,
        membership_pb.DeleteRoleRequest(
            organization_id=context.organization_id, key=str(context.request.path_params["role_key"])[:64]
        ),
    )
    return Response(status_code=204)


ROUTES: tuple[ApiRoute, ...] = (
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
)
