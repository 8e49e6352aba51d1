"""ScimTokenService over gRPC: parse, call one use case, convert. No rules here."""

from __future__ import annotations

from datetime import UTC, timedelta

import grpc
from tenantry.identity.v1 import scim_token_service_pb2 as pb
from tenantry.identity.v1 import scim_token_service_pb2_grpc as pb_grpc

from services.common.messaging import timestamp
from services.common.principal import current_call
from services.identity.api.servicer import authenticated_to_proto
from services.identity.domain.scim_tokens import ScimToken, ScimTokenUseCases


def scim_token_to_proto(token: ScimToken) -> pb.ScimToken:
    return pb.ScimToken(
        id=token.id,
        organization_id=token.organization_id,
        name=token.name,
        prefix=token.prefix,
        create_time=timestamp(token.created_at),
        expire_time=timestamp(token.expires_at) if token.expires_at else None,
        last_use_time=timestamp(token.last_used_at) if token.last_used_at else None,
        revoke_time=timestamp(token.revoked_at) if token.revoked_at else None,
        creator_id=token.created_by,
    )


class ScimTokenServicer(pb_grpc.ScimTokenServiceServicer):
    def __init__(self, tokens: ScimTokenUseCases):
        self._tokens = tokens

    async def CreateScimToken(
        self, request: pb.CreateScimTokenRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateScimTokenResponse:
        call = current_call()
        created = await self._tokens.create(
            call.require_principal(),
            request.name[:400],
            request.expire_time.ToDatetime(tzinfo=UTC) if request.HasField("expire_time") else None,
            request.idempotency_key or call.idempotency_key,
        )
        return pb.CreateScimTokenResponse(token=scim_token_to_proto(created.token), secret=created.secret)

    async def ListScimTokens(
        self, request: pb.ListScimTokensRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListScimTokensResponse:
        tokens = await self._tokens.list_tokens(current_call().require_principal(), request.include_inactive)
        return pb.ListScimTokensResponse(tokens=[scim_token_to_proto(t) for t in tokens])

    async def RotateScimToken(
        self, request: pb.RotateScimTokenRequest, context: grpc.aio.ServicerContext
    ) -> pb.RotateScimTokenResponse:
        call = current_call()
        issued, previous = await self._tokens.rotate(
            call.require_principal(),
            request.token_id,
            timedelta(seconds=request.overlap_seconds),
            request.idempotency_key or call.idempotency_key,
        )
        return pb.RotateScimTokenResponse(
            token=scim_token_to_proto(issued.token), secret=issued.secret, previous=scim_token_to_proto(previous)
        )

    async def RevokeScimToken(
        self, request: pb.RevokeScimTokenRequest, context: grpc.aio.ServicerContext
    ) -> pb.RevokeScimTokenResponse:
        token = await self._tokens.revoke(current_call().require_principal(), request.token_id)
        return pb.RevokeScimTokenResponse(token=scim_token_to_proto(token))

    async def AuthenticateScimToken(
        self, request: pb.AuthenticateScimTokenRequest, context: grpc.aio.ServicerContext
    ) -> pb.AuthenticateScimTokenResponse:
        result = await self._tokens.authenticate(request.token, request.ip_address[:64], request.user_agent[:512])
        reply = authenticated_to_proto(result)
        return pb.AuthenticateScimTokenResponse(
            principal=reply.principal, principal_token=reply.principal_token, expire_time=reply.expire_time
        )
