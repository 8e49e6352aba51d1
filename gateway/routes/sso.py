"""The HTTP ends of SSO that must be HTTP: the SAML ACS (the IdP's form POST), our SP metadata, and the
SP-initiated start. They pass the raw form and query to identity's SsoService, which does every verification
(it holds the keys, the replay cache and the pending requests); the gateway only sets and reads cookies.

The browser is bound to its sign-in by a random cookie set at the start. The IdP's POST to the ACS is
cross-site, so a SameSite=Lax cookie does not come with it: the ACS then answers with a page that posts the same
form again from our own origin, which carries the cookie (one extra hop, no cookie weaker than Lax)."""

from __future__ import annotations

import html
import secrets

import grpc
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from tenantry.identity.v1 import sso_service_pb2 as sso_pb
from tenantry.identity.v1 import sso_service_pb2_grpc as sso_grpc

from gateway.portal.i18n import translator_for
from gateway.portal.shared import browser_of, call, page, services, session_started, settings_of
from services.common.grpc_server import error_reason

BINDING_COOKIE = "tenantry_sso_binding"
MAX_SAML_RESPONSE = 400_000
MAX_CONNECTION_ID = 64
REBOUND_FIELD = "_rebound"
SIGN_IN_REFUSED = "Single sign-on did not work. Try again, or ask your administrator."
ORGANIZATION_ENDED = "This organization's subscription has ended; an Owner or Billing admin can resubscribe."
NO_SEAT = (
    "Your organization has no free seat for you. Ask an administrator to free one or buy more, then sign in again."
)


def refused(request: Request, error: grpc.aio.AioRpcError) -> Response:
    """The sign-in page after identity refused an SSO sign-in: an organization whose subscription ended, or
    without a free seat for a person signing in for the first time, is named as the reason (403, in the
    person's language); any other refusal says nothing more."""
    reason = error_reason(error)
    if reason == "ORGANIZATION_ENDED":
        return page(request, "sign_in.html", 403, error=translator_for(request).gettext(ORGANIZATION_ENDED))
    if reason == "NO_SEAT":
        return page(request, "sign_in.html", 403, error=translator_for(request).gettext(NO_SEAT))
    return page(request, "sign_in.html", 401, error=translator_for(request).gettext(SIGN_IN_REFUSED))


def sso_client(request: Request) -> sso_grpc.SsoServiceStub:
    return services(request).sso


def _connection_id(request: Request) -> str:
    return str(request.path_params["connection_id"])[:MAX_CONNECTION_ID]


async def start(request: Request) -> Response:
    """GET /sso/{connection_id}/start: a signed AuthnRequest bound to this browser, then off to the IdP."""
    binding = secrets.token_urlsafe(32)
    return_to = request.query_params.get("return_to", "/portal")[:512]
    try:
        reply = await call(
            request,
            sso_client(request).BeginSignIn,
            sso_pb.BeginSignInRequest(
                connection_id=_connection_id(request), browser_binding=binding, return_to=return_to
            ),
        )
    except grpc.aio.AioRpcError:
        return page(request, "sign_in.html", 404, error=SIGN_IN_REFUSED)
    response = RedirectResponse(reply.redirect_url, status_code=303)
    response.set_cookie(
        BINDING_COOKIE,
        binding,
        max_age=600,
        path="/sso/",
        httponly=True,
        secure=settings_of(request).cookie_secure,
        samesite="lax",
    )
    return response


def _repost(action: str, saml_response: str, relay_state: str) -> HTMLResponse:
    body = (
        "<!doctype html><html><head><meta name='referrer' content='no-referrer'></head>"
        "<body onload='document.forms[0].submit()'>"
        f"<form method='post' action='{html.escape(action)}'>"
        f"<input type='hidden' name='SAMLResponse' value='{html.escape(saml_response)}'>"
        f"<input type='hidden' name='RelayState' value='{html.escape(relay_state)}'>"
        f"<input type='hidden' name='{REBOUND_FIELD}' value='1'>"
        "<noscript><button>Continue</button></noscript></form></body></html>"
    )
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})


def _continue_to(location: str) -> HTMLResponse:
    """A same-site navigation to the portal, so the new (Lax) session cookie goes with it."""
    target = html.escape(location)
    return HTMLResponse(
        f"<!doctype html><html><head><meta http-equiv='refresh' content='0;url={target}'></head>"
        f"<body><a href='{target}'>Continue</a></body></html>",
        headers={"Cache-Control": "no-store"},
    )


async def acs(request: Request) -> Response:
    """POST /sso/saml/{connection_id}/acs: the IdP's Response; identity verifies it and opens the session."""
    form = await request.form(max_files=0, max_fields=8, max_part_size=MAX_SAML_RESPONSE)
    saml_response = str(form.get("SAMLResponse", ""))
    relay_state = str(form.get("RelayState", ""))[:1024]
    if not saml_response or len(saml_response) > MAX_SAML_RESPONSE:
        return page(request, "sign_in.html", 400, error=SIGN_IN_REFUSED)
    binding = request.cookies.get(BINDING_COOKIE, "")[:128]
    if not binding and not form.get(REBOUND_FIELD):
        return _repost(str(request.url.path), saml_response, relay_state)
    try:
        reply = await call(
            request,
            sso_client(request).CompleteSamlSignIn,
            sso_pb.CompleteSamlSignInRequest(
                connection_id=_connection_id(request),
                saml_response=saml_response,
                relay_state=relay_state,
                browser_binding=binding,
                **browser_of(request),
            ),
        )
    except grpc.aio.AioRpcError as error:
        return refused(request, error)
    response = session_started(request, _continue_to(reply.return_to or "/portal"), reply)
    response.delete_cookie(BINDING_COOKIE, path="/sso/")
    return response


async def metadata(request: Request) -> Response:
    """GET /sso/saml/{connection_id}/metadata: our SP metadata, for the IdP administrator."""
    try:
        reply = await sso_client(request).GetSpMetadata(
            sso_pb.GetSpMetadataRequest(connection_id=_connection_id(request))
        )
    except grpc.aio.AioRpcError as exc:
        status = 404 if exc.code() == grpc.StatusCode.NOT_FOUND else 503
        return Response(
            "No such SAML connection." if status == 404 else "Unavailable.", status, media_type="text/plain"
        )
    return Response(reply.metadata_xml, media_type="application/samlmetadata+xml")


BROWSER_ROUTES = [
    Route("/sso/{connection_id}/start", start, methods=["GET"]),
    Route("/sso/saml/{connection_id}/acs", acs, methods=["POST"]),
    Route("/sso/saml/{connection_id}/metadata", metadata, methods=["GET"]),
]
