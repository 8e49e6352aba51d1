"""IdentityService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

from datetime import UTC

import grpc
from tenantry.common.v1 import common_pb2
from tenantry.identity.v1 import identity_service_pb2 as pb
from tenantry.identity.v1 import identity_service_pb2_grpc as pb_grpc

from services.common.errors import FieldViolation, InvalidArgument
from services.common.messaging import actor_from_principal, timestamp
from services.common.principal import ACTOR_USER, Principal, bounded_client, current_call
from services.identity.convert import policy_to_proto
from services.identity.domain.authentication import Authenticated
from services.identity.domain.model import Account, ApiKey, Session
from services.identity.domain.policies import EDITABLE_FIELDS
from services.identity.domain.use_cases import IdentityUseCases


def api_key_to_proto(api_key: ApiKey) -> pb.ApiKey:
    return pb.ApiKey(
        id=api_key.id,
        organization_id=api_key.organization_id,
        name=api_key.name,
        prefix=api_key.prefix,
        permissions=sorted(api_key.permissions),
        create_time=timestamp(api_key.created_at),
        expire_time=timestamp(api_key.expires_at) if api_key.expires_at else None,
        last_use_time=timestamp(api_key.last_used_at) if api_key.last_used_at else None,
        revoke_time=timestamp(api_key.revoked_at) if api_key.revoked_at else None,
        kind=api_key.kind,
        creator_id=api_key.created_by,
    )


def session_to_proto(session: Session, current_session_id: str = "") -> pb.Session:
    return pb.Session(
        id=session.id,
        account_id=session.account_id,
        organization_id=session.organization_id,
        create_time=timestamp(session.created_at),
        expire_time=timestamp(session.expires_at),
        last_seen_time=timestamp(session.last_seen_at),
        ip_address=session.ip_address,
        user_agent=session.user_agent,
        current=session.id == current_session_id,
        mfa_enrollment_required=session.mfa_enrollment_required,
    )


def account_to_proto(account: Account) -> pb.Account:
    return pb.Account(
        id=account.id,
        email=account.email,
        display_name=account.display_name,
        create_time=timestamp(account.created_at),
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
            authenticate_time=timestamp(principal.authenticated_at) if principal.authenticated_at else None,
        ),
        principal_token=result.token,
        expire_time=timestamp(result.expires_at),
        rotated_session_token=result.rotated_session_token,
        mfa_enrollment_required=result.mfa_enrollment_required,
        organization_ended=result.organization_ended,
    )


def anonymous(email: str, ip_address: str, user_agent: str) -> Principal:
    """The actor of a call made before anyone is signed in, for the audit log. The use cases refuse an email
    longer than an address can be before recording anything (see refuse_overlong_email)."""
    ip_address, user_agent = bounded_client(ip_address, user_agent)
    return Principal(
        actor_type=ACTOR_USER, actor_id="", actor_display=email, ip_address=ip_address, user_agent=user_agent
    )


def policy_changes(request: pb.UpdateSecurityPolicyRequest) -> dict[str, object]:
    """The fields named in the mask, with their new values."""
    paths = list(request.update_mask.paths)
    unknown = [p for p in paths if p not in EDITABLE_FIELDS]
    if unknown:
        raise InvalidArgument(
            "The update mask names fields that cannot be changed.",
            [FieldViolation("update_mask", f"unknown field {p!r}") for p in unknown],
        )
    changes: dict[str, object] = {}
    for path in paths:
        value = getattr(request.policy, path)
        changes[path] = list(value) if path == "allowed_invitation_domains" else value
    return changes


class IdentityServicer(pb_grpc.IdentityServiceServicer):
    def __init__(self, use_cases: IdentityUseCases):
        self._accounts = use_cases.accounts
        self._sign_in = use_cases.sign_in
        self._authentication = use_cases.authentication
        self._sessions = use_cases.sessions
        self._credentials = use_cases.credentials
        self._api_keys = use_cases.api_keys
        self._security_policy = use_cases.security_policy

    async def CreateAccount(
        self, request: pb.CreateAccountRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateAccountResponse:
        call = current_call()
        account = await self._accounts.create_account(
            call.require_principal(),
            email=request.email,
            password=request.password,
            display_name=request.display_name,
            idempotency_key=request.idempotency_key or call.idempotency_key,
        )
        return pb.CreateAccountResponse(account=account_to_proto(account))

    async def CreateSession(
        self, request: pb.CreateSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateSessionResponse:
        result = await self._sign_in.sign_in(
            email=request.email,
            password=request.password,
            organization_id=request.organization_id,
            ip_address=request.ip_address,
            user_agent=request.user_agent,
            previous_session_token=request.previous_session_token,
            actor=anonymous(request.email, request.ip_address, request.user_agent),
        )
        if result.mfa_challenge_token:
            return pb.CreateSessionResponse(mfa_required=True, mfa_challenge_token=result.mfa_challenge_token)
        assert result.session is not None
        return pb.CreateSessionResponse(session_token=result.token, session=session_to_proto(result.session))

    async def VerifySecondFactor(
        self, request: pb.VerifySecondFactorRequest, context: grpc.aio.ServicerContext
    ) -> pb.VerifySecondFactorResponse:
        result = await self._sign_in.verify_second_factor(
            challenge_token=request.mfa_challenge_token,
            totp_code=request.totp_code,
            recovery_code=request.recovery_code,
            ip_address=request.ip_address,
            user_agent=request.user_agent,
            actor=anonymous("", request.ip_address, request.user_agent),
        )
        assert result.session is not None
        return pb.VerifySecondFactorResponse(session_token=result.token, session=session_to_proto(result.session))

    async def DeleteSession(
        self, request: pb.DeleteSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteSessionResponse:
        await self._sessions.sign_out(current_call().require_principal(), request.session_id)
        return pb.DeleteSessionResponse()

    async def Authenticate(
        self, request: pb.AuthenticateRequest, context: grpc.aio.ServicerContext
    ) -> pb.AuthenticateResponse:
        if request.WhichOneof("credential") == "api_key":
            result = await self._authentication.authenticate_api_key(
                request.api_key, request.ip_address, request.user_agent
            )
        else:
            result = await self._authentication.authenticate_session(
                request.session_token, request.ip_address, request.user_agent
            )
        return authenticated_to_proto(result)

    async def RegisterInvitedAccount(
        self, request: pb.RegisterInvitedAccountRequest, context: grpc.aio.ServicerContext
    ) -> pb.RegisterInvitedAccountResponse:
        account = await self._accounts.register_invited_account(
            invitation_id=request.invitation_id,
            invitation_token=request.invitation_token,
            password=request.password,
            display_name=request.display_name,
            actor=Principal(actor_type=ACTOR_USER, actor_id=""),
        )
        return pb.RegisterInvitedAccountResponse(account=account_to_proto(account))

    async def ReauthenticateSession(
        self, request: pb.ReauthenticateSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReauthenticateSessionResponse:
        token, session = await self._sign_in.reauthenticate(
            current_call().require_principal(), password=request.password, totp_code=request.totp_code
        )
        return pb.ReauthenticateSessionResponse(session_token=token, session=session_to_proto(session, session.id))

    async def ListSessions(
        self, request: pb.ListSessionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListSessionsResponse:
        principal = current_call().require_principal()
        sessions = await self._sessions.list_sessions(principal, request.account_id)
        return pb.ListSessionsResponse(sessions=[session_to_proto(s, principal.credential_id) for s in sessions])

    async def RevokeSession(
        self, request: pb.RevokeSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.RevokeSessionResponse:
        await self._sessions.revoke_session(current_call().require_principal(), request.session_id)
        return pb.RevokeSessionResponse()

    async def RevokeAccountSessions(
        self, request: pb.RevokeAccountSessionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.RevokeAccountSessionsResponse:
        count = await self._sessions.revoke_account_sessions(
            current_call().require_principal(), request.account_id, request.keep_current
        )
        return pb.RevokeAccountSessionsResponse(revoked_count=count)

    async def ChangePassword(
        self, request: pb.ChangePasswordRequest, context: grpc.aio.ServicerContext
    ) -> pb.ChangePasswordResponse:
        revoked = await self._credentials.change_password(
            current_call().require_principal(),
            current_password=request.current_password,
            new_password=request.new_password,
        )
        return pb.ChangePasswordResponse(revoked_session_count=revoked)

    async def RequestPasswordReset(
        self, request: pb.RequestPasswordResetRequest, context: grpc.aio.ServicerContext
    ) -> pb.RequestPasswordResetResponse:
        await self._credentials.request_reset(anonymous(request.email, request.ip_address, ""), request.email)
        return pb.RequestPasswordResetResponse()

    async def SendPasswordReset(
        self, request: pb.SendPasswordResetRequest, context: grpc.aio.ServicerContext
    ) -> pb.SendPasswordResetResponse:
        reset = await self._credentials.send_reset(current_call().require_principal(), request.account_id)
        return pb.SendPasswordResetResponse(expire_time=timestamp(reset.expires_at))

    async def ResetPassword(
        self, request: pb.ResetPasswordRequest, context: grpc.aio.ServicerContext
    ) -> pb.ResetPasswordResponse:
        await self._credentials.reset_password(
            Principal(actor_type=ACTOR_USER, actor_id=""),
            reset_id=request.reset_id,
            token=request.token,
            new_password=request.new_password,
        )
        return pb.ResetPasswordResponse()

    async def GetAccountSecurity(
        self, request: pb.GetAccountSecurityRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetAccountSecurityResponse:
        totp_enabled, codes_left = await self._credentials.account_security(current_call().require_principal())
        return pb.GetAccountSecurityResponse(totp_enabled=totp_enabled, recovery_codes_left=codes_left)

    async def EnrollTotp(
        self, request: pb.EnrollTotpRequest, context: grpc.aio.ServicerContext
    ) -> pb.EnrollTotpResponse:
        enrollment = await self._credentials.enroll_totp(current_call().require_principal())
        return pb.EnrollTotpResponse(
            secret=enrollment.secret, otpauth_uri=enrollment.otpauth_uri, qr_code_svg=enrollment.qr_code_svg
        )

    async def ConfirmTotp(
        self, request: pb.ConfirmTotpRequest, context: grpc.aio.ServicerContext
    ) -> pb.ConfirmTotpResponse:
        codes = await self._credentials.confirm_totp(current_call().require_principal(), request.totp_code)
        return pb.ConfirmTotpResponse(recovery_codes=codes)

    async def DisableTotp(
        self, request: pb.DisableTotpRequest, context: grpc.aio.ServicerContext
    ) -> pb.DisableTotpResponse:
        await self._credentials.disable_totp(current_call().require_principal(), request.password)
        return pb.DisableTotpResponse()

    async def GetSecurityPolicy(
        self, request: pb.GetSecurityPolicyRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSecurityPolicyResponse:
        policy = await self._security_policy.get_policy(current_call().require_principal(), request.organization_id)
        return pb.GetSecurityPolicyResponse(policy=policy_to_proto(policy))

    async def UpdateSecurityPolicy(
        self, request: pb.UpdateSecurityPolicyRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateSecurityPolicyResponse:
        call = current_call()
        policy = await self._security_policy.update_policy(
            call.require_principal(),
            request.policy.organization_id,
            policy_changes(request),
            etag=request.policy.etag,
            idempotency_key=request.idempotency_key or call.idempotency_key,
        )
        return pb.UpdateSecurityPolicyResponse(policy=policy_to_proto(policy))

    async def CreateApiKey(
        self, request: pb.CreateApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateApiKeyResponse:
        call = current_call()
        created = await self._api_keys.create_api_key(
            call.require_principal(),
            name=request.name,
            permissions=list(request.permissions),
            expires_at=request.expire_time.ToDatetime(tzinfo=UTC) if request.HasField("expire_time") else None,
            idempotency_key=request.idempotency_key or call.idempotency_key,
        )
        return pb.CreateApiKeyResponse(api_key=api_key_to_proto(created.api_key), secret=created.secret)

    async def CreateServiceAccount(
        self, request: pb.CreateServiceAccountRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateServiceAccountResponse:
        call = current_call()
        created = await self._api_keys.create_service_account(
            call.require_principal(),
            name=request.name,
            permissions=list(request.permissions),
            expires_at=request.expire_time.ToDatetime(tzinfo=UTC) if request.HasField("expire_time") else None,
            idempotency_key=request.idempotency_key or call.idempotency_key,
        )
        return pb.CreateServiceAccountResponse(service_account=api_key_to_proto(created.api_key), secret=created.secret)

    async def ListApiKeys(
        self, request: pb.ListApiKeysRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListApiKeysResponse:
        keys = await self._api_keys.list_api_keys(current_call().require_principal(), request.include_inactive)
        return pb.ListApiKeysResponse(api_keys=[api_key_to_proto(k) for k in keys])

    async def RevokeApiKey(
        self, request: pb.RevokeApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> pb.RevokeApiKeyResponse:
        key = await self._api_keys.revoke_api_key(current_call().require_principal(), request.api_key_id)
        return pb.RevokeApiKeyResponse(api_key=api_key_to_proto(key))
