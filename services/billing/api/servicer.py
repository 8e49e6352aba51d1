"""BillingService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import grpc
from tenantry.billing.v1 import billing_service_pb2 as pb
from tenantry.billing.v1 import billing_service_pb2_grpc as pb_grpc

from services.billing.domain.model import SeatUsage
from services.billing.domain.use_cases import BillingUseCases
from services.common.principal import current_call


def seat_usage_to_proto(usage: SeatUsage) -> pb.SeatUsage:
    return pb.SeatUsage(
        organization_id=usage.organization_id,
        purchased=usage.purchased,
        active=usage.active,
        invited=usage.invited,
        in_use=usage.in_use,
        available=usage.available,
    )


class BillingServicer(pb_grpc.BillingServiceServicer):
    def __init__(self, use_cases: BillingUseCases):
        self._use_cases = use_cases

    async def GetSeatUsage(
        self, request: pb.GetSeatUsageRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSeatUsageResponse:
        usage = await self._use_cases.seat_usage(current_call().require_principal(), request.organization_id)
        return pb.GetSeatUsageResponse(seat_usage=seat_usage_to_proto(usage))

    async def ReserveSeat(
        self, request: pb.ReserveSeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReserveSeatResponse:
        call = current_call()
        usage = await self._use_cases.reserve_seat(
            call.require_principal(), request.organization_id, request.member_id, call.request_id
        )
        return pb.ReserveSeatResponse(seat_usage=seat_usage_to_proto(usage))

    async def ReleaseSeat(
        self, request: pb.ReleaseSeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReleaseSeatResponse:
        call = current_call()
        await self._use_cases.release_seat(
            call.require_principal(), request.organization_id, request.member_id, call.request_id
        )
        return pb.ReleaseSeatResponse()
