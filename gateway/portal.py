"""The admin portal: server-rendered pages over the same service calls as the REST API."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.auth import AuthError, Caller, client_ip, csrf_token_for, csrf_token_valid, request_metadata, same_origin
from gateway.cookies import clear_session_cookie, rotated_cookie_expiry, set_session_cookie
from gateway.problems import from_grpc_error
from gateway.settings import GatewaySettings
from services.common import permissions as permissions_catalogue

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
MAX_FORM_FIELD = 1024
LOGIN_CSRF_COOKIE = "tenantry_login_csrf"
REFUSED = "This request did not come from this site; reload the page and try again."
SECURITY_PAGE = "/portal/security"
TWO_FACTOR_SETUP = f"{SECURITY_PAGE}#two-factor"
# Outcomes a security form redirects with (?notice=...), so a reload repeats nothing.
NOTICES = {
    "password-changed": "Your password has been changed. Your other sessions were signed out.",
    "totp-disabled": "Your authenticator app is turned off. Your other sessions were signed out.",
    "session-revoked": "That session has been signed out.",
    "other-sessions-revoked": "Every other session of yours has been signed out.",
}
PASSWORDS_DIFFER = "does not match the new password"
TOTP_SECRET = re.compile(r"[A-Z2-7]{16,128}")
QR_CODE_DATA_URI = re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]{1,200000}")


async def _caller(request: Request) -> Caller | None:
    try:
        return await request.app.state.authenticator.authenticate(request)
    except (AuthError, grpc.aio.AioRpcError):
        return None


def _form_token(request: Request, settings: GatewaySettings, session_token: str = "") -> tuple[str, str]:
    """(token for the page's forms, value of a new pre-session cookie or ''). With a session the token is
    bound to it; before sign-in a random double-submit cookie stops login CSRF."""
    session_token = session_token or request.cookies.get(settings.cookie_name, "")
    if session_token:
        return csrf_token_for(session_token, settings), ""
    existing = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if 32 <= len(existing) <= 128:
        return existing, ""
    fresh = secrets.token_urlsafe(32)
    return fresh, fresh


def _form_token_valid(request: Request, settings: GatewaySettings, presented: str) -> bool:
    if request.cookies.get(settings.cookie_name):
        return csrf_token_valid(request, settings, presented)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(expected) and bool(presented) and hmac.compare_digest(expected, presented[:128])


def _page(request: Request, name: str, status: int = 200, session_token: str = "", **values: object) -> HTMLResponse:
    settings: GatewaySettings = request.app.state.settings
    token, new_cookie = _form_token(request, settings, session_token)
    response = templates.TemplateResponse(request, name, {**values, "csrf_token": token}, status_code=status)
    if new_cookie:
        response.set_cookie(
            LOGIN_CSRF_COOKIE, new_cookie, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax"
        )
    return response


async def _checked_form(request: Request, settings: GatewaySettings) -> FormData | None:
    """The posted form if it came from our own page (Origin/Fetch Metadata and the CSRF token), else None."""
    if not same_origin(request, settings):
        return None
    form = await request.form(max_files=0, max_fields=10)
    if not _form_token_valid(request, settings, str(form.get("csrf_token", ""))):
        return None
    return form


@dataclass(frozen=True)
class Refusal:
    """A refused identity call as a page shows it. Built from the gateway's problem document, so the portal
    and the REST API word a failure alike (and hide an internal error alike)."""

    status: int
    reason: str
    message: str
    field_errors: dict[str, list[str]] = field(default_factory=dict)


def refusal_of(error: grpc.aio.AioRpcError, form_fields: dict[str, str] | None = None) -> Refusal:
    """`form_fields` maps identity's field names to the form's (identity calls the new password `password`)."""
    problem: dict[str, Any] = json.loads(bytes(from_grpc_error(error).body))
    renamed = form_fields or {}
    by_field: dict[str, list[str]] = {}
    for violation in problem.get("errors", []):
        name = str(violation.get("field", ""))
        by_field.setdefault(renamed.get(name, name), []).append(str(violation.get("description", "")))
    return Refusal(int(problem["status"]), str(problem.get("reason", "")), str(problem["detail"]), by_field)


@dataclass
class SignedIn:
    """The person behind a portal request, and the session token their browser must switch to when identity
    handed out a new one (rotation after a privilege change, or a re-authentication)."""

    caller: Caller
    new_session_token: str = ""
    new_session_expiry: Timestamp | None = None

    def switch_session(self, token: str, expiry: Timestamp, caller: Caller) -> None:
        self.caller, self.new_session_token, self.new_session_expiry = caller, token, expiry

    def with_cookie(self, response: Response, settings: GatewaySettings) -> Response:
        if self.new_session_token:
            expiry = self.new_session_expiry or rotated_cookie_expiry()
            set_session_cookie(response, settings, self.new_session_token, expiry)
        return response


async def _signed_in(request: Request) -> SignedIn | None:
    caller = await _caller(request)
    if caller is None:
        return None
    return SignedIn(caller, new_session_token=caller.rotated_session_token)


@dataclass(frozen=True)
class SessionRow:
    """One open session of the person, as the Security page lists it."""

    id: str
    device: str
    user_agent: str
    ip_address: str
    signed_in: str
    last_used: str
    current: bool


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


def device_of(user_agent: str) -> str:
    """'Firefox on Windows' from a user agent; the user agent itself when it names no known browser."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:80] or "Unknown device"


def _minute_of(stamp: Timestamp) -> str:
    if stamp.seconds == 0:
        return "never"
    return stamp.ToDatetime().strftime("%Y-%m-%d %H:%M")


def _session_row(session: identity_pb.Session) -> SessionRow:
    return SessionRow(
        id=session.id,
        device=device_of(session.user_agent),
        user_agent=session.user_agent,
        ip_address=session.ip_address,
        signed_in=_minute_of(session.create_time),
        last_used=_minute_of(session.last_seen_time),
        current=session.current,
    )


async def _security_page(request: Request, person: SignedIn, status: int = 200, **state: Any) -> Response:
    """The Security page: two-factor authentication, password and open sessions. `state` says which step or
    error to show (see security.html)."""
    settings: GatewaySettings = request.app.state.settings
    clients = request.app.state.clients
    metadata = request_metadata(request, person.caller)
    # Both answers are needed for the page: ask identity for them at once.
    listed_sessions, protection = await asyncio.gather(
        clients.identity.ListSessions(identity_pb.ListSessionsRequest(), metadata=metadata, timeout=clients.timeout),
        clients.identity.GetAccountSecurity(
            identity_pb.GetAccountSecurityRequest(), metadata=metadata, timeout=clients.timeout
        ),
        return_exceptions=True,
    )
    sessions: list[SessionRow] = []
    sessions_error = ""
    if isinstance(listed_sessions, grpc.aio.AioRpcError):
        sessions_error = refusal_of(listed_sessions).message
    elif isinstance(listed_sessions, BaseException):
        raise listed_sessions
    else:
        # This session first, then the most recently used.
        ordered = sorted(listed_sessions.sessions, key=lambda s: (not s.current, -s.last_seen_time.seconds))
        sessions = [_session_row(s) for s in ordered]
    if isinstance(protection, grpc.aio.AioRpcError):
        totp_enabled, recovery_codes_left = None, 0  # unknown: the page offers both setting up and turning off
    elif isinstance(protection, BaseException):
        raise protection
    else:
        totp_enabled, recovery_codes_left = protection.totp_enabled, protection.recovery_codes_left
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
    response = _page(
        request,
        "security.html",
        status,
        session_token=person.new_session_token,
        email=person.caller.principal.actor.display,
        enrollment_required=person.caller.mfa_enrollment_required,
        sessions=sessions,
        sessions_error=sessions_error,
        totp_enabled=totp_enabled,
        recovery_codes_left=recovery_codes_left,
        **values,
    )
    return person.with_cookie(response, settings)


def build_portal_routes(settings: GatewaySettings) -> list[Route]:
    async def home(request: Request) -> Response:
        if await _caller(request) is not None:
            return RedirectResponse("/portal", status_code=303)
        return _page(request, "sign_in.html", error="")

    async def sign_in(request: Request) -> Response:
        form = await _checked_form(request, settings)
        if form is None:
            return _page(request, "sign_in.html", 403, error=REFUSED)
        email, password = str(form.get("email", ""))[:MAX_FORM_FIELD], str(form.get("password", ""))[:MAX_FORM_FIELD]
        clients = request.app.state.clients
        try:
            reply = await clients.identity.CreateSession(
                identity_pb.CreateSessionRequest(
                    email=email,
                    password=password,
                    ip_address=client_ip(request),
                    user_agent=request.headers.get("user-agent", "")[:512],
                    previous_session_token=request.cookies.get(settings.cookie_name, "")[:512],
                ),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            message = exc.details() if exc.code() == grpc.StatusCode.UNAUTHENTICATED else "Sign-in is unavailable."
            status = 429 if exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED else 401
            return _page(request, "sign_in.html", status, error=message, email=email)
        if reply.mfa_required:
            return _page(request, "mfa.html", challenge=reply.mfa_challenge_token, error="")
        # While the organization requires a second factor this person lacks, only setting one up works.
        response = RedirectResponse(TWO_FACTOR_SETUP if reply.session.mfa_enrollment_required else "/portal", 303)
        set_session_cookie(response, settings, reply.session_token, reply.session.expire_time)
        return response

    async def second_factor(request: Request) -> Response:
        form = await _checked_form(request, settings)
        if form is None:
            return _page(request, "sign_in.html", 403, error=REFUSED)
        challenge = str(form.get("challenge", ""))[:128]
        clients = request.app.state.clients
        try:
            reply = await clients.identity.VerifySecondFactor(
                identity_pb.VerifySecondFactorRequest(
                    mfa_challenge_token=challenge,
                    totp_code=str(form.get("totp_code", ""))[:16],
                    recovery_code=str(form.get("recovery_code", ""))[:32],
                    ip_address=client_ip(request),
                    user_agent=request.headers.get("user-agent", "")[:512],
                ),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            return _page(request, "mfa.html", 401, challenge=challenge, error=exc.details())
        response = RedirectResponse("/portal", status_code=303)
        set_session_cookie(response, settings, reply.session_token, reply.session.expire_time)
        return response

    async def overview(request: Request) -> Response:
        caller = await _caller(request)
        if caller is None:
            return RedirectResponse("/", status_code=303)
        if caller.mfa_enrollment_required:  # the session holds no permissions until a second factor is set up
            enrol = RedirectResponse(TWO_FACTOR_SETUP, status_code=303)
            return SignedIn(caller, new_session_token=caller.rotated_session_token).with_cookie(enrol, settings)
        clients, metadata = request.app.state.clients, request_metadata(request, caller)
        try:
            organization = (
                await clients.membership.GetOrganization(
                    membership_pb.GetOrganizationRequest(organization_id=caller.organization_id),
                    metadata=metadata,
                    timeout=clients.timeout,
                )
            ).organization
        except grpc.aio.AioRpcError as exc:
            if exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND):
                return _page(request, "forbidden.html", 403, email=caller.principal.actor.display)
            raise
        permissions = set(caller.principal.permissions)
        seats = entries = None
        if permissions_catalogue.BILLING_READ in permissions:
            seats = convert.seat_usage(
                (
                    await clients.billing.GetSeatUsage(
                        billing_pb.GetSeatUsageRequest(organization_id=caller.organization_id),
                        metadata=metadata,
                        timeout=clients.timeout,
                    )
                ).seat_usage
            )
        if permissions_catalogue.AUDIT_READ in permissions:
            entries = [
                convert.audit_entry(e)
                for e in (
                    await clients.audit.ListAuditEntries(
                        audit_pb.ListAuditEntriesRequest(organization_id=caller.organization_id, page_size=10),
                        metadata=metadata,
                        timeout=clients.timeout,
                    )
                ).entries
            ]
        response = _page(
            request,
            "overview.html",
            session_token=caller.rotated_session_token,
            organization=convert.organization(organization),
            seats=seats,
            entries=entries,
            email=caller.principal.actor.display,
        )
        if caller.rotated_session_token:  # the session got a new id after a privilege change
            set_session_cookie(response, settings, caller.rotated_session_token, rotated_cookie_expiry())
        return response

    async def sign_out(request: Request) -> Response:
        if await _checked_form(request, settings) is None:
            return _page(request, "sign_in.html", 403, error=REFUSED)
        caller = await _caller(request)
        if caller is not None:
            clients = request.app.state.clients
            with contextlib.suppress(grpc.aio.AioRpcError):
                await clients.identity.DeleteSession(
                    identity_pb.DeleteSessionRequest(session_id=caller.principal.credential_id),
                    metadata=request_metadata(request, caller),
                    timeout=clients.timeout,
                )
            request.app.state.authenticator.forget(request)
        response = RedirectResponse("/", status_code=303)
        clear_session_cookie(response, settings)
        return response

    async def invitation_page(request: Request) -> Response:
        invitation_id = request.query_params.get("invitation", "")[:64]
        token = request.query_params.get("token", "")[:128]
        clients = request.app.state.clients
        try:
            view = (
                await clients.membership.GetInvitation(
                    membership_pb.GetInvitationRequest(invitation_id=invitation_id, token=token),
                    timeout=clients.timeout,
                )
            ).invitation
        except grpc.aio.AioRpcError as exc:
            if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION):
                return _page(request, "invitation.html", 404, error=exc.details(), invitation=None)
            raise
        caller = await _caller(request)
        signed_in_as = caller.principal.actor.display if caller else ""
        return _page(request, "invitation.html", invitation=view, token=token, signed_in_as=signed_in_as, error="")

    async def accept_invitation(request: Request) -> Response:
        form = await _checked_form(request, settings)
        if form is None:
            return _page(request, "invitation.html", 403, error=REFUSED, invitation=None)
        invitation_id = str(form.get("invitation", ""))[:64]
        token = str(form.get("token", ""))[:128]
        password = str(form.get("password", ""))[:MAX_FORM_FIELD]
        clients = request.app.state.clients
        authenticator = request.app.state.authenticator
        response = RedirectResponse("/portal", status_code=303)
        try:
            if password:
                account = (
                    await clients.identity.RegisterInvitedAccount(
                        identity_pb.RegisterInvitedAccountRequest(
                            invitation_id=invitation_id,
                            invitation_token=token,
                            password=password,
                            display_name=str(form.get("display_name", ""))[:200],
                        ),
                        timeout=clients.timeout,
                    )
                ).account
                session = await clients.identity.CreateSession(
                    identity_pb.CreateSessionRequest(
                        email=account.email,
                        password=password,
                        ip_address=client_ip(request),
                        user_agent=request.headers.get("user-agent", "")[:512],
                    ),
                    timeout=clients.timeout,
                )
                set_session_cookie(response, settings, session.session_token, session.session.expire_time)
                caller = await authenticator.resolve(request, "session_token", session.session_token)
            else:
                caller = await _caller(request)
                if caller is None:
                    return RedirectResponse("/", status_code=303)
            await clients.membership.AcceptInvitation(
                membership_pb.AcceptInvitationRequest(invitation_id=invitation_id, token=token),
                metadata=request_metadata(request, caller),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            status = 400 if exc.code() == grpc.StatusCode.INVALID_ARGUMENT else 409
            return _page(request, "invitation.html", status, error=exc.details(), invitation=None)
        return response

    async def forgot_password_page(request: Request) -> Response:
        return _page(request, "forgot_password.html", sent=False, error="", email="")

    async def request_password_reset(request: Request) -> Response:
        form = await _checked_form(request, settings)
        if form is None:
            return _page(request, "forgot_password.html", 403, sent=False, error=REFUSED, email="")
        email = str(form.get("email", "")).strip()[:320]
        clients = request.app.state.clients
        try:
            await clients.identity.RequestPasswordReset(
                identity_pb.RequestPasswordResetRequest(email=email, ip_address=client_ip(request)),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError:
            unavailable = "Password resets are unavailable right now; try again in a few minutes."
            return _page(request, "forgot_password.html", 503, sent=False, error=unavailable, email=email)
        # The same answer whether the address has an account or not.
        return _page(request, "forgot_password.html", sent=True, error="", email=email)

    def reset_page(request: Request, status: int = 200, **state: Any) -> Response:
        values: dict[str, Any] = {
            "reset_id": "",
            "token": "",
            "error": "",
            "field_errors_by_name": {},
            "done": False,
            "link_unusable": False,
            **state,
        }
        return _page(request, "reset_password.html", status, **values)

    async def reset_password_page(request: Request) -> Response:
        reset_id = request.query_params.get("id", "")[:64]
        token = request.query_params.get("token", "")[:128]
        if not reset_id or not token:
            incomplete = "This password reset link is incomplete; open the link from the email again."
            return reset_page(request, 404, link_unusable=True, error=incomplete)
        return reset_page(request, reset_id=reset_id, token=token)

    async def reset_password(request: Request) -> Response:
        form = await _checked_form(request, settings)
        if form is None:
            return reset_page(request, 403, link_unusable=True, error=REFUSED)
        link = {"reset_id": str(form.get("id", ""))[:64], "token": str(form.get("token", ""))[:128]}
        # One character over the limit, so identity names the limit instead of the password being cut.
        new_password = str(form.get("new_password", ""))[: MAX_FORM_FIELD + 1]
        if new_password != str(form.get("confirm_password", ""))[: MAX_FORM_FIELD + 1]:
            mismatch = {"confirm_password": [PASSWORDS_DIFFER]}
            return reset_page(
                request, 400, error="Enter the same password twice.", field_errors_by_name=mismatch, **link
            )
        clients = request.app.state.clients
        try:
            await clients.identity.ResetPassword(
                identity_pb.ResetPasswordRequest(new_password=new_password, **link), timeout=clients.timeout
            )
        except grpc.aio.AioRpcError as exc:
            refusal = refusal_of(exc, {"password": "new_password"})
            return reset_page(
                request,
                refusal.status,
                error=refusal.message,
                field_errors_by_name=refusal.field_errors,
                link_unusable=refusal.reason == "INVALID_RESET_LINK",
                **link,
            )
        # Identity ended every session of the account; if this browser held one, it must not linger in the cache.
        request.app.state.authenticator.forget(request)
        return reset_page(request, done=True)

    async def security_form(request: Request) -> tuple[FormData, SignedIn] | Response:
        """The posted form of a Security page and who posted it, or the answer when either is missing."""
        form = await _checked_form(request, settings)
        person = await _signed_in(request)
        if person is None:
            return RedirectResponse("/", status_code=303)
        if form is None:  # changes nothing: the page is shown again with the refusal
            return await _security_page(request, person, 403, section="page", error=REFUSED)
        return form, person

    def back_to_security(person: SignedIn, notice: str, section: str) -> Response:
        return person.with_cookie(RedirectResponse(f"{SECURITY_PAGE}?notice={notice}#{section}", 303), settings)

    async def security_page(request: Request) -> Response:
        person = await _signed_in(request)
        if person is None:
            return RedirectResponse("/", status_code=303)
        return await _security_page(request, person, notice=NOTICES.get(request.query_params.get("notice", ""), ""))

    async def change_password(request: Request) -> Response:
        posted = await security_form(request)
        if isinstance(posted, Response):
            return posted
        form, person = posted
        new_password = str(form.get("new_password", ""))[: MAX_FORM_FIELD + 1]
        if new_password != str(form.get("confirm_password", ""))[: MAX_FORM_FIELD + 1]:
            mismatch = {"confirm_password": [PASSWORDS_DIFFER]}
            differ = "Enter the same new password twice."
            return await _security_page(
                request, person, 400, section="password", error=differ, field_errors_by_name=mismatch
            )
        clients = request.app.state.clients
        try:
            await clients.identity.ChangePassword(
                identity_pb.ChangePasswordRequest(
                    current_password=str(form.get("current_password", ""))[:MAX_FORM_FIELD], new_password=new_password
                ),
                metadata=request_metadata(request, person.caller),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            refusal = refusal_of(exc, {"password": "new_password"})
            errors = refusal.field_errors
            if refusal.reason == "INVALID_CREDENTIALS":
                errors = {"current_password": ["is not your current password"]}
            return await _security_page(
                request, person, refusal.status, section="password", error=refusal.message, field_errors_by_name=errors
            )
        return back_to_security(person, "password-changed", "password")

    async def enrol_totp(request: Request) -> Response:
        posted = await security_form(request)
        if isinstance(posted, Response):
            return posted
        _, person = posted
        clients = request.app.state.clients
        try:
            reply = await clients.identity.EnrollTotp(
                identity_pb.EnrollTotpRequest(),
                metadata=request_metadata(request, person.caller),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            refusal = refusal_of(exc)
            return await _security_page(request, person, refusal.status, section="two-factor", error=refusal.message)
        return await _security_page(request, person, totp_setup=TotpSetup.from_enrollment(reply))

    async def confirm_totp(request: Request) -> Response:
        posted = await security_form(request)
        if isinstance(posted, Response):
            return posted
        form, person = posted
        clients = request.app.state.clients
        try:
            reply = await clients.identity.ConfirmTotp(
                identity_pb.ConfirmTotpRequest(totp_code=str(form.get("totp_code", ""))[:16]),
                metadata=request_metadata(request, person.caller),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            refusal = refusal_of(exc)
            setup = None if refusal.reason == "NO_PENDING_MFA" else TotpSetup.carried_by(form)
            return await _security_page(
                request, person, refusal.status, section="two-factor", error=refusal.message, totp_setup=setup
            )
        # The session's permissions may have changed (an organization requiring MFA): ask identity again.
        request.app.state.authenticator.forget(request)
        return await _security_page(request, person, recovery_codes=list(reply.recovery_codes))

    async def disable_totp(request: Request) -> Response:
        posted = await security_form(request)
        if isinstance(posted, Response):
            return posted
        form, person = posted
        clients, authenticator = request.app.state.clients, request.app.state.authenticator
        password = str(form.get("password", ""))[:MAX_FORM_FIELD]
        try:
            if form.get("confirm_identity"):  # the second try, after identity asked for a recent sign-in
                renewed = await clients.identity.ReauthenticateSession(
                    identity_pb.ReauthenticateSessionRequest(
                        password=password, totp_code=str(form.get("totp_code", ""))[:16]
                    ),
                    metadata=request_metadata(request, person.caller),
                    timeout=clients.timeout,
                )
                authenticator.forget(request)
                caller = await authenticator.resolve(request, "session_token", renewed.session_token)
                person.switch_session(renewed.session_token, renewed.session.expire_time, caller)
            await clients.identity.DisableTotp(
                identity_pb.DisableTotpRequest(password=password),
                metadata=request_metadata(request, person.caller),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            refusal = refusal_of(exc)
            if refusal.reason == "REAUTHENTICATION_REQUIRED":
                return await _security_page(request, person, reauthenticate=True)
            return await _security_page(
                request,
                person,
                refusal.status,
                section="two-factor",
                error=refusal.message,
                # A mistyped password or code while confirming: ask again.
                reauthenticate=bool(form.get("confirm_identity"))
                and refusal.reason in ("INVALID_CREDENTIALS", "INVALID_SECOND_FACTOR"),
            )
        return back_to_security(person, "totp-disabled", "two-factor")

    async def revoke_session(request: Request) -> Response:
        posted = await security_form(request)
        if isinstance(posted, Response):
            return posted
        form, person = posted
        session_id = str(form.get("session_id", ""))[:64]
        clients = request.app.state.clients
        try:
            await clients.identity.RevokeSession(
                identity_pb.RevokeSessionRequest(session_id=session_id),
                metadata=request_metadata(request, person.caller),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            refusal = refusal_of(exc)
            return await _security_page(request, person, refusal.status, section="sessions", error=refusal.message)
        if session_id == person.caller.principal.credential_id:  # this browser's own session: signed out
            request.app.state.authenticator.forget(request)
            signed_out = RedirectResponse("/", status_code=303)
            clear_session_cookie(signed_out, settings)
            return signed_out
        return back_to_security(person, "session-revoked", "sessions")

    async def revoke_other_sessions(request: Request) -> Response:
        posted = await security_form(request)
        if isinstance(posted, Response):
            return posted
        _, person = posted
        clients = request.app.state.clients
        try:
            await clients.identity.RevokeAccountSessions(
                identity_pb.RevokeAccountSessionsRequest(keep_current=True),
                metadata=request_metadata(request, person.caller),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            refusal = refusal_of(exc)
            return await _security_page(request, person, refusal.status, section="sessions", error=refusal.message)
        return back_to_security(person, "other-sessions-revoked", "sessions")

    return [
        Route("/accept-invitation", invitation_page, methods=["GET"]),
        Route("/accept-invitation", accept_invitation, methods=["POST"]),
        Route("/", home, methods=["GET"]),
        Route("/portal/sign-in", sign_in, methods=["POST"]),
        Route("/portal/sign-in/mfa", second_factor, methods=["POST"]),
        Route("/portal", overview, methods=["GET"]),
        Route("/portal/sign-out", sign_out, methods=["POST"]),
        Route("/forgot-password", forgot_password_page, methods=["GET"]),
        Route("/forgot-password", request_password_reset, methods=["POST"]),
        Route("/reset-password", reset_password_page, methods=["GET"]),
        Route("/reset-password", reset_password, methods=["POST"]),
        Route(SECURITY_PAGE, security_page, methods=["GET"]),
        Route(f"{SECURITY_PAGE}/password", change_password, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/totp/enrol", enrol_totp, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/totp/confirm", confirm_totp, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/totp/disable", disable_totp, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/sessions/revoke", revoke_session, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/sessions/revoke-others", revoke_other_sessions, methods=["POST"]),
    ]
