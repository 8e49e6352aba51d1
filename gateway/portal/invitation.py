"""The emailed invitation link: create an account with the invited email and join, or accept while signed in."""

from __future__ import annotations

from datetime import UTC

import grpc
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway.auth import Caller
from gateway.portal.shared import (
    OVERVIEW_PAGE,
    REFUSED,
    authenticator_of,
    browser_of,
    call,
    caller_of,
    checked_form,
    form_field,
    page,
    query_field,
    see_other,
    services,
    session_started,
    to_sign_in,
)

# The invited person is not signed in, so the page cannot list the organization's roles: built-in ones are named
# as the seeds name them (and translated by the page), a custom role by its key.
BUILT_IN_ROLE_NAMES = {
    "owner": "Owner",
    "billing_admin": "Billing admin",
    "user_admin": "User admin",
    "member": "Member",
}


def role_name(role: str) -> str:
    return BUILT_IN_ROLE_NAMES.get(role, role)


async def invitation_page(request: Request) -> Response:
    invitation_id, token = query_field(request, "invitation", 64), query_field(request, "token", 128)
    try:
        view = (
            await call(
                request,
                services(request).membership.GetInvitation,
                membership_pb.GetInvitationRequest(invitation_id=invitation_id, token=token),
            )
        ).invitation
    except grpc.aio.AioRpcError as exc:
        if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION):
            return page(request, "invitation.html", 404, error=exc.details(), invitation=None)
        raise
    caller = await caller_of(request)
    signed_in_as = caller.principal.actor.display if caller else ""
    return page(
        request,
        "invitation.html",
        invitation=view,
        role_name=role_name(view.role),
        expires=view.expire_time.ToDatetime(tzinfo=UTC).isoformat() if view.expire_time.seconds else "",
        token=token,
        signed_in_as=signed_in_as,
        error="",
    )


async def _register_and_sign_in(
    request: Request, form: FormData, invitation_id: str, token: str, password: str, response: Response
) -> Caller:
    """The invited person's new account, signed in: `response` gets the session's cookie."""
    clients = services(request)
    account = (
        await call(
            request,
            clients.identity.RegisterInvitedAccount,
            identity_pb.RegisterInvitedAccountRequest(
                invitation_id=invitation_id,
                invitation_token=token,
                password=password,
                display_name=form_field(form, "display_name", 200),
            ),
        )
    ).account
    session = await call(
        request,
        clients.identity.CreateSession,
        identity_pb.CreateSessionRequest(email=account.email, password=password, **browser_of(request)),
    )
    session_started(request, response, session)
    return await authenticator_of(request).resolve(request, "session_token", session.session_token)


async def accept_invitation(request: Request) -> Response:
    form = await checked_form(request)
    if form is None:
        return page(request, "invitation.html", 403, error=REFUSED, invitation=None)
    invitation_id, token = form_field(form, "invitation", 64), form_field(form, "token", 128)
    password = form_field(form, "password")
    response = see_other(OVERVIEW_PAGE)
    caller: Caller | None
    try:
        if password:
            caller = await _register_and_sign_in(request, form, invitation_id, token, password, response)
        else:
            caller = await caller_of(request)
            if caller is None:
                return to_sign_in()
        await call(
            request,
            services(request).membership.AcceptInvitation,
            membership_pb.AcceptInvitationRequest(invitation_id=invitation_id, token=token),
            caller,
        )
    except grpc.aio.AioRpcError as exc:
        status = 400 if exc.code() == grpc.StatusCode.INVALID_ARGUMENT else 409
        return page(request, "invitation.html", status, error=exc.details(), invitation=None)
    return response
