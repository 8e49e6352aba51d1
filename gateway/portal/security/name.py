"""Changing the name one goes by in the organization, from the Security page (Talkatoo: a member renames
themselves)."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway.portal.security.page import back_to_security, posted_from_security_page
from gateway.portal.shared import MAX_FORM_FIELD, SignedIn, call, form_field, services

SECTION = "name"


@posted_from_security_page(SECTION)
async def rename_myself(request: Request, form: FormData, person: SignedIn) -> Response:
    await call(
        request,
        services(request).membership.RenameMember,
        membership_pb.RenameMemberRequest(
            organization_id=person.caller.organization_id,
            display_name=form_field(form, "display_name", MAX_FORM_FIELD + 1),
        ),
        person.caller,
    )
    return back_to_security(request, person, "name-changed", SECTION)
