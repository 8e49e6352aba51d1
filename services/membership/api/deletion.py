"""OrganizationDeletionService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import grpc
from tenantry.membership.v1 import deletion_service_pb2 as pb
from tenantry.membership.v1 import deletion_service_pb2_grpc as pb_grpc

from services.common.messaging import timestamp
from services.common.principal import current_call
from services.membership.domain.deletion import DeletionStatus, OrganizationDeletion
from services.membership.domain.early_deletion import EarlyDeletion


def status_to_proto(status: DeletionStatus) -> pb.DeletionStatus:
    return pb.DeletionStatus(
        organization_id=status.organization_id,
        scheduled_time=timestamp(status.deletion_at) if status.deletion_at else None,
        hold=status.hold,
        hold_reason=status.hold_reason,
        deleted_time=timestamp(status.deleted_at) if status.deleted_at else None,
        requested_deletion_time=timestamp(status.requested_deletion_at) if status.requested_deletion_at else None,
        request_time=timestamp(status.requested_at) if status.requested_at else None,
        requested_by_account_id=status.requested_by,
    )


class DeletionServicer(pb_grpc.OrganizationDeletionServiceServicer):
    def __init__(self, deletion: OrganizationDeletion, early: EarlyDeletion):
        self._deletion = deletion
        self._early = early

    async def SetDeletionHold(
        self, request: pb.SetDeletionHoldRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetDeletionHoldResponse:
        principal = current_call().require_principal()
        status = await self._deletion.set_hold(principal, request.organization_id, request.hold, request.reason)
        return pb.SetDeletionHoldResponse(status=status_to_proto(status))

    async def GetDeletionStatus(
        self, request: pb.GetDeletionStatusRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetDeletionStatusResponse:
        status = await self._deletion.status(current_call().require_principal(), request.organization_id)
        return pb.GetDeletionStatusResponse(status=status_to_proto(status))

    async def RequestOrganizationDeletion(
        self, request: pb.RequestOrganizationDeletionRequest, context: grpc.aio.ServicerContext
    ) -> pb.RequestOrganizationDeletionResponse:
        principal = current_call().require_principal()
        status = await self._early.request(principal, request.organization_id, request.confirm_name)
        return pb.RequestOrganizationDeletionResponse(status=status_to_proto(status))

    async def CancelOrganizationDeletion(
        self, request: pb.CancelOrganizationDeletionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelOrganizationDeletionResponse:
        status = await self._early.cancel(current_call().require_principal(), request.organization_id)
        return pb.CancelOrganizationDeletionResponse(status=status_to_proto(status))
