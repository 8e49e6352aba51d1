"""REST routes of identity: sign-in and sessions, passwords, MFA, the security policy, API keys and
service accounts. Every handler is one identity call; the rules live in identity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from starlette.responses import JSONResponse, Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway import convert
from gateway.auth import client_ip, csrf_token_for
from gateway.routing import ApiRoute, BadRequest, Context
from gateway.settings import GatewaySettings

MAX_PASSWORD_FIELD = 1024
_OBJECT: dict[str, Any] = {"type": "object"}


def set_session_cookie(response: Response, settings: GatewaySettings, token: str, expires: Timestamp) -> None:
    """The session cookie (HttpOnly, SameSite=Lax, __Host- behind TLS) and its CSRF companion, which scripts
    may read to echo in X-CSRF-Token; it authenticates nothing by itself."""
    max_age = max(int(expires.seconds - datetime.now(UTC).timestamp()), 0)
    common: dict[str, Any] = {"max_age": max_age, "path": "/", "secure": settings.cookie_secure, "samesite": "lax"}
    response.set_cookie(settings.cookie_name, token, httponly=True, **common)
    response.set_cookie(settings.csrf_cookie_name, csrf_token_for(token, settings), httponly=False, **common)


def rotated_cookie_expiry() -> Timestamp:
    """Cookie lifetime after a rotation: identity enforces the session's own limits, so the cookie may outlive
    it harmlessly; a day keeps browsers from dropping it early."""
    stamp = Timestamp()
    stamp.FromDatetime(datetime.now(UTC) + timedelta(hours=24))
    return stamp


def clear_session_cookie(response: Response, settings: GatewaySettings) -> None:
    for name in (settings.cookie_name, settings.csrf_cookie_name):
        response.delete_cookie(name, path="/", secure=settings.cookie_secure, httponly=name == settings.cookie_name)


def strings(context: Context, *required: str, optional: tuple[str, ...] = ()) -> dict[str, str]:
    """The named body fields, which must be strings; unknown fields are refused (no mass assignment)."""
    body = context.body
    unknown = set(body) - set(required) - set(optional)
    missing = [name for name in required if not isinstance(body.get(name), str)]
    wrong = [name for name in optional if name in body and not isinstance(body[name], str)]
    if unknown or missing or wrong:
        raise BadRequest(
            "The body has missing, mistyped or unknown fields.",
            [{"field": n, "description": "a string is required"} for n in missing + wrong]
            + [{"field": n, "description": "unknown field"} for n in sorted(unknown)],
        )
    return {name: str(body.get(name, ""))[:MAX_PASSWORD_FIELD] for name in (*required, *optional)}


def session_json(session: identity_pb.Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "account_id": session.account_id,
        "organization_id": session.organization_id,
        "create_time": convert.time_of(session.create_time),
        "expire_time": convert.time_of(session.expire_time),
        "last_seen_time": convert.time_of(session.last_seen_time),
        "ip_address": session.ip_address,
        "user_agent": session.user_agent,
        "current": session.current,
    }


def signed_in(context: Context, token: str, session: identity_pb.Session, status: int = 201) -> Response:
    response = JSONResponse(
        {"session": session_json(session), "csrf_token": csrf_token_for(token, context.settings)}, status_code=status
    )
    set_session_cookie(response, context.settings, token, session.expire_time)
    return response


async def sign_in(context: Context) -> Response:
    fields = strings(context, "email", "password", optional=("organization_id",))
    reply = await context.clients.identity.CreateSession(
        identity_pb.CreateSessionRequest(
            email=fields["email"][:320],
            password=fields["password"],
            organization_id=fields["organization_id"][:64],
            ip_address=client_ip(context.request),
            user_agent=context.request.headers.get("user-agent", "")[:512],
            previous_session_token=context.request.cookies.get(context.settings.cookie_name, "")[:512],
        ),
        timeout=context.clients.timeout,
    )
    if reply.mfa_required:
        return JSONResponse({"mfa_required": True, "mfa_challenge_token": reply.mfa_challenge_token}, status_code=200)
    return signed_in(context, reply.session_token, reply.session)


async def verify_second_factor(context: Context) -> Response:
    fields = strings(context, "mfa_challenge_token", optional=("totp_code", "recovery_code"))
    reply = await context.clients.identity.VerifySecondFactor(
        identity_pb.VerifySecondFactorRequest(
            mfa_challenge_token=fields["mfa_challenge_token"][:128],
            totp_code=fields["totp_code"][:16],
            recovery_code=fields["recovery_code"][:32],
            ip_address=client_ip(context.request),
            user_agent=context.request.headers.get("user-agent", "")[:512],
        ),
        timeout=context.clients.timeout,
    )
    return signed_in(context, reply.session_token, reply.session)


async def reauthenticate(context: Context) -> Response:
    fields = strings(context, "password", optional=("totp_code",))
    reply = await context.clients.identity.ReauthenticateSession(
        identity_pb.ReauthenticateSessionRequest(password=fields["password"], totp_code=fields["totp_code"][:16]),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    context.authenticator.forget(context.request)
    return signed_in(context, reply.session_token, reply.session, status=200)


async def sign_out(context: Context) -> Response:
    assert context.caller is not None
    await context.clients.identity.DeleteSession(
        identity_pb.DeleteSessionRequest(session_id=context.caller.principal.credential_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    context.authenticator.forget(context.request)
    response = Response(status_code=204)
    clear_session_cookie(response, context.settings)
    return response


async def whoami(context: Context) -> Response:
    assert context.caller is not None
    return JSONResponse(
        {
            "principal": convert.principal(context.caller.principal),
            "mfa_enrollment_required": context.caller.mfa_enrollment_required,
        }
    )


async def list_sessions(context: Context) -> Response:
    reply = await context.clients.identity.ListSessions(
        identity_pb.ListSessionsRequest(account_id=context.query("account_id")[:64]),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"sessions": [session_json(s) for s in reply.sessions]})


async def revoke_session(context: Context) -> Response:
    await context.clients.identity.RevokeSession(
        identity_pb.RevokeSessionRequest(session_id=str(context.request.path_params["session_id"])[:64]),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return Response(status_code=204)


async def revoke_account_sessions(context: Context) -> Response:
    body = context.body
    if set(body) - {"account_id", "keep_current"} or not isinstance(body.get("keep_current", False), bool):
        raise BadRequest("Expected account_id (string) and keep_current (boolean).")
    reply = await context.clients.identity.RevokeAccountSessions(
        identity_pb.RevokeAccountSessionsRequest(
            account_id=str(body.get("account_id", ""))[:64], keep_current=bool(body.get("keep_current", False))
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"revoked_count": reply.revoked_count})


async def change_password(context: Context) -> Response:
    fields = strings(context, "current_password", "new_password")
    reply = await context.clients.identity.ChangePassword(
        identity_pb.ChangePasswordRequest(
            current_password=fields["current_password"], new_password=fields["new_password"]
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"revoked_session_count": reply.revoked_session_count})


async def request_password_reset(context: Context) -> Response:
    fields = strings(context, "email")
    await context.clients.identity.RequestPasswordReset(
        identity_pb.RequestPasswordResetRequest(email=fields["email"][:320], ip_address=client_ip(context.request)),
        timeout=context.clients.timeout,
    )
    return JSONResponse({"detail": "If the address belongs to an account, a reset link is on its way."}, 202)


async def reset_password(context: Context) -> Response:
    fields = strings(context, "reset_id", "token", "new_password")
    await context.clients.identity.ResetPassword(
        identity_pb.ResetPasswordRequest(
            reset_id=fields["reset_id"][:64], token=fields["token"][:128], new_password=fields["new_password"]
        ),
        timeout=context.clients.timeout,
    )
    return Response(status_code=204)


async def send_password_reset(context: Context) -> Response:
    reply = await context.clients.identity.SendPasswordReset(
        identity_pb.SendPasswordResetRequest(account_id=str(context.request.path_params["account_id"])[:64]),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"expire_time": convert.time_of(reply.expire_time)}, status_code=202)


async def account_security(context: Context) -> Response:
    reply = await context.clients.identity.GetAccountSecurity(
        identity_pb.GetAccountSecurityRequest(), metadata=context.metadata, timeout=context.clients.timeout
    )
    return JSONResponse({"totp_enabled": reply.totp_enabled, "recovery_codes_left": reply.recovery_codes_left})


async def enroll_totp(context: Context) -> Response:
    reply = await context.clients.identity.EnrollTotp(
        identity_pb.EnrollTotpRequest(), metadata=context.metadata, timeout=context.clients.timeout
    )
    return JSONResponse(
        {"secret": reply.secret, "otpauth_uri": reply.otpauth_uri, "qr_code_svg": reply.qr_code_svg}, status_code=201
    )


async def confirm_totp(context: Context) -> Response:
    fields = strings(context, "totp_code")
    reply = await context.clients.identity.ConfirmTotp(
        identity_pb.ConfirmTotpRequest(totp_code=fields["totp_code"][:16]),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"recovery_codes": list(reply.recovery_codes)})


async def disable_totp(context: Context) -> Response:
    fields = strings(context, "password")
    await context.clients.identity.DisableTotp(
        identity_pb.DisableTotpRequest(password=fields["password"]),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return Response(status_code=204)


POLICY_FIELDS: dict[str, type | tuple[type, ...]] = {
    "session_idle_timeout_seconds": int,
    "session_absolute_lifetime_seconds": int,
    "password_min_length": int,
    "admin_password_min_length": int,
    "password_required_classes": int,
    "mfa_required": str,
    "privacy_mode": bool,
    "allowed_invitation_domains": list,
}


def policy_json(policy: identity_pb.SecurityPolicy) -> dict[str, Any]:
    return {
        "organization_id": policy.organization_id,
        **{name: getattr(policy, name) for name in POLICY_FIELDS if name != "allowed_invitation_domains"},
        "allowed_invitation_domains": list(policy.allowed_invitation_domains),
        "etag": policy.etag,
        "update_time": convert.time_of(policy.update_time) if policy.HasField("update_time") else None,
    }


async def get_security_policy(context: Context) -> Response:
    reply = await context.clients.identity.GetSecurityPolicy(
        identity_pb.GetSecurityPolicyRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"policy": policy_json(reply.policy)}, headers={"ETag": reply.policy.etag})


async def update_security_policy(context: Context) -> Response:
    body = context.body
    unknown = set(body) - set(POLICY_FIELDS)
    mistyped = [
        name
        for name, value in body.items()
        if name in POLICY_FIELDS
        and (not isinstance(value, POLICY_FIELDS[name]) or (POLICY_FIELDS[name] is int and isinstance(value, bool)))
    ]
    if not body or unknown or mistyped:
        raise BadRequest(
            "Send one or more policy fields with their types.",
            [{"field": n, "description": "unknown field"} for n in sorted(unknown)]
            + [{"field": n, "description": f"must be {POLICY_FIELDS[n]}"} for n in mistyped],
        )
    if any(not isinstance(d, str) for d in body.get("allowed_invitation_domains", [])):
        raise BadRequest("allowed_invitation_domains must be strings.")
    policy = identity_pb.SecurityPolicy(
        organization_id=context.organization_id, etag=context.request.headers.get("if-match", "")[:64]
    )
    for name, value in body.items():
        if name == "allowed_invitation_domains":
            policy.allowed_invitation_domains.extend(str(d)[:253] for d in value[:100])
        else:
            setattr(policy, name, value)
    request = identity_pb.UpdateSecurityPolicyRequest(policy=policy, request_id=context.idempotency_key())
    request.update_mask.paths.extend(sorted(body))
    reply = await context.clients.identity.UpdateSecurityPolicy(
        request, metadata=context.metadata, timeout=context.clients.timeout
    )
    return JSONResponse({"policy": policy_json(reply.policy)}, headers={"ETag": reply.policy.etag})


def _credential_request(context: Context) -> dict[str, Any]:
    body = context.body
    permissions = body.get("permissions", [])
    if (
        not isinstance(body.get("name"), str)
        or not isinstance(permissions, list)
        or set(body) - {"name", "permissions", "expire_time"}
    ):
        raise BadRequest(
            "name (string), permissions (list) and expire_time (RFC 3339) are expected.",
            [{"field": "name", "description": "string"}],
        )
    fields: dict[str, Any] = {
        "name": body["name"][:200],
        "permissions": [str(p) for p in permissions][:100],
        "request_id": context.idempotency_key(),
    }
    expire_time = body.get("expire_time")
    if expire_time:
        stamp = Timestamp()
        try:
            stamp.FromJsonString(str(expire_time))
        except ValueError as exc:
            raise BadRequest(
                "expire_time must be an RFC 3339 time.", [{"field": "expire_time", "description": "RFC 3339"}]
            ) from exc
        fields["expire_time"] = stamp
    return fields


async def create_api_key(context: Context) -> Response:
    reply = await context.clients.identity.CreateApiKey(
        identity_pb.CreateApiKeyRequest(**_credential_request(context)),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"api_key": convert.api_key(reply.api_key), "secret": reply.secret}, status_code=201)


async def create_service_account(context: Context) -> Response:
    reply = await context.clients.identity.CreateServiceAccount(
        identity_pb.CreateServiceAccountRequest(**_credential_request(context)),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse(
        {"service_account": convert.api_key(reply.service_account), "secret": reply.secret}, status_code=201
    )


async def list_api_keys(context: Context) -> Response:
    reply = await context.clients.identity.ListApiKeys(
        identity_pb.ListApiKeysRequest(include_inactive=context.query("include_inactive") == "true"),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"api_keys": [convert.api_key(k) for k in reply.api_keys]})


async def revoke_api_key(context: Context) -> Response:
    reply = await context.clients.identity.RevokeApiKey(
        identity_pb.RevokeApiKeyRequest(api_key_id=str(context.request.path_params["api_key_id"])[:64]),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"api_key": convert.api_key(reply.api_key)})


def _body(*required: str, **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "additionalProperties": False, "properties": properties}


_STRING = {"type": "string"}
_CREDENTIAL_BODY = _body(
    "name",
    name=_STRING,
    permissions={"type": "array", "items": _STRING},
    expire_time={"type": "string", "format": "date-time"},
)

SECURITY_ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "POST",
        "/v1/sessions",
        sign_in,
        "Sign in with email and password; sets the session and CSRF cookies, or asks for the second factor.",
        authenticated=False,
        request_schema=_body(
            "email", "password", email={"type": "string", "format": "email"}, password=_STRING, organization_id=_STRING
        ),
        success_status=201,
    ),
    ApiRoute(
        "POST",
        "/v1/sessions/mfa",
        verify_second_factor,
        "Finish a sign-in with a TOTP or recovery code; sets the session cookie.",
        authenticated=False,
        request_schema=_body(
            "mfa_challenge_token", mfa_challenge_token=_STRING, totp_code=_STRING, recovery_code=_STRING
        ),
        success_status=201,
    ),
    ApiRoute("DELETE", "/v1/sessions/current", sign_out, "Sign out: end the current session.", success_status=204),
    ApiRoute(
        "POST",
        "/v1/sessions/current/reauthenticate",
        reauthenticate,
        "Confirm the password (and code) again: opens the 15-minute privileged window; the session is renewed.",
        request_schema=_body("password", password=_STRING, totp_code=_STRING),
    ),
    ApiRoute(
        "GET",
        "/v1/sessions",
        list_sessions,
        "Your open sessions, or a member's with account_id (security.manage).",
        query=(("account_id", "string"),),
    ),
    ApiRoute(
        "DELETE",
        "/v1/sessions/{session_id}",
        revoke_session,
        "End one of your sessions, or a member's (security.manage).",
        success_status=204,
    ),
    ApiRoute(
        "POST",
        "/v1/sessions/revoke",
        revoke_account_sessions,
        "Sign out everywhere: yourself (keep_current keeps this one), or a member with account_id (security.manage).",
        request_schema=_body(account_id=_STRING, keep_current={"type": "boolean"}),
    ),
    ApiRoute("GET", "/v1/me", whoami, "The authenticated caller and their permissions."),
    ApiRoute(
        "POST",
        "/v1/me/password",
        change_password,
        "Change your password (the current one is required); your other sessions end.",
        request_schema=_body("current_password", "new_password", current_password=_STRING, new_password=_STRING),
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
        request_schema=_body("totp_code", totp_code=_STRING),
    ),
    ApiRoute(
        "POST",
        "/v1/me/mfa/totp/disable",
        disable_totp,
        "Turn the authenticator app off (password and the privileged window required).",
        request_schema=_body("password", password=_STRING),
        success_status=204,
    ),
    ApiRoute(
        "POST",
        "/v1/password-resets",
        request_password_reset,
        "Email a password reset link; the answer is the same whether the address has an account or not.",
        authenticated=False,
        request_schema=_body("email", email=_STRING),
        success_status=202,
    ),
    ApiRoute(
        "POST",
        "/v1/password-resets/complete",
        reset_password,
        "Set a new password with a reset link (single use); every session of the account ends.",
        authenticated=False,
        request_schema=_body(
            "reset_id", "token", "new_password", reset_id=_STRING, token=_STRING, new_password=_STRING
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
    ApiRoute("GET", "/v1/security-policy", get_security_policy, "The organization's security policy."),
    ApiRoute(
        "PATCH",
        "/v1/security-policy",
        update_security_policy,
        "Change security policy fields (security.manage, privileged window); send If-Match with the etag.",
        request_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                name: {"type": "array", "items": _STRING}
                if kind is list
                else {"type": {int: "integer", str: "string", bool: "boolean"}[kind]}  # type: ignore[index]
                for name, kind in POLICY_FIELDS.items()
            },
        },
    ),
    ApiRoute(
        "GET",
        "/v1/api-keys",
        list_api_keys,
        "The organization's API keys and service accounts, without secrets (api_keys.manage).",
        query=(("include_inactive", "boolean"),),
    ),
    ApiRoute(
        "POST",
        "/v1/api-keys",
        create_api_key,
        "Create an API key with permissions you hold (api_keys.manage, privileged window); the secret is shown once.",
        request_schema=_CREDENTIAL_BODY,
        success_status=201,
    ),
    ApiRoute(
        "DELETE",
        "/v1/api-keys/{api_key_id}",
        revoke_api_key,
        "Revoke an API key or service account; requests with it fail within seconds (api_keys.manage).",
    ),
    ApiRoute(
        "POST",
        "/v1/service-accounts",
        create_service_account,
        "Create a service account for internal gRPC callers (api_keys.manage, privileged window).",
        request_schema=_CREDENTIAL_BODY,
        success_status=201,
    ),
)
