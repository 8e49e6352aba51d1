"""Billing's calls to other services (adapters for domain ports)."""

from __future__ import annotations

import grpc
from tenantry.membership.v1 import membership_service_pb2 as membership_pb
from tenantry.membership.v1 import membership_service_pb2_grpc as membership_grpc

from services.common.channels import ChannelSecurity, open_channel
from services.common.errors import PermissionDenied, Unavailable
from services.common.principal import current_call

PAGE_SIZE = 200
STATUSES = {membership_pb.MEMBER_STATUS_INVITED: "invited", membership_pb.MEMBER_STATUS_ACTIVE: "active"}


class MembershipMembers:
    """Lists an organization's members through membership's ListMembers, on behalf of the person whose call this
    is (membership checks their `members.read`)."""

    def __init__(self, address: str, timeout_seconds: float = 10.0, security: ChannelSecurity | None = None):
        self._address = address
        self._security = security
        self._timeout = timeout_seconds
        self._channel: grpc.aio.Channel | None = None

    def _stub(self) -> membership_grpc.MembershipServiceStub:
        if self._channel is None:
            self._channel = open_channel(self._address, self._security)
        return membership_grpc.MembershipServiceStub(self._channel)

    async def seated_members(self, organization_id: str) -> dict[str, str]:
        members: dict[str, str] = {}
        page_token = ""
        while True:
            try:
                reply = await self._stub().ListMembers(
                    membership_pb.ListMembersRequest(
                        organization_id=organization_id, page_size=PAGE_SIZE, page_token=page_token
                    ),
                    metadata=current_call().forwarded_metadata(),
                    timeout=self._timeout,
                )
            except grpc.aio.AioRpcError as exc:
                if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
                    raise PermissionDenied(
                        "Reconciling seats needs members.read as well.", reason="MEMBERS_READ_REQUIRED"
                    ) from exc
                raise Unavailable(f"Membership could not list the members ({exc.code().name}); try again.") from exc
            for member in reply.members:
                if member.status in STATUSES:
                    members[member.id] = STATUSES[member.status]
            page_token = reply.next_page_token
            if not page_token:
                return members
