"""The Security page (two-factor authentication, password and open sessions), and what every form on it
shares: who posted it, showing the page again with a refusal, and the redirect with a notice after a change."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway.portal.i18n import ENGLISH, Translator, translator_for
from gateway.portal.shared import (
    REFUSED,
    SECURITY_PAGE,
    Refusal,
    SignedIn,
    call,
    checked_form,
    notice_of,
    portal_page,
    refusal_of,
    services,
    settings_of,
    signed_in,
    to_sign_in,
    with_notice,
)
from services.common.permissions import SECURITY_MANAGE

# Outcomes a form of the page redirects with, so a reload repeats nothing.
NOTICES = {
    "password-changed": "Your password has been changed. Your other sessions were signed out.",
    "totp-disabled": "Your authenticator app is turned off. Your other sessions were signed out.",
    "session-revoked": "That session has been signed out.",
    "other-sessions-revoked": "Every other session of yours has been signed out.",
    "name-changed": "Your name has been changed.",
    "picture-changed": "Your picture has been changed.",
    "picture-removed": "Your picture has been removed.",
}


@dataclass(frozen=True)
class SessionRow:
    """One open session of the person, as the Security page lists it."""

    id: str
    device: str
    user_agent: str
    ip_address: str
    signed_in: str  # ISO 8601, or '' for never; the page writes it in the reader's language
    last_used: str
    current: bool


ENGLISH_TEXT = Translator(ENGLISH)
DEVICE = "{browser} on {system}"
UNKNOWN_DEVICE = "Unknown device"
MESSAGES = (DEVICE, UNKNOWN_DEVICE)
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("HeadlessChrome/", "Headless Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def device_of(user_agent: str, translator: Translator = ENGLISH_TEXT) -> str:
    """'Firefox on Windows' from a user agent; the user agent itself when it names no known browser."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return translator.gettext(DEVICE, browser=browser, system=system)
    return browser or system or user_agent[:80] or translator.gettext(UNKNOWN_DEVICE)


def _moment_of(stamp: Timestamp) -> str:
    if stamp.seconds == 0:
        return ""
    return stamp.ToDatetime(tzinfo=UTC).isoformat()


def _session_row(session: identity_pb.Session, translator: Translator) -> SessionRow:
    return SessionRow(
        id=session.id,
        device=device_of(session.user_agent, translator),
        user_agent=session.user_agent,
        ip_address=session.ip_address,
        signed_in=_moment_of(session.create_time),
        last_used=_moment_of(session.last_seen_time),
        current=session.current,
    )


def _session_rows(answer: Any, translator: Translator) -> tuple[list[SessionRow], str]:
    """The rows of identity's answer to ListSessions (this session first, then the most recently used), or
    the error to show instead of them."""
    if isinstance(answer, grpc.aio.AioRpcError):
        return [], refusal_of(answer).message
    if isinstance(answer, BaseException):
        raise answer
    ordered = sorted(answer.sessions, key=lambda s: (not s.current, -s.last_seen_time.seconds))
    return [_session_row(s, translator) for s in ordered], ""


def _protection(answer: Any) -> tuple[bool | None, int]:
    """(authenticator app on, recovery codes left) from identity's answer to GetAccountSecurity."""
    if isinstance(answer, grpc.aio.AioRpcError):
        return None, 0  # unknown: the page offers both setting up and turning off
    if isinstance(answer, BaseException):
        raise answer
    return answer.totp_enabled, answer.recovery_codes_left


async def security_page_for(request: Request, person: SignedIn, status: int = 200, **state: Any) -> Response:
    """The Security page of `person`. `state` says which step or error to show (see security.html)."""
    identity, caller = services(request).identity, person.caller
    # Both answers are needed for the page: ask identity for them at once.
    answers: tuple[Any, Any] = await asyncio.gather(
        call(request, identity.ListSessions, identity_pb.ListSessionsRequest(), caller),
        call(request, identity.GetAccountSecurity, identity_pb.GetAccountSecurityRequest(), caller),
        return_exceptions=True,
    )
    listed_sessions, protection = answers
    sessions, sessions_error = _session_rows(listed_sessions, translator_for(request))
    totp_enabled, recovery_codes_left = _protection(protection)
    values: dict[str, Any] = {
        "notice": "",
        "section": "",
        "error": "",
        "field_errors_by_name": {},
        "totp_setup": None,
        "recovery_codes": [],
        "reauthenticate": False,
        **state,
    }
    return portal_page(
        request,
        person,
        "security.html",
        "security",
        status,
        can_manage_organization=SECURITY_MANAGE in caller.principal.permissions,
        enrollment_required=caller.mfa_enrollment_required,
        sessions=sessions,
        sessions_error=sessions_error,
        totp_enabled=totp_enabled,
        recovery_codes_left=recovery_codes_left,
        **values,
    )


async def security_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await security_page_for(request, person, notice=notice_of(request, NOTICES))


SecurityChange = Callable[[Request, FormData, SignedIn], Awaitable[Response]]


def posted_from_security_page(
    section: str, allows_file: bool = False
) -> Callable[[SecurityChange], Callable[[Request], Awaitable[Response]]]:
    """The handler of a form in `section` of the Security page: the change runs with the posted form and who
    posted it. A stranger is sent to sign in, a form from elsewhere changes nothing (the page shows the
    refusal), and a call identity refuses shows the page again with the refusal in `section`. A form may upload
    one file (`allows_file`)."""

    def handler_of(change: SecurityChange) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(change)
        async def handler(request: Request) -> Response:
            form = await checked_form(request, allows_file=allows_file)
            person = await signed_in(request)
            if person is None:
                return to_sign_in()
            if form is None:
                return await security_page_for(request, person, 403, section="page", error=REFUSED)
            try:
                return await change(request, form, person)
            except grpc.aio.AioRpcError as exc:
                return await show_refusal(request, person, refusal_of(exc), section)

        return handler

    return handler_of


async def show_refusal(request: Request, person: SignedIn, refusal: Refusal, section: str, **state: Any) -> Response:
    """The page again, with what identity refused in the `section` the form belongs to."""
    return await security_page_for(request, person, refusal.status, section=section, error=refusal.message, **state)


def back_to_security(request: Request, person: SignedIn, notice: str, section: str) -> Response:
    """After a change: the page again through a redirect, naming the outcome (see NOTICES)."""
    return person.with_cookie(with_notice(SECURITY_PAGE, notice, section), settings_of(request))
