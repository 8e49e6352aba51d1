"""AuditRetentionService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import grpc
from tenantry.audit.v1 import retention_service_pb2 as pb
from tenantry.audit.v1 import retention_service_pb2_grpc as pb_grpc

from services.audit.domain.retention import DEFAULT_RETENTION_DAYS, RetentionSetting
from services.audit.domain.retention_cases import RetentionUseCases
from services.common.messaging import timestamp
from services.common.principal import current_call


def retention_of(organization_id: str, setting: RetentionSetting | None) -> pb.Retention:
    if setting is None:
        return pb.Retention(organization_id=organization_id, days=DEFAULT_RETENTION_DAYS, configured=False)
    return pb.Retention(
        organization_id=setting.organization_id,
        days=setting.days,
        legal_hold=setting.legal_hold,
        legal_hold_reason=setting.legal_hold_reason,
        update_time=timestamp(setting.updated_at),
        configured=True,
    )


class AuditRetentionServicer(pb_grpc.AuditRetentionServiceServicer):
    def __init__(self, retention: RetentionUseCases):
        self._retention = retention

    async def GetRetention(
        self, request: pb.GetRetentionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetRetentionResponse:
        setting = await self._retention.get(current_call().require_principal(), request.organization_id)
        return pb.GetRetentionResponse(retention=retention_of(request.organization_id, setting))

    async def UpdateRetention(
        self, request: pb.UpdateRetentionRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateRetentionResponse:
        principal = current_call().require_principal()
        setting = await self._retention.set_days(principal, request.organization_id, request.days)
        return pb.UpdateRetentionResponse(retention=retention_of(request.organization_id, setting))

    async def SetLegalHold(
        self, request: pb.SetLegalHoldRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetLegalHoldResponse:
        principal = current_call().require_principal()
        setting = await self._retention.set_legal_hold(principal, request.organization_id, request.hold, request.reason)
        return pb.SetLegalHoldResponse(retention=retention_of(request.organization_id, setting))
