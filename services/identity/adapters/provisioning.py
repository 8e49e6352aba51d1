"""Membership's ProvisionMember behind the MemberProvisioner port: SSO's just-in-time members. Identity calls as
a system principal of that one organization holding only "members.invite" (membership passes it on to billing
for the seat), since the person signing in is not anyone's principal yet."""

from __future__ import annotations

import grpc
from tenantry.membership.v1 import provisioning_service_pb2 as provisioning_pb
from tenantry.membership.v1 import provisioning_service_pb2_grpc as provisioning_grpc

from services.common.channels import ChannelSecurity, open_channel
from services.common.errors import FailedPrecondition, InvalidArgument, Unavailable
from services.common.grpc_server import error_reason
from services.common.permissions import MEMBERS_INVITE
from services.common.principal import ACTOR_SYSTEM, Principal, outgoing_metadata
from services.identity.domain.ports import PrincipalMinter
from services.identity.domain.sso.ports import ProvisionedMember

SSO_ACTOR = "identity-sso"


class MembershipProvisioner:
    def __init__(
        self,
        address: str,
        minter: PrincipalMinter,
        timeout_seconds: float = 10.0,
        security: ChannelSecurity | None = None,
    ):
        self._address = address
        self._security = security
        self._minter = minter
        self._timeout = timeout_seconds
        self._channel: grpc.aio.Channel | None = None

    def _stub(self) -> provisioning_grpc.ProvisioningServiceStub:
        if self._channel is None:
            # The one channel factory: every replica of membership, retries, keepalive, TLS, the trace.
            self._channel = open_channel(self._address, self._security)
        return provisioning_grpc.ProvisioningServiceStub(self._channel)

    async def provision(
        self,
        *,
        organization_id: str,
        email: str,
        display_name: str,
        external_id: str,
        account_id: str,
        role: str,
        group_ids: list[str],
        idempotency_key: str,
        role_from_mapping: bool = False,
    ) -> ProvisionedMember:
        token, _ = self._minter.mint(
            Principal(
                actor_type=ACTOR_SYSTEM,
                actor_id=SSO_ACTOR,
                actor_display="Single sign-on",
                organization_id=organization_id,
                permissions=frozenset({MEMBERS_INVITE}),
            )
        )
        try:
            reply = await self._stub().ProvisionMember(
                provisioning_pb.ProvisionMemberRequest(
                    organization_id=organization_id,
                    email=email,
                    display_name=display_name,
                    external_id=external_id,
                    account_id=account_id,
                    role=role,
                    group_ids=group_ids,
                    idempotency_key=idempotency_key,
                    role_from_mapping=role_from_mapping,
                ),
                metadata=outgoing_metadata(token),
                timeout=self._timeout,
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.FAILED_PRECONDITION:
                raise FailedPrecondition(exc.details() or "No member was created.", reason=error_reason(exc)) from exc
            if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
                raise InvalidArgument(exc.details() or "Membership refused the person.") from exc
            raise Unavailable(f"Membership could not provision the member ({exc.code().name}).") from exc
        return ProvisionedMember(reply.member.id, reply.created, reply.role_refused)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
