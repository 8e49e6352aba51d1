"""Billing's seats over gRPC: the SeatReservations port of membership's domain."""

from __future__ import annotations

import grpc
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.billing.v1 import billing_service_pb2_grpc as billing_grpc

from services.common.channels import ChannelSecurity, open_channel
from services.common.errors import FailedPrecondition, Unavailable
from services.common.grpc_server import error_reason
from services.common.principal import current_call

NO_SEATS_AVAILABLE = "NO_SEATS_AVAILABLE"


class BillingSeats:
    """Reserves and releases seats in billing, on behalf of the person whose call this is (billing checks
    their permissions, not membership's)."""

    def __init__(self, address: str, timeout_seconds: float = 5.0, security: ChannelSecurity | None = None):
        self._address = address
        self._security = security
        self._timeout = timeout_seconds
        self._channel: grpc.aio.Channel | None = None

    def _stub(self) -> billing_grpc.BillingServiceStub:
        if self._channel is None:
            self._channel = open_channel(self._address, self._security)
        return billing_grpc.BillingServiceStub(self._channel)

    async def reserve(self, organization_id: str, member_id: str) -> None:
        """Reserving is idempotent per member, so the channel's retry policy asks again after UNAVAILABLE."""
        try:
            await self._stub().ReserveSeat(
                billing_pb.ReserveSeatRequest(organization_id=organization_id, member_id=member_id),
                metadata=current_call().forwarded_metadata(),
                timeout=self._timeout,
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.FAILED_PRECONDITION and error_reason(exc) == NO_SEATS_AVAILABLE:
                raise FailedPrecondition(exc.details() or "Every seat is in use.", reason=NO_SEATS_AVAILABLE) from exc
            raise Unavailable(f"Billing could not reserve a seat ({exc.code().name}); try again.") from exc

    async def release(self, organization_id: str, member_id: str) -> None:
        await self._stub().ReleaseSeat(
            billing_pb.ReleaseSeatRequest(organization_id=organization_id, member_id=member_id),
            metadata=current_call().forwarded_metadata(),
            timeout=self._timeout,
        )

    async def true_up(self, organization_id: str, max_seats: int, idempotency_key: str) -> tuple[bool, int]:
        """Billing's ChangeSeats as a true-up, on behalf of the caller (a SCIM token holds seats.true_up)."""
        try:
            reply = await self._stub().ChangeSeats(
                billing_pb.ChangeSeatsRequest(
                    organization_id=organization_id, true_up_within=max_seats, idempotency_key=idempotency_key
                ),
                metadata=current_call().forwarded_metadata(),
                timeout=self._timeout,
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.FAILED_PRECONDITION:
                reason = error_reason(exc) or "FAILED_PRECONDITION"
                raise FailedPrecondition(exc.details() or "Billing refused the purchase.", reason=reason) from exc
            if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
                raise FailedPrecondition(
                    "Every seat is in use and seats cannot be bought on this caller's behalf.",
                    reason=NO_SEATS_AVAILABLE,
                ) from exc
            raise Unavailable(f"Billing could not buy a seat ({exc.code().name}); try again.") from exc
        return reply.seat_bought, int(reply.subscription.seats_purchased)

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
