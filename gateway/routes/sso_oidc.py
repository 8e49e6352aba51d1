"""The OIDC callback, the one HTTP end of OIDC sign-in that must be HTTP: the provider sends the browser back here
with `code`, `state` and `iss` (or an error). The gateway passes the raw query and the browser's binding cookie
(set by the SSO start route) to identity's CompleteOidcSignIn, which does every check; the gateway only reads
and sets cookies. The provider's redirect is a top-level GET, so the SameSite=Lax binding cookie comes with it."""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tenantry.identity.v1 import sso_service_pb2 as sso_pb

from gateway.portal.shared import browser_of, call, page, session_started
from gateway.routes.sso import BINDING_COOKIE, SIGN_IN_REFUSED, _continue_to, refused, sso_client

# A genuine callback carries a handful of short parameters; anything larger is refused before identity sees it.
MAX_CALLBACK_PARAMETERS = 8
MAX_CALLBACK_VALUE = 4096


def callback_parameters(request: Request) -> dict[str, str] | None:
    """The query as identity reads it, or None when it is too large or repeats a parameter (ambiguous)."""
    items = request.query_params.multi_items()
    names = [name for name, _ in items]
    if len(items) > MAX_CALLBACK_PARAMETERS or len(set(names)) != len(names):
        return None
    if any(len(name) > 64 or len(value) > MAX_CALLBACK_VALUE for name, value in items):
        return None
    return dict(items)


async def callback(request: Request) -> Response:
    """GET /sso/oidc/callback: identity verifies the provider's answer and opens the session."""
    parameters = callback_parameters(request)
    binding = request.cookies.get(BINDING_COOKIE, "")[:128]
    if parameters is None or not binding:
        return page(request, "sign_in.html", 400, error=SIGN_IN_REFUSED)
    try:
        reply = await call(
            request,
            sso_client(request).CompleteOidcSignIn,
            sso_pb.CompleteOidcSignInRequest(
                callback_parameters=parameters, browser_binding=binding, **browser_of(request)
            ),
        )
    except grpc.aio.AioRpcError as error:
        return refused(request, error)
    response = session_started(request, _continue_to(reply.return_to or "/portal"), reply)
    response.delete_cookie(BINDING_COOKIE, path="/sso/")
    return response


BROWSER_ROUTES = [Route("/sso/oidc/callback", callback, methods=["GET"])]
