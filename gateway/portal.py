"""The admin portal: server-rendered pages over the same service calls as the REST API."""

from __future__ import annotations

import contextlib
import hmac
import secrets
from pathlib import Path

import grpc
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
from gateway.security_api import clear_session_cookie, rotated_cookie_expiry, set_session_cookie
from gateway.settings import GatewaySettings

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
MAX_FORM_FIELD = 1024
LOGIN_CSRF_COOKIE = "tenantry_login_csrf"
REFUSED = "This request did not come from this site; reload the page and try again."


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
        response = RedirectResponse("/portal", status_code=303)
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
        if "billing.read" in permissions:
            seats = convert.seat_usage(
                (
                    await clients.billing.GetSeatUsage(
                        billing_pb.GetSeatUsageRequest(organization_id=caller.organization_id),
                        metadata=metadata,
                        timeout=clients.timeout,
                    )
                ).seat_usage
            )
        if "audit.read" in permissions:
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

    return [
        Route("/accept-invitation", invitation_page, methods=["GET"]),
        Route("/accept-invitation", accept_invitation, methods=["POST"]),
        Route("/", home, methods=["GET"]),
        Route("/portal/sign-in", sign_in, methods=["POST"]),
        Route("/portal/sign-in/mfa", second_factor, methods=["POST"]),
        Route("/portal", overview, methods=["GET"]),
        Route("/portal/sign-out", sign_out, methods=["POST"]),
    ]
