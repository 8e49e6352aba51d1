"""REST routes of custom roles."""

from __future__ import annotations

from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.models.members import RoleDefinition, RoleList, RoleReply
from gateway.routing import ApiRoute, Context


async def list_roles(context: Context) -> RoleList:
    reply = await context.call(
        context.clients.membership.ListRoles,
        membership_pb.ListRolesRequest(organization_id=context.organization_id),
    )
    return RoleList.model_validate({"roles": [convert.role(r) for r in reply.roles]})


async def save_role(context: Context) -> RoleReply:
    reply = await context.call(
        context.clients.membership.SaveRole,
        membership_pb.SaveRoleRequest(
            organization_id=context.organization_id,
            role=membership_pb.Role(**context.body_as(RoleDefinition).model_dump()),
        ),
    )
    return RoleReply.model_validate({"role": convert.role(reply.role)})


async def delete_role(context: Context) -> None:
    await context.call(
        context.clients.membership.DeleteRole,
        membership_pb.DeleteRoleRequest(organization_id=context.organization_id, key=context.path("role_key")),
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/roles", list_roles, "The organization's custom roles (members.read).", response=RoleList),
    ApiRoute(
        "POST",
        "/v1/roles",
        save_role,
        "Create a custom role, or change it while no member holds it; only permissions you hold "
        "(members.manage_roles).",
        body=RoleDefinition,
        response=RoleReply,
    ),
    ApiRoute(
        "DELETE",
        "/v1/roles/{role_key}",
        delete_role,
        "Delete a custom role no member holds (members.manage_roles).",
        success_status=204,
    ),
)
