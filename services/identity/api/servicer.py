"""IdentityService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

from datetime import UTC

import grpc
from tenantry.common.v1 import common_pb2
from tenantry.identity.v1 import identity_service_pb2 as pb
from tenantry.identity.v1 import identity_service_pb2_grpc as pb_grpc

from services.common.messaging import actor_from_principal, timestamp
from services.common.principal import ACTOR_USER, Principal, current_call
from services.identity.domain.model import ApiKey
from services.identity.domain.use_cases import Authenticated, IdentityUseCases


def api_key_to_proto(api_key: ApiKey) -> pb.ApiKey:
    return pb.ApiKey(
        id=api_key.id,
        organization_id=api_key.organization_id,
        name=api_key.name,
        prefix=api_key.prefix,
        permissions=sorted(api_key.permissions),
        create_time=timestamp(api_key.created_at),
        expire_time=timestamp(api_key.expires_at) if api_key.expires_at else None,
    )


def authenticated_to_proto(result: Authenticated) -> pb.AuthenticateResponse:
    principal = result.principal
    return pb.AuthenticateResponse(
        principal=common_pb2.Principal(
            actor=actor_from_principal(principal),
            account_id=principal.account_id,
            organization_id=principal.organization_id,
            permissions=sorted(principal.permissions),
            credential_id=principal.credential_id,
        ),
        principal_token=result.token,
        expire_time=timestamp(result.expires_at),
    )


class IdentityServicer(pb_grpc.IdentityServiceServicer):
    def __init__(self, use_cases: IdentityUseCases):
        self._use_cases = use_cases

    async def CreateAccount(
        self, request: pb.CreateAccountRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateAccountResponse:
        call = current_call()
        account = await self._use_cases.create_account(
            call.require_principal(),
            email=request.email,
            password=request.password,
            display_name=request.display_name,
            request_id=request.request_id or call.request_id,
        )
        return pb.CreateAccountResponse(
            account=pb.Account(
                id=account.id,
                email=account.email,
                display_name=account.display_name,
                create_time=timestamp(account.created_at),
            )
        )

    async def CreateSession(
        self, request: pb.CreateSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateSessionResponse:
        anonymous = Principal(
            actor_type=ACTOR_USER,
            actor_id="",
            actor_display=request.email[:320],
            ip_address=request.ip_address[:64],
            user_agent=request.user_agent[:512],
        )
        token, session = await self._use_cases.sign_in(
            email=request.email,
            password=request.password,
            organization_id=request.organization_id,
            ip_address=request.ip_address,
            user_agent=request.user_agent,
            actor=anonymous,
        )
        return pb.CreateSessionResponse(
            session_token=token,
            session=pb.Session(
                id=session.id,
                account_id=session.account_id,
                organization_id=session.organization_id,
                create_time=timestamp(session.created_at),
                expire_time=timestamp(session.expires_at),
            ),
        )

    async def DeleteSession(
        self, request: pb.DeleteSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteSessionResponse:
        await self._use_cases.sign_out(current_call().require_principal(), request.session_id)
        return pb.DeleteSessionResponse()

    async def Authenticate(
        self, request: pb.AuthenticateRequest, context: grpc.aio.ServicerContext
    ) -> pb.AuthenticateResponse:
        if request.WhichOneof("credential") == "api_key":
            result = await self._use_cases.authenticate_api_key(request.api_key, request.ip_address, request.user_agent)
        else:
            result = await self._use_cases.authenticate_session(
                request.session_token, request.ip_address, request.user_agent
            )
        return authenticated_to_proto(result)

    async def RegisterInvitedAccount(
        self, request: pb.RegisterInvitedAccountRequest, context: grpc.aio.ServicerContext
    ) -> pb.RegisterInvitedAccountResponse:
        account = await self._use_cases.register_invited_account(
            invitation_id=request.invitation_id,
            invitation_token=request.invitation_token,
            password=request.password,
            display_name=request.display_name,
            actor=Principal(actor_type=ACTOR_USER, actor_id=""),
        )
        return pb.RegisterInvitedAccountResponse(
            account=pb.Account(
                id=account.id,
                email=account.email,
                display_name=account.display_name,
                create_time=timestamp(account.created_at),
            )
        )

    async def CreateApiKey(
        self, request: pb.CreateApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateApiKeyResponse:
        call = current_call()
        created = await self._use_cases.create_api_key(
            call.require_principal(),
            name=request.name,
            permissions=list(request.permissions),
            expires_at=request.expire_time.ToDatetime(tzinfo=UTC) if request.HasField("expire_time") else None,
            request_id=request.request_id or call.request_id,
        )
        return pb.CreateApiKeyResponse(api_key=api_key_to_proto(created.api_key), secret=created.secret)
