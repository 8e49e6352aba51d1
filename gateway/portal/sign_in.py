"""Signing in (password, then a second factor when the account has one) and signing out."""

from __future__ import annotations

import contextlib
from urllib.parse import quote

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.identity.v1 import sso_service_pb2 as sso_pb

from gateway.portal.shared import (
    MAX_SESSION_TOKEN,
    OVERVIEW_PAGE,
    REFUSED,
    TWO_FACTOR_SETUP,
    authenticator_of,
    browser_of,
    call,
    caller_of,
    checked_form,
    form_field,
    page,
    see_other,
    services,
    session_started,
    settings_of,
    signed_out,
)

UNAVAILABLE = "Sign-in is unavailable."
MESSAGES = (UNAVAILABLE,)


def _refused(request: Request) -> Response:
    return page(request, "sign_in.html", 403, error=REFUSED)


async def home(request: Request) -> Response:
    if await caller_of(request) is not None:
        return see_other(OVERVIEW_PAGE)
    return page(request, "sign_in.html", error="")


async def sign_in(request: Request) -> Response:
    form = await checked_form(request)
    if form is None:
        return _refused(request)
    email, password = form_field(form, "email"), form_field(form, "password")
    if not password:
        return await _home_realm(request, email)
    previous_session = request.cookies.get(settings_of(request).cookie_name, "")[:MAX_SESSION_TOKEN]
    try:
        reply = await call(
            request,
            services(request).identity.CreateSession,
            identity_pb.CreateSessionRequest(
                email=email, password=password, previous_session_token=previous_session, **browser_of(request)
            ),
        )
    except grpc.aio.AioRpcError as exc:
        message = exc.details() if exc.code() == grpc.StatusCode.UNAUTHENTICATED else UNAVAILABLE
        status = 429 if exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED else 401
        return page(request, "sign_in.html", status, error=message, email=email)
    if reply.mfa_required:
        return page(request, "mfa.html", challenge=reply.mfa_challenge_token, error="")
    # While the organization requires a second factor this person lacks, only setting one up works.
    return session_started(
        request, see_other(TWO_FACTOR_SETUP if reply.session.mfa_enrollment_required else OVERVIEW_PAGE), reply
    )


async def _home_realm(request: Request, email: str) -> Response:
    """Email first: a verified domain with an enabled connection goes to its identity provider; anyone else is
    asked for the password."""
    try:
        realm = await call(request, services(request).sso.DiscoverRealm, sso_pb.DiscoverRealmRequest(email=email))
    except grpc.aio.AioRpcError:
        realm = sso_pb.DiscoverRealmResponse()
    if realm.connection_id:
        return see_other(f"/sso/{quote(realm.connection_id, safe='')}/start")
    return page(request, "sign_in.html", error="", email=email, password_step=True)


async def second_factor(request: Request) -> Response:
    form = await checked_form(request)
    if form is None:
        return _refused(request)
    challenge = form_field(form, "challenge", 128)
    try:
        reply = await call(
            request,
            services(request).identity.VerifySecondFactor,
            identity_pb.VerifySecondFactorRequest(
                mfa_challenge_token=challenge,
                totp_code=form_field(form, "totp_code", 16),
                recovery_code=form_field(form, "recovery_code", 32),
                **browser_of(request),
            ),
        )
    except grpc.aio.AioRpcError as exc:
        return page(request, "mfa.html", 401, challenge=challenge, error=exc.details())
    return session_started(request, see_other(OVERVIEW_PAGE), reply)


async def sign_out(request: Request) -> Response:
    if await checked_form(request) is None:
        return _refused(request)
    caller = await caller_of(request)
    if caller is not None:
        with contextlib.suppress(grpc.aio.AioRpcError):
            await call(
                request,
                services(request).identity.DeleteSession,
                identity_pb.DeleteSessionRequest(session_id=caller.principal.credential_id),
                caller,
            )
        authenticator_of(request).forget(request)
    return signed_out(request)
