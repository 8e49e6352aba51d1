"""REST routes of the caller's own account (who am I, password, authenticator app) and password resets."""

from __future__ import annotations

from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway import convert
from gateway.auth import client_ip
from gateway.models.identity import (
    Accepted,
    AccountSecurity,
    Me,
    PasswordChange,
    PasswordChanged,
    PasswordConfirmation,
    PasswordReset,
    PasswordResetRequest,
    RecoveryCodes,
    ResetSent,
    TotpCode,
    TotpEnrollment,
)
from gateway.routing import ApiRoute, Context


async def whoami(context: Context) -> Me:
    assert context.caller is not None
    return Me.model_validate(
        {
            "principal": convert.principal(context.caller.principal),
            "mfa_enrollment_required": context.caller.mfa_enrollment_required,
        }
    )


async def change_password(context: Context) -> PasswordChanged:
    reply = await context.call(
        context.clients.identity.ChangePassword,
        identity_pb.ChangePasswordRequest(**context.body_as(PasswordChange).model_dump()),
    )
    return PasswordChanged(revoked_session_count=reply.revoked_session_count)


async def account_security(context: Context) -> AccountSecurity:
    reply = await context.call(context.clients.identity.GetAccountSecurity, identity_pb.GetAccountSecurityRequest())
    return AccountSecurity(totp_enabled=reply.totp_enabled, recovery_codes_left=reply.recovery_codes_left)


async def enroll_totp(context: Context) -> TotpEnrollment:
    reply = await context.call(context.clients.identity.EnrollTotp, identity_pb.EnrollTotpRequest())
    return TotpEnrollment(secret=reply.secret, otpauth_uri=reply.otpauth_uri, qr_code_svg=reply.qr_code_svg)


async def confirm_totp(context: Context) -> RecoveryCodes:
    reply = await context.call(
        context.clients.identity.ConfirmTotp,
        identity_pb.ConfirmTotpRequest(totp_code=context.body_as(TotpCode).totp_code),
    )
    return RecoveryCodes(recovery_codes=list(reply.recovery_codes))


async def disable_totp(context: Context) -> None:
    await context.call(
        context.clients.identity.DisableTotp,
        identity_pb.DisableTotpRequest(password=context.body_as(PasswordConfirmation).password),
    )


async def request_password_reset(context: Context) -> Accepted:
    await context.call(
        context.clients.identity.RequestPasswordReset,
        identity_pb.RequestPasswordResetRequest(
            email=context.body_as(PasswordResetRequest).email, ip_address=client_ip(context.request)
        ),
    )
    return Accepted(detail="If the address belongs to an account, a reset link is on its way.")


async def reset_password(context: Context) -> None:
    await context.call(
        context.clients.identity.ResetPassword,
        identity_pb.ResetPasswordRequest(**context.body_as(PasswordReset).model_dump()),
    )


async def send_password_reset(context: Context) -> ResetSent:
    reply = await context.call(
        context.clients.identity.SendPasswordReset,
        identity_pb.SendPasswordResetRequest(account_id=context.path("account_id")),
    )
    return ResetSent(expire_time=convert.time_of(reply.expire_time))


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/me", whoami, "The authenticated caller and their permissions.", response=Me),
    ApiRoute(
        "POST",
        "/v1/me/password",
        change_password,
        "Change your password (the current one is required); your other sessions end.",
        body=PasswordChange,
        response=PasswordChanged,
    ),
    ApiRoute(
        "GET",
        "/v1/me/security",
        account_security,
        "How your account is protected: whether an authenticator app is on, recovery codes left.",
        response=AccountSecurity,
    ),
    ApiRoute(
        "POST",
        "/v1/me/mfa/totp",
        enroll_totp,
        "Start setting up an authenticator app: secret, otpauth URI and QR code (SVG).",
        response=TotpEnrollment,
        success_status=201,
        shows_secret_once=True,
    ),
    ApiRoute(
        "POST",
        "/v1/me/mfa/totp/confirm",
        confirm_totp,
        "Activate the authenticator app with a current code; returns recovery codes once.",
        body=TotpCode,
        response=RecoveryCodes,
        shows_secret_once=True,
    ),
    ApiRoute(
        "POST",
        "/v1/me/mfa/totp/disable",
        disable_totp,
        "Turn the authenticator app off (password and the privileged window required).",
        body=PasswordConfirmation,
        success_status=204,
    ),
    ApiRoute(
        "POST",
        "/v1/password-resets",
        request_password_reset,
        "Email a password reset link; the answer is the same whether the address has an account or not.",
        authenticated=False,
        body=PasswordResetRequest,
        response=Accepted,
        success_status=202,
    ),
    ApiRoute(
        "POST",
        "/v1/password-resets/complete",
        reset_password,
        "Set a new password with a reset link (single use); every session of the account ends.",
        authenticated=False,
        body=PasswordReset,
        success_status=204,
    ),
    ApiRoute(
        "POST",
        "/v1/accounts/{account_id}/password-reset",
        send_password_reset,
        "Email a member a password reset link (security.manage).",
        response=ResetSent,
        success_status=202,
    ),
)
