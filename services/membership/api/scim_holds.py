"""ScimHoldService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import grpc
from tenantry.membership.v1 import scim_hold_service_pb2 as pb
from tenantry.membership.v1 import scim_hold_service_pb2_grpc as pb_grpc

from services.common.messaging import timestamp
from services.common.principal import current_call
from services.membership.domain.scim_dry_run import (
    DryRunChange,
    ProvisioningSettings,
    ScimSettingsUseCases,
)
from services.membership.domain.scim_holds import HeldChange, HoldPolicy, ScimHolds


def held_change_to_proto(change: HeldChange) -> pb.HeldScimChangeInfo:
    return pb.HeldScimChangeInfo(
        id=change.id,
        member_id=change.member_id,
        action=change.action.value,
        requested_by=change.actor_id,
        held_at=timestamp(change.held_at),
    )


def policy_to_proto(policy: HoldPolicy) -> pb.ScimHoldPolicy:
    return pb.ScimHoldPolicy(percent=policy.percent, floor=policy.floor)


def settings_to_proto(settings: ProvisioningSettings) -> pb.ScimProvisioningSettings:
    return pb.ScimProvisioningSettings(
        dry_run=settings.dry_run, auto_purchase_seats=settings.auto_purchase_seats, max_seats=settings.max_seats
    )


def dry_run_change_to_proto(change: DryRunChange) -> pb.ScimDryRunChange:
    return pb.ScimDryRunChange(
        id=change.id,
        kind=change.kind.value,
        target_id=change.target_id,
        target=change.target,
        summary=change.summary,
        requested_by=change.actor_id,
        recorded_at=timestamp(change.recorded_at),
    )


class ScimHoldServicer(pb_grpc.ScimHoldServiceServicer):
    def __init__(self, holds: ScimHolds, settings: ScimSettingsUseCases):
        self._holds = holds
        self._settings = settings

    async def ListHeldScimChanges(
        self, request: pb.ListHeldScimChangesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListHeldScimChangesResponse:
        changes = await self._holds.list_held(current_call().require_principal(), request.organization_id)
        return pb.ListHeldScimChangesResponse(changes=[held_change_to_proto(c) for c in changes])

    async def ApproveHeldScimChanges(
        self, request: pb.ApproveHeldScimChangesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ApproveHeldScimChangesResponse:
        changes = await self._holds.approve(current_call().require_principal(), request.organization_id)
        return pb.ApproveHeldScimChangesResponse(changes=[held_change_to_proto(c) for c in changes])

    async def RejectHeldScimChanges(
        self, request: pb.RejectHeldScimChangesRequest, context: grpc.aio.ServicerContext
    ) -> pb.RejectHeldScimChangesResponse:
        changes = await self._holds.reject(current_call().require_principal(), request.organization_id)
        return pb.RejectHeldScimChangesResponse(changes=[held_change_to_proto(c) for c in changes])

    async def GetScimHoldPolicy(
        self, request: pb.GetScimHoldPolicyRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetScimHoldPolicyResponse:
        policy = await self._holds.get_policy(current_call().require_principal(), request.organization_id)
        return pb.GetScimHoldPolicyResponse(policy=policy_to_proto(policy))

    async def SetScimHoldPolicy(
        self, request: pb.SetScimHoldPolicyRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetScimHoldPolicyResponse:
        policy = await self._holds.set_policy(
            current_call().require_principal(),
            request.organization_id,
            HoldPolicy(request.policy.percent, request.policy.floor),
        )
        return pb.SetScimHoldPolicyResponse(policy=policy_to_proto(policy))

    async def GetScimProvisioningSettings(
        self, request: pb.GetScimProvisioningSettingsRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetScimProvisioningSettingsResponse:
        settings = await self._settings.get(current_call().require_principal(), request.organization_id)
        return pb.GetScimProvisioningSettingsResponse(settings=settings_to_proto(settings))

    async def SetScimProvisioningSettings(
        self, request: pb.SetScimProvisioningSettingsRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetScimProvisioningSettingsResponse:
        sent = request.settings
        settings = await self._settings.set(
            current_call().require_principal(),
            request.organization_id,
            ProvisioningSettings(sent.dry_run, sent.auto_purchase_seats, sent.max_seats),
        )
        return pb.SetScimProvisioningSettingsResponse(settings=settings_to_proto(settings))

    async def ListScimDryRunChanges(
        self, request: pb.ListScimDryRunChangesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListScimDryRunChangesResponse:
        page = await self._settings.list_changes(
            current_call().require_principal(), request.organization_id, request.page_size, request.page_token
        )
        return pb.ListScimDryRunChangesResponse(
            changes=[dry_run_change_to_proto(c) for c in page.changes], next_page_token=page.next_page_token
        )

    async def ClearScimDryRunChanges(
        self, request: pb.ClearScimDryRunChangesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ClearScimDryRunChangesResponse:
        cleared = await self._settings.clear(current_call().require_principal(), request.organization_id)
        return pb.ClearScimDryRunChangesResponse(cleared=cleared)
