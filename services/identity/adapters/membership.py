"""Membership, as identity sees it: the adapter of the InvitationChecker port."""

from __future__ import annotations

import grpc
from tenantry.membership.v1 import membership_service_pb2 as membership_pb
from tenantry.membership.v1 import membership_service_pb2_grpc as membership_grpc

from services.common.channels import ChannelSecurity, open_channel
from services.common.errors import FailedPrecondition, NotFound
from services.identity.domain.ports import InvitedPerson

# The built-in role without admin permissions; any other role's password follows the admin rules.
MEMBER_ROLE = "member"


class MembershipInvitations:
    """Asks membership whether an invitation link is valid, and for which email."""

    def __init__(self, address: str, timeout_seconds: float = 5.0, security: ChannelSecurity | None = None):
        self._address = address
        self._security = security
        self._timeout = timeout_seconds
        self._channel: grpc.aio.Channel | None = None

    async def invitation(self, invitation_id: str, token: str) -> InvitedPerson:
        if self._channel is None:
            self._channel = open_channel(self._address, self._security)
        try:
            reply = await membership_grpc.MembershipServiceStub(self._channel).GetInvitation(
                membership_pb.GetInvitationRequest(invitation_id=invitation_id, token=token), timeout=self._timeout
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                raise NotFound("This invitation link is not valid (anymore).", reason="INVITATION_NOT_FOUND") from exc
            if exc.code() == grpc.StatusCode.FAILED_PRECONDITION:
                raise FailedPrecondition(
                    exc.details() or "The invitation cannot be used.", reason="INVITATION_EXPIRED"
                ) from exc
            raise
        view = reply.invitation
        return InvitedPerson(view.email, view.organization_id, admin=view.role != MEMBER_ROLE)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
