"""Billing's seats over gRPC: the SeatReservations port of membership's domain."""

from __future__ import annotations

import asyncio

import grpc
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.billing.v1 import billing_service_pb2_grpc as billing_grpc

from services.common.errors import FailedPrecondition, Unavailable
from services.common.grpc_server import error_reason
from services.common.principal import current_call

NO_SEATS_AVAILABLE = "NO_SEATS_AVAILABLE"
RESERVE_ATTEMPTS = 5
FIRST_RETRY_DELAY_SECONDS = 0.1
RETRIED_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})


class BillingSeats:
    """Reserves and releases seats in billing, on behalf of the person whose call this is (billing checks
    their permissions, not membership's)."""

    def __init__(self, address: str, timeout_seconds: float = 5.0):
        self._address = address
        self._timeout = timeout_seconds
        self._channel: grpc.aio.Channel | None = None

    def _stub(self) -> billing_grpc.BillingServiceStub:
        if self._channel is None:
            self._channel = grpc.aio.insecure_channel(self._address)
        return billing_grpc.BillingServiceStub(self._channel)

    async def reserve(self, organization_id: str, member_id: str) -> None:
        delay = FIRST_RETRY_DELAY_SECONDS
        for attempt in range(1, RESERVE_ATTEMPTS + 1):
            try:
                await self._stub().ReserveSeat(
                    billing_pb.ReserveSeatRequest(organization_id=organization_id, member_id=member_id),
                    metadata=current_call().forwarded_metadata(),
                    timeout=self._timeout,
                )
                return
            except grpc.aio.AioRpcError as exc:
                if exc.code() == grpc.StatusCode.FAILED_PRECONDITION and error_reason(exc) == NO_SEATS_AVAILABLE:
                    raise FailedPrecondition(
                        exc.details() or "Every seat is in use.", reason=NO_SEATS_AVAILABLE
                    ) from exc
                # Reserving is idempotent per member, so asking again after a lost answer is safe.
                if exc.code() not in RETRIED_CODES or attempt == RESERVE_ATTEMPTS:
                    raise Unavailable(f"Billing could not reserve a seat ({exc.code().name}); try again.") from exc
            await asyncio.sleep(delay)
            delay *= 2

    async def release(self, organization_id: str, member_id: str) -> None:
        await self._stub().ReleaseSeat(
            billing_pb.ReleaseSeatRequest(organization_id=organization_id, member_id=member_id),
            metadata=current_call().forwarded_metadata(),
            timeout=self._timeout,
        )

    async def available(self, organization_id: str) -> int | None:
        try:
            reply = await self._stub().GetSeatUsage(
                billing_pb.GetSeatUsageRequest(organization_id=organization_id),
                metadata=current_call().forwarded_metadata(),
                timeout=self._timeout,
            )
        except grpc.aio.AioRpcError:
            return None  # e.g. the caller may not read billing: the dry run then cannot count seats
        return int(reply.seat_usage.available)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
