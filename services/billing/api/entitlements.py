"""EntitlementService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import grpc
from tenantry.billing.v1 import entitlement_service_pb2 as pb
from tenantry.billing.v1 import entitlement_service_pb2_grpc as pb_grpc

from services.billing.domain.entitlements import EntitlementQueries
from services.billing.events.publish import entitlement_set
from services.common.principal import current_call


class EntitlementServicer(pb_grpc.EntitlementServiceServicer):
    def __init__(self, queries: EntitlementQueries):
        self._queries = queries

    async def GetEntitlements(
        self, request: pb.GetEntitlementsRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetEntitlementsResponse:
        entitlements = await self._queries.get(current_call().require_principal(), request.organization_id)
        return pb.GetEntitlementsResponse(entitlements=entitlement_set(entitlements))
