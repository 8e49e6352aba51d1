"""A forgotten password: asking for the emailed link, then choosing a new password from it."""

from __future__ import annotations

from typing import Any

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway.auth import client_ip
from gateway.portal.shared import (
    NEW_PASSWORD_FIELD,
    REFUSED,
    authenticator_of,
    call,
    checked_form,
    form_field,
    new_password_of,
    page,
    query_field,
    refusal_of,
    services,
)

MAX_EMAIL = 320


UNAVAILABLE = "Password resets are unavailable right now; try again in a few minutes."
INCOMPLETE = "This password reset link is incomplete; open the link from the email again."
DIFFER = "Enter the same password twice."
MESSAGES = (UNAVAILABLE, INCOMPLETE, DIFFER)


async def forgot_password_page(request: Request) -> Response:
    return page(request, "forgot_password.html", sent=False, error="", email="")


async def request_password_reset(request: Request) -> Response:
    form = await checked_form(request)
    if form is None:
        return page(request, "forgot_password.html", 403, sent=False, error=REFUSED, email="")
    email = str(form.get("email", "")).strip()[:MAX_EMAIL]
    try:
        await call(
            request,
            services(request).identity.RequestPasswordReset,
            identity_pb.RequestPasswordResetRequest(email=email, ip_address=client_ip(request)),
        )
    except grpc.aio.AioRpcError:
        return page(request, "forgot_password.html", 503, sent=False, error=UNAVAILABLE, email=email)
    # The same answer whether the address has an account or not.
    return page(request, "forgot_password.html", sent=True, error="", email=email)


def _reset_page(request: Request, status: int = 200, **state: Any) -> Response:
    """The page to choose a new password; `state` says which step or error to show (see reset_password.html)."""
    values: dict[str, Any] = {
        "reset_id": "",
        "token": "",
        "error": "",
        "field_errors_by_name": {},
        "done": False,
        "link_unusable": False,
        **state,
    }
    return page(request, "reset_password.html", status, **values)


async def reset_password_page(request: Request) -> Response:
    reset_id, token = query_field(request, "id", 64), query_field(request, "token", 128)
    if not reset_id or not token:
        return _reset_page(request, 404, link_unusable=True, error=INCOMPLETE)
    return _reset_page(request, reset_id=reset_id, token=token)


async def reset_password(request: Request) -> Response:
    form = await checked_form(request)
    if form is None:
        return _reset_page(request, 403, link_unusable=True, error=REFUSED)
    link = {"reset_id": form_field(form, "id", 64), "token": form_field(form, "token", 128)}
    new_password, mismatch = new_password_of(form)
    if mismatch:
        return _reset_page(request, 400, error=DIFFER, field_errors_by_name=mismatch, **link)
    try:
        await call(
            request,
            services(request).identity.ResetPassword,
            identity_pb.ResetPasswordRequest(new_password=new_password, **link),
        )
    except grpc.aio.AioRpcError as exc:
        refusal = refusal_of(exc, NEW_PASSWORD_FIELD)
        return _reset_page(
            request,
            refusal.status,
            error=refusal.message,
            field_errors_by_name=refusal.field_errors,
            link_unusable=refusal.reason == "INVALID_RESET_LINK",
            **link,
        )
    # Identity ended every session of the account; if this browser held one, it must not linger in the cache.
    authenticator_of(request).forget(request)
    return _reset_page(request, done=True)
