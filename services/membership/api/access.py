"""AccessService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import grpc
from tenantry.membership.v1 import access_service_pb2 as pb
from tenantry.membership.v1 import access_service_pb2_grpc as pb_grpc

from services.common.principal import current_call
from services.membership.domain.access import AccessDecision, AccessUseCases, ModuleState


def module_to_proto(state: ModuleState) -> pb.Module:
    module = state.module
    return pb.Module(
        id=module.id,
        name=module.name,
        description=module.description,
        entitlement=module.entitlement,
        per_group=module.per_group,
        entitled=state.entitled,
        enabled=state.enabled,
        enabled_group_ids=list(state.enabled_group_ids),
        disabled_group_ids=list(state.disabled_group_ids),
        plans=list(state.plans),
    )


def decision_to_proto(decision: AccessDecision) -> pb.AccessDecision:
    return pb.AccessDecision(
        member_id=decision.member_id, module_id=decision.module_id, allowed=decision.allowed, reason=decision.reason
    )


class AccessServicer(pb_grpc.AccessServiceServicer):
    def __init__(self, use_cases: AccessUseCases):
        self._use_cases = use_cases

    async def ListModules(
        self, request: pb.ListModulesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListModulesResponse:
        states = await self._use_cases.list_modules(current_call().require_principal(), request.organization_id)
        return pb.ListModulesResponse(modules=[module_to_proto(state) for state in states])

    async def SetModule(self, request: pb.SetModuleRequest, context: grpc.aio.ServicerContext) -> pb.SetModuleResponse:
        state = await self._use_cases.set_module(
            current_call().require_principal(),
            request.organization_id,
            request.module_id,
            request.group_id,
            request.enabled,
        )
        return pb.SetModuleResponse(module=module_to_proto(state))

    async def CheckAccess(
        self, request: pb.CheckAccessRequest, context: grpc.aio.ServicerContext
    ) -> pb.CheckAccessResponse:
        decision = await self._use_cases.check(
            current_call().require_principal(), request.organization_id, request.member_id, request.module_id
        )
        return pb.CheckAccessResponse(decision=decision_to_proto(decision))

    async def BatchCheckAccess(
        self, request: pb.BatchCheckAccessRequest, context: grpc.aio.ServicerContext
    ) -> pb.BatchCheckAccessResponse:
        decisions = await self._use_cases.check_many(
            current_call().require_principal(),
            request.organization_id,
            [(check.member_id, check.module_id) for check in request.checks],
        )
        return pb.BatchCheckAccessResponse(decisions=[decision_to_proto(decision) for decision in decisions])
