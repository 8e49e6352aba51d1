"""REST routes: Sign-in and sessions: password and second-factor sign-in, sign-out, re-authentication, listing and
revoking sessions."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway import convert
from gateway.auth import client_ip, csrf_token_for
from gateway.cookies import clear_session_cookie, set_session_cookie
from gateway.routing import (
    STRING,
    ApiRoute,
    BadRequest,
    Context,
    body_schema,
)

MAX_PASSWORD_FIELD = 1024


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


def signed_in(context: Context, token: str, session: identity_pb.Session, status: int = 201) -> Response:
    response = JSONResponse(
        {"session": convert.session_json(session), "csrf_token": csrf_token_for(token, context.settings)},
        status_code=status,
    )
    set_session_cookie(response, context.settings, token, session.expire_time)
    return response


async def sign_in(context: Context) -> Response:
    fields = strings(context, "email", "password", optional=("organization_id",))
    reply = await context.call(
        context.clients.identity.CreateSession,
        identity_pb.CreateSessionRequest(
            email=fields["email"][:320],
            password=fields["password"],
            organization_id=fields["organization_id"][:64],
            ip_address=client_ip(context.request),
            user_agent=context.request.headers.get("user-agent", "")[:512],
            previous_session_token=context.request.cookies.get(context.settings.cookie_name, "")[:512],
        ),
    )
    if reply.mfa_required:
        return JSONResponse({"mfa_required": True, "mfa_challenge_token": reply.mfa_challenge_token}, status_code=200)
    return signed_in(context, reply.session_token, reply.session)


async def verify_second_factor(context: Context) -> Response:
    fields = strings(context, "mfa_challenge_token", optional=("totp_code", "recovery_code"))
    reply = await context.call(
        context.clients.identity.VerifySecondFactor,
        identity_pb.VerifySecondFactorRequest(
            mfa_challenge_token=fields["mfa_challenge_token"][:128],
            totp_code=fields["totp_code"][:16],
            recovery_code=fields["recovery_code"][:32],
            ip_address=client_ip(context.request),
            user_agent=context.request.headers.get("user-agent", "")[:512],
        ),
    )
    return signed_in(context, reply.session_token, reply.session)


async def sign_out(context: Context) -> Response:
    assert context.caller is not None
    await context.call(
        context.clients.identity.DeleteSession,
        identity_pb.DeleteSessionRequest(session_id=context.caller.principal.credential_id),
    )
    context.authenticator.forget(context.request)
    response = Response(status_code=204)
    clear_session_cookie(response, context.settings)
    return response


async def reauthenticate(context: Context) -> Response:
    fields = strings(context, "password", optional=("totp_code",))
    reply = await context.call(
        context.clients.identity.ReauthenticateSession,
        identity_pb.ReauthenticateSessionRequest(password=fields["password"], totp_code=fields["totp_code"][:16]),
    )
    context.authenticator.forget(context.request)
    return signed_in(context, reply.session_token, reply.session, status=200)


async def list_sessions(context: Context) -> Response:
    reply = await context.call(
        context.clients.identity.ListSessions,
        identity_pb.ListSessionsRequest(account_id=context.query("account_id")[:64]),
    )
    return JSONResponse({"sessions": [convert.session_json(s) for s in reply.sessions]})


async def revoke_session(context: Context) -> Response:
    await context.call(
        context.clients.identity.RevokeSession,
        identity_pb.RevokeSessionRequest(session_id=str(context.request.path_params["session_id"])[:64]),
    )
    return Response(status_code=204)


async def revoke_account_sessions(context: Context) -> Response:
    body = context.body
    if set(body) - {"account_id", "keep_current"} or not isinstance(body.get("keep_current", False), bool):
        raise BadRequest("Expected account_id (string) and keep_current (boolean).")
    reply = await context.call(
        context.clients.identity.RevokeAccountSessions,
        identity_pb.RevokeAccountSessionsRequest(
            account_id=str(body.get("account_id", ""))[:64], keep_current=bool(body.get("keep_current", False))
        ),
    )
    return JSONResponse({"revoked_count": reply.revoked_count})


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "POST",
        "/v1/sessions",
        sign_in,
        "Sign in with email and password; sets the session and CSRF cookies, or asks for the second factor.",
        authenticated=False,
        request_schema=body_schema(
            "email", "password", email={"type": "string", "format": "email"}, password=STRING, organization_id=STRING
        ),
        success_status=201,
    ),
    ApiRoute(
        "POST",
        "/v1/sessions/mfa",
        verify_second_factor,
        "Finish a sign-in with a TOTP or recovery code; sets the session cookie.",
        authenticated=False,
        request_schema=body_schema(
            "mfa_challenge_token", mfa_challenge_token=STRING, totp_code=STRING, recovery_code=STRING
        ),
        success_status=201,
    ),
    ApiRoute("DELETE", "/v1/sessions/current", sign_out, "Sign out: end the current session.", success_status=204),
    ApiRoute(
        "POST",
        "/v1/sessions/current/reauthenticate",
        reauthenticate,
        "Confirm the password (and code) again: opens the 15-minute privileged window; the session is renewed.",
        request_schema=body_schema("password", password=STRING, totp_code=STRING),
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
        request_schema=body_schema(account_id=STRING, keep_current={"type": "boolean"}),
    ),
)
