"""Membership's GetAccountMemberships behind the MembershipDirectory port: identity asks as a system principal of
its own (the person signing in is nobody's principal yet) when its projection lags behind a new member."""

from __future__ import annotations

import grpc
from tenantry.membership.v1 import provisioning_service_pb2 as provisioning_pb
from tenantry.membership.v1 import provisioning_service_pb2_grpc as provisioning_grpc

from services.common.channels import ChannelSecurity, open_channel
from services.common.errors import Unavailable
from services.common.principal import outgoing_metadata, system_principal
from services.identity.domain.model import Membership
from services.identity.domain.ports import PrincipalMinter

DIRECTORY_ACTOR = "identity-memberships"


class MembershipAccounts:
    def __init__(
        self,
        address: str,
        minter: PrincipalMinter,
        timeout_seconds: float = 2.0,
        security: ChannelSecurity | None = None,
    ):
        self._address = address
        self._minter = minter
        # Short: a sign-in waits for it, and the projection catches up by itself anyway.
        self._timeout = timeout_seconds
        self._security = security
        self._channel: grpc.aio.Channel | None = None

    async def memberships_of(self, account_id: str) -> list[Membership]:
        if self._channel is None:
            self._channel = open_channel(self._address, self._security)
        token, _ = self._minter.mint(system_principal(DIRECTORY_ACTOR))
        try:
            reply = await provisioning_grpc.ProvisioningServiceStub(self._channel).GetAccountMemberships(
                provisioning_pb.GetAccountMembershipsRequest(account_id=account_id),
                metadata=outgoing_metadata(token),
                timeout=self._timeout,
            )
        except grpc.aio.AioRpcError as exc:
            raise Unavailable(f"Membership could not be asked ({exc.code().name}).") from exc
        return [
            Membership(
                organization_id=found.organization_id,
                member_id=found.member_id,
                account_id=account_id,
                permissions=frozenset(found.permissions),
                status=found.status,
                version=found.version,
            )
            for found in reply.memberships
        ]

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
