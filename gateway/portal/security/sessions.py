"""Signing out one's own sessions from the Security page: one of them, or every other one."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway.portal.security.page import back_to_security, posted_from_security_page
from gateway.portal.shared import SignedIn, authenticator_of, call, form_field, services, signed_out

SECTION = "sessions"


@posted_from_security_page(SECTION)
async def revoke_session(request: Request, form: FormData, person: SignedIn) -> Response:
    session_id = form_field(form, "session_id", 64)
    await call(
        request,
        services(request).identity.RevokeSession,
        identity_pb.RevokeSessionRequest(session_id=session_id),
        person.caller,
    )
    if session_id == person.caller.principal.credential_id:  # this browser's own session: signed out
        authenticator_of(request).forget(request)
        return signed_out(request)
    return back_to_security(request, person, "session-revoked", SECTION)


@posted_from_security_page(SECTION)
async def revoke_other_sessions(request: Request, form: FormData, person: SignedIn) -> Response:
    await call(
        request,
        services(request).identity.RevokeAccountSessions,
        identity_pb.RevokeAccountSessionsRequest(keep_current=True),
        person.caller,
    )
    return back_to_security(request, person, "other-sessions-revoked", SECTION)
