"""Changing one's password from the Security page."""

from __future__ import annotations

import grpc
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway.portal.security.page import back_to_security, posted_from_security_page, security_page_for, show_refusal
from gateway.portal.shared import NEW_PASSWORD_FIELD, SignedIn, call, form_field, new_password_of, refusal_of, services

SECTION = "password"
DIFFER = "Enter the same new password twice."
NOT_CURRENT = "is not your current password"
MESSAGES = (DIFFER, NOT_CURRENT)


@posted_from_security_page(SECTION)
async def change_password(request: Request, form: FormData, person: SignedIn) -> Response:
    new_password, mismatch = new_password_of(form)
    if mismatch:
        return await security_page_for(
            request, person, 400, section=SECTION, error=DIFFER, field_errors_by_name=mismatch
        )
    try:
        await call(
            request,
            services(request).identity.ChangePassword,
            identity_pb.ChangePasswordRequest(
                current_password=form_field(form, "current_password"), new_password=new_password
            ),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = refusal_of(exc, NEW_PASSWORD_FIELD)
        errors = refusal.field_errors
        if refusal.reason == "INVALID_CREDENTIALS":
            errors = {"current_password": [NOT_CURRENT]}
        return await show_refusal(request, person, refusal, SECTION, field_errors_by_name=errors)
    return back_to_security(request, person, "password-changed", SECTION)
