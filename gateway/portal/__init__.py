"""The admin portal: server-rendered pages over the same service calls as the REST API. A module a page;
what the pages share (templates, CSRF for forms, who is signed in, redirects) is in `shared`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.portal import invitation, overview, password_reset, sign_in
from gateway.portal.security import page as security
from gateway.portal.security import password, sessions, totp
from gateway.portal.shared import SECURITY_PAGE, authenticator_of, to_sign_in
from gateway.settings import GatewaySettings


def build_portal_routes(settings: GatewaySettings) -> list[Route]:
    """The portal's routes. Pages read the settings and service clients from `request.app.state`, as the REST
    API does; `settings` keeps this alike to `build_routes`."""
    routes = [
        Route("/accept-invitation", invitation.invitation_page, methods=["GET"]),
        Route("/accept-invitation", invitation.accept_invitation, methods=["POST"]),
        Route("/", sign_in.home, methods=["GET"]),
        Route("/portal/sign-in", sign_in.sign_in, methods=["POST"]),
        Route("/portal/sign-in/mfa", sign_in.second_factor, methods=["POST"]),
        Route("/portal", overview.overview, methods=["GET"]),
        Route("/portal/sign-out", sign_in.sign_out, methods=["POST"]),
        Route("/forgot-password", password_reset.forgot_password_page, methods=["GET"]),
        Route("/forgot-password", password_reset.request_password_reset, methods=["POST"]),
        Route("/reset-password", password_reset.reset_password_page, methods=["GET"]),
        Route("/reset-password", password_reset.reset_password, methods=["POST"]),
        Route(SECURITY_PAGE, security.security_page, methods=["GET"]),
        Route(f"{SECURITY_PAGE}/password", password.change_password, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/totp/enrol", totp.enrol_totp, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/totp/confirm", totp.confirm_totp, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/totp/disable", totp.disable_totp, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/sessions/revoke", sessions.revoke_session, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/sessions/revoke-others", sessions.revoke_other_sessions, methods=["POST"]),
    ]
    return [Route(route.path, signed_out_to_sign_in(route.endpoint), methods=route.methods) for route in routes]


def signed_out_to_sign_in(page: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """A session that ends while a page is built (signed out elsewhere, revoked, expired) sends the browser to
    sign in, rather than failing the page; the gateway forgets the credential it had cached."""

    async def endpoint(request: Request) -> Response:
        try:
            return await page(request)
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.UNAUTHENTICATED:
                raise
            authenticator_of(request).forget(request)
            return to_sign_in()

    endpoint.__name__ = page.__name__
    return endpoint
