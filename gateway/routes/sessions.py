"""REST routes of sign-in and sessions: password and second-factor sign-in, sign-out, re-authentication,
listing and revoking sessions."""

from __future__ import annotations

from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway import convert
from gateway.auth import client_ip, csrf_token_for, user_agent
from gateway.cookies import clear_session_cookie, set_session_cookie
from gateway.models.identity import (
    Reauthentication,
    RevokedSessions,
    SecondFactor,
    SessionList,
    SessionListQuery,
    SessionsRevocation,
    SignedIn,
    SignIn,
)
from gateway.routing import ApiRoute, Context


def signed_in(context: Context, token: str, session: identity_pb.Session) -> SignedIn:
    """The new session; its cookies go with the response."""
    settings = context.settings
    context.response_hooks.append(lambda response: set_session_cookie(response, settings, token, session.expire_time))
    return SignedIn.model_validate(
        {"session": convert.session(session), "csrf_token": csrf_token_for(token, context.settings)}
    )


async def sign_in(context: Context) -> SignedIn:
    credentials = context.body_as(SignIn)
    previous = context.request.cookies.get(context.settings.cookie_name, "")
    reply = await context.call(
        context.clients.identity.CreateSession,
        identity_pb.CreateSessionRequest(
            email=credentials.email,
            password=credentials.password,
            organization_id=credentials.organization_id,
            ip_address=client_ip(context.request),
            user_agent=user_agent(context.request),
            # A cookie too long to be a session token is not sent on (identity would refuse it anyway).
            previous_session_token=previous if len(previous) <= 512 else "",
        ),
    )
    if reply.mfa_required:
        context.status_code = 200
        return SignedIn(mfa_required=True, mfa_challenge_token=reply.mfa_challenge_token)
    return signed_in(context, reply.session_token, reply.session)


async def verify_second_factor(context: Context) -> SignedIn:
    factor = context.body_as(SecondFactor)
    reply = await context.call(
        context.clients.identity.VerifySecondFactor,
        identity_pb.VerifySecondFactorRequest(
            **factor.model_dump(), ip_address=client_ip(context.request), user_agent=user_agent(context.request)
        ),
    )
    return signed_in(context, reply.session_token, reply.session)


async def sign_out(context: Context) -> None:
    assert context.caller is not None
    await context.call(
        context.clients.identity.DeleteSession,
        identity_pb.DeleteSessionRequest(session_id=context.caller.principal.credential_id),
    )
    context.authenticator.forget(context.request)
    settings = context.settings
    context.response_hooks.append(lambda response: clear_session_cookie(response, settings))


async def reauthenticate(context: Context) -> SignedIn:
    reply = await context.call(
        context.clients.identity.ReauthenticateSession,
        identity_pb.ReauthenticateSessionRequest(**context.body_as(Reauthentication).model_dump()),
    )
    context.authenticator.forget(context.request)
    return signed_in(context, reply.session_token, reply.session)


async def list_sessions(context: Context) -> SessionList:
    reply = await context.call(
        context.clients.identity.ListSessions,
        identity_pb.ListSessionsRequest(account_id=context.params_as(SessionListQuery).account_id or ""),
    )
    return SessionList.model_validate({"sessions": [convert.session(s) for s in reply.sessions]})


async def revoke_session(context: Context) -> None:
    await context.call(
        context.clients.identity.RevokeSession,
        identity_pb.RevokeSessionRequest(session_id=context.path("session_id")),
    )


async def revoke_account_sessions(context: Context) -> RevokedSessions:
    reply = await context.call(
        context.clients.identity.RevokeAccountSessions,
        identity_pb.RevokeAccountSessionsRequest(**context.body_as(SessionsRevocation).model_dump()),
    )
    return RevokedSessions(revoked_count=reply.revoked_count)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "POST",
        "/v1/sessions",
        sign_in,
        "Sign in with email and password; sets the session and CSRF cookies (201), or asks for the second factor "
        "(200 with mfa_required).",
        authenticated=False,
        body=SignIn,
        response=SignedIn,
        success_status=201,
    ),
    ApiRoute(
        "POST",
        "/v1/sessions/mfa",
        verify_second_factor,
        "Finish a sign-in with a TOTP or recovery code; sets the session cookie.",
        authenticated=False,
        body=SecondFactor,
        response=SignedIn,
        success_status=201,
    ),
    ApiRoute("DELETE", "/v1/sessions/current", sign_out, "Sign out: end the current session.", success_status=204),
    ApiRoute(
        "POST",
        "/v1/sessions/current/reauthenticate",
        reauthenticate,
        "Confirm the password (and code) again: opens the 15-minute privileged window; the session is renewed.",
        body=Reauthentication,
        response=SignedIn,
        shows_secret_once=True,
    ),
    ApiRoute(
        "GET",
        "/v1/sessions",
        list_sessions,
        "Your open sessions, or a member's with account_id (security.manage).",
        query=SessionListQuery,
        response=SessionList,
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
        body=SessionsRevocation,
        response=RevokedSessions,
    ),
)
