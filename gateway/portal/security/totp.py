"""An authenticator app (TOTP) from the Security page: setting it up, confirming it with a first code, and
turning it off (after a fresh sign-in when the last one is too old)."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import grpc
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway.portal.security.page import back_to_security, posted_from_security_page, security_page_for, show_refusal
from gateway.portal.shared import SignedIn, authenticator_of, call, confirm_identity, form_field, refusal_of, services

SECTION = "two-factor"
TOTP_SECRET = re.compile(r"[A-Z2-7]{16,128}")
QR_CODE_DATA_URI = re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]{1,200000}")
MAX_TOTP_CODE = 16


@dataclass(frozen=True)
class TotpSetup:
    """An authenticator app being set up: the secret and its QR code (an SVG image as a data: URI, which a
    browser renders without running anything in it)."""

    secret: str
    qr_code_data_uri: str

    @classmethod
    def from_enrollment(cls, reply: identity_pb.EnrollTotpResponse) -> TotpSetup:
        encoded = base64.b64encode(reply.qr_code_svg.encode()).decode()
        return cls(reply.secret, f"data:image/svg+xml;base64,{encoded}")

    @classmethod
    def carried_by(cls, form: FormData) -> TotpSetup | None:
        """The set-up the confirmation form carried back, to show it again after a wrong code."""
        secret, qr_code = str(form.get("secret", "")), str(form.get("qr_code", ""))
        if TOTP_SECRET.fullmatch(secret) and QR_CODE_DATA_URI.fullmatch(qr_code):
            return cls(secret, qr_code)
        return None


@posted_from_security_page(SECTION)
async def enrol_totp(request: Request, form: FormData, person: SignedIn) -> Response:
    reply = await call(request, services(request).identity.EnrollTotp, identity_pb.EnrollTotpRequest(), person.caller)
    return await security_page_for(request, person, totp_setup=TotpSetup.from_enrollment(reply))


@posted_from_security_page(SECTION)
async def confirm_totp(request: Request, form: FormData, person: SignedIn) -> Response:
    try:
        reply = await call(
            request,
            services(request).identity.ConfirmTotp,
            identity_pb.ConfirmTotpRequest(totp_code=form_field(form, "totp_code", MAX_TOTP_CODE)),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = refusal_of(exc)
        setup = None if refusal.reason == "NO_PENDING_MFA" else TotpSetup.carried_by(form)
        return await show_refusal(request, person, refusal, SECTION, totp_setup=setup)
    # The session's permissions may have changed (an organization requiring MFA): ask identity again.
    authenticator_of(request).forget(request)
    return await security_page_for(request, person, recovery_codes=list(reply.recovery_codes))


@posted_from_security_page(SECTION)
async def disable_totp(request: Request, form: FormData, person: SignedIn) -> Response:
    password = form_field(form, "password")
    confirming = bool(form.get("confirm_identity"))  # the second try, after identity asked for a recent sign-in
    try:
        if confirming:
            await confirm_identity(request, person, password, form_field(form, "totp_code", MAX_TOTP_CODE))
        await call(
            request,
            services(request).identity.DisableTotp,
            identity_pb.DisableTotpRequest(password=password),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = refusal_of(exc)
        if refusal.reason == "REAUTHENTICATION_REQUIRED":
            return await security_page_for(request, person, reauthenticate=True)
        # A mistyped password or code while confirming: ask again.
        mistyped = confirming and refusal.reason in ("INVALID_CREDENTIALS", "INVALID_SECOND_FACTOR")
        return await show_refusal(request, person, refusal, SECTION, reauthenticate=mistyped)
    return back_to_security(request, person, "totp-disabled", SECTION)
