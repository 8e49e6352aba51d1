"""REST routes of the product's module switches (membership's AccessService)."""

from __future__ import annotations

from typing import Any

from tenantry.membership.v1 import access_service_pb2 as access_pb

from gateway.models.modules import ModuleList, ModuleReply, ModuleSwitch
from gateway.routing import ApiRoute, Context


def module_fields(module: access_pb.Module) -> dict[str, Any]:
    return {
        "id": module.id,
        "name": module.name,
        "description": module.description,
        "entitlement": module.entitlement,
        "per_group": module.per_group,
        "entitled": module.entitled,
        "enabled": module.enabled,
        "enabled_group_ids": list(module.enabled_group_ids),
        "disabled_group_ids": list(module.disabled_group_ids),
        "plans": list(module.plans),
    }


async def list_modules(context: Context) -> ModuleList:
    reply = await context.call(
        context.clients.access.ListModules, access_pb.ListModulesRequest(organization_id=context.organization_id)
    )
    return ModuleList.model_validate({"modules": [module_fields(module) for module in reply.modules]})


async def switch(context: Context, group_id: str) -> ModuleReply:
    reply = await context.call(
        context.clients.access.SetModule,
        access_pb.SetModuleRequest(
            organization_id=context.organization_id,
            module_id=context.path("module_id"),
            group_id=group_id,
            enabled=context.body_as(ModuleSwitch).enabled,
            idempotency_key=context.idempotency_key,
        ),
    )
    return ModuleReply.model_validate({"module": module_fields(reply.module)})


async def switch_for_organization(context: Context) -> ModuleReply:
    return await switch(context, "")


async def switch_for_group(context: Context) -> ModuleReply:
    return await switch(context, context.path("group_id"))


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/modules",
        list_modules,
        "List the product's modules and tools: whether the plan includes each (entitled), whether it is on for the "
        "organization, the groups switching it on or off, and the plans that include it (members.read).",
        response=ModuleList,
    ),
    ApiRoute(
        "PUT",
        "/v1/modules/{module_id}",
        switch_for_organization,
        "Switch a module on or off for the whole organization; on needs the plan's entitlement (409 "
        "ENTITLEMENT_REQUIRED naming the plans that include it) (org.manage).",
        body=ModuleSwitch,
        response=ModuleReply,
    ),
    ApiRoute(
        "PUT",
        "/v1/groups/{group_id}/modules/{module_id}",
        switch_for_group,
        "Switch a module on or off for one group's members, where the module allows it (NOT_PER_GROUP otherwise); on "
        "needs the plan's entitlement (org.manage).",
        body=ModuleSwitch,
        response=ModuleReply,
    ),
)
