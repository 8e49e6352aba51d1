"""REST routes: The caller's own account: who am I, password change and resets, the authenticator app."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway import convert
from gateway.auth import client_ip
from gateway.routes.sessions import strings
from gateway.routing import (
    STRING,
    ApiRoute,
    Context,
    body_schema,
)


async def whoami(context: Context) -> Response:
    assert context.caller is not None
    return JSONResponse(
        {
            "principal": convert.principal(context.caller.principal),
            "mfa_enrollment_required": context.caller.mfa_enrollment_required,
        }
    )


async def change_password(context: Context) -> Response:
    fields = strings(context, "current_password", "new_password")
    reply = await context.call(
        context.clients.identity.ChangePassword,
        identity_pb.ChangePasswordRequest(
            current_password=fields["current_password"], new_password=fields["new_password"]
        ),
    )
    return JSONResponse({"revoked_session_count": reply.revoked_session_count})


async def account_security(context: Context) -> Response:
    reply = await context.call(context.clients.identity.GetAccountSecurity, identity_pb.GetAccountSecurityRequest())
    return JSONResponse({"totp_enabled": reply.totp_enabled, "recovery_codes_left": reply.recovery_codes_left})


async def enroll_totp(context: Context) -> Response:
    reply = await context.call(context.clients.identity.EnrollTotp, identity_pb.EnrollTotpRequest())
    return JSONResponse(
        {"secret": reply.secret, "otpauth_uri": reply.otpauth_uri, "qr_code_svg": reply.qr_code_svg}, status_code=201
    )


async def confirm_totp(context: Context) -> Response:
    fields = strings(context, "totp_code")
    reply = await context.call(
        context.clients.identity.ConfirmTotp, identity_pb.ConfirmTotpRequest(totp_code=fields["totp_code"][:16])
    )
    return JSONResponse({"recovery_codes": list(reply.recovery_codes)})


async def disable_totp(context: Context) -> Response:
    fields = strings(context, "password")
    await context.call(
        context.clients.identity.DisableTotp, identity_pb.DisableTotpRequest(password=fields["password"])
    )
    return Response(status_code=204)


async def request_password_reset(context: Context) -> Response:
    fields = strings(context, "email")
    await context.call(
        context.clients.identity.RequestPasswordReset,
        identity_pb.RequestPasswordResetRequest(email=fields["email"][:320], ip_address=client_ip(context.request)),
    )
    return JSONResponse({"detail": "If the address belongs to an account, a reset link is on its way."}, 202)


async def reset_password(context: Context) -> Response:
    fields = strings(context, "reset_id", "token", "new_password")
    await context.call(
        context.clients.identity.ResetPassword,
        identity_pb.ResetPasswordRequest(
            reset_id=fields["reset_id"][:64], token=fields["token"][:128], new_password=fields["new_password"]
        ),
    )
    return Response(status_code=204)


async def send_password_reset(context: Context) -> Response:
    reply = await context.call(
        context.clients.identity.SendPasswordReset,
        identity_pb.SendPasswordResetRequest(account_id=str(context.request.path_params["account_id"])[:64]),
    )
    return JSONResponse({"expire_time": convert.time_of(reply.expire_time)}, status_code=202)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/me", whoami, "The authenticated caller and their permissions."),
    ApiRoute(
        "POST",
        "/v1/me/password",
        change_password,
        "Change your password (the current one is required); your other sessions end.",
        request_schema=body_schema("current_password", "new_password", current_password=STRING, new_password=STRING),
    ),
    ApiRoute(
        "GET",
        "/v1/me/security",
        account_security,
        "How your account is protected: whether an authenticator app is on, recovery codes left.",
    ),
    ApiRoute(
        "POST",
        "/v1/me/mfa/totp",
        enroll_totp,
        "Start setting up an authenticator app: secret, otpauth URI and QR code (SVG).",
        success_status=201,
    ),
    ApiRoute(
        "POST",
        "/v1/me/mfa/totp/confirm",
        confirm_totp,
        "Activate the authenticator app with a current code; returns recovery codes once.",
        request_schema=body_schema("totp_code", totp_code=STRING),
    ),
    ApiRoute(
        "POST",
        "/v1/me/mfa/totp/disable",
        disable_totp,
        "Turn the authenticator app off (password and the privileged window required).",
        request_schema=body_schema("password", password=STRING),
        success_status=204,
    ),
    ApiRoute(
        "POST",
        "/v1/password-resets",
        request_password_reset,
        "Email a password reset link; the answer is the same whether the address has an account or not.",
        authenticated=False,
        request_schema=body_schema("email", email=STRING),
        success_status=202,
    ),
    ApiRoute(
        "POST",
        "/v1/password-resets/complete",
        reset_password,
        "Set a new password with a reset link (single use); every session of the account ends.",
        authenticated=False,
        request_schema=body_schema(
            "reset_id", "token", "new_password", reset_id=STRING, token=STRING, new_password=STRING
        ),
        success_status=204,
    ),
    ApiRoute(
        "POST",
        "/v1/accounts/{account_id}/password-reset",
        send_password_reset,
        "Email a member a password reset link (security.manage).",
        success_status=202,
    ),
)
