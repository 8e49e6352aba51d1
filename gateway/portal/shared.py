"""What every portal page shares: the templates and a page's form token against CSRF, reading a posted form
within size limits, who is signed in, service calls and how their refusals read, redirects and notices."""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway.auth import (
    Authenticator,
    AuthError,
    Caller,
    client_ip,
    csrf_token_for,
    csrf_token_valid,
    request_metadata,
    same_origin,
)
from gateway.clients import ServiceClients
from gateway.cookies import clear_session_cookie, rotated_cookie_expiry, set_session_cookie
from gateway.portal.i18n import LANGUAGES, translator_for
from gateway.portal.navigation import visible_sections
from gateway.problems import from_grpc_error
from gateway.settings import GatewaySettings

templates = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))
MAX_FORM_FIELD = 1024
MAX_USER_AGENT = 512
MAX_SESSION_TOKEN = 512
LOGIN_CSRF_COOKIE = "tenantry_login_csrf"
REFUSED = "This request did not come from this site; reload the page and try again."
PASSWORDS_DIFFER = "does not match the new password"
# Texts of this module a page shows (through the catalogue: see i18n.py).
MESSAGES = (REFUSED, PASSWORDS_DIFFER)
# Identity calls the new password `password`; the portal's forms call it `new_password`.
NEW_PASSWORD_FIELD = {"password": "new_password"}

SIGN_IN_PAGE = "/"
OVERVIEW_PAGE = "/portal"
SECURITY_PAGE = "/portal/security"
TWO_FACTOR_SETUP = f"{SECURITY_PAGE}#two-factor"

Reply = TypeVar("Reply")


def settings_of(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def services(request: Request) -> ServiceClients:
    clients: ServiceClients = request.app.state.clients
    return clients


def authenticator_of(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


async def call(
    request: Request,
    rpc: Callable[..., Awaitable[Reply]],
    message: Message,
    caller: Caller | None = None,
    timeout_factor: float = 1,
) -> Reply:
    """One service call within the gateway's timeout (times `timeout_factor` for batches); on behalf of
    `caller` when someone is signed in."""
    metadata = request_metadata(request, caller) if caller is not None else None
    return await rpc(message, metadata=metadata, timeout=services(request).timeout * timeout_factor)


# Reading what the browser sent, never more than a field may hold.


def form_field(form: FormData, name: str, limit: int = MAX_FORM_FIELD) -> str:
    return str(form.get(name, ""))[:limit]


def query_field(request: Request, name: str, limit: int) -> str:
    return request.query_params.get(name, "")[:limit]


def browser_of(request: Request) -> dict[str, str]:
    """Where a sign-in comes from, as identity records it with the session."""
    return {"ip_address": client_ip(request), "user_agent": request.headers.get("user-agent", "")[:MAX_USER_AGENT]}


def new_password_of(form: FormData) -> tuple[str, dict[str, list[str]]]:
    """The new password typed twice, and the field error when the two differ. One character over the limit,
    so identity names the limit instead of the password being cut."""
    new_password = form_field(form, "new_password", MAX_FORM_FIELD + 1)
    if new_password != form_field(form, "confirm_password", MAX_FORM_FIELD + 1):
        return new_password, {"confirm_password": [PASSWORDS_DIFFER]}
    return new_password, {}


# CSRF: every form carries a token the page put in it.


def form_token(request: Request, settings: GatewaySettings, session_token: str = "") -> tuple[str, str]:
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


def form_token_valid(request: Request, settings: GatewaySettings, presented: str) -> bool:
    if request.cookies.get(settings.cookie_name):
        return csrf_token_valid(request, settings, presented)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(expected) and bool(presented) and hmac.compare_digest(expected, presented[:128])


async def checked_form(request: Request, max_fields: int = 10, allows_file: bool = False) -> FormData | None:
    """The posted form if it came from our own page (Origin/Fetch Metadata and the CSRF token), else None.
    `max_fields` bounds what a page's form may carry (a bulk selection carries one field per member); a form that
    uploads a file (a picture) allows one, which its handler reads only as far as it accepts."""
    settings = settings_of(request)
    if not same_origin(request, settings):
        return None
    form = await request.form(max_files=1 if allows_file else 0, max_fields=max_fields)
    if not form_token_valid(request, settings, str(form.get("csrf_token", ""))):
        return None
    return form


def page(request: Request, name: str, status: int = 200, session_token: str = "", **values: object) -> HTMLResponse:
    """A rendered template whose forms carry the CSRF token (`session_token`: the session the browser is
    switching to, when it is not the cookie's)."""
    settings = settings_of(request)
    token, new_cookie = form_token(request, settings, session_token)
    translator = translator_for(request)
    context = {
        **values,
        "csrf_token": token,
        "_": translator.gettext,
        "t": translator,
        "lang": translator.language,
        "languages": LANGUAGES,
    }
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if new_cookie:
        response.set_cookie(
            LOGIN_CSRF_COOKIE, new_cookie, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax"
        )
    return response


def portal_page(
    request: Request, person: SignedIn, name: str, current: str, status: int = 200, **values: object
) -> Response:
    """A page of the signed-in portal: the navigation shows the sections `person` may see, `current` marked."""
    caller = person.caller
    response = page(
        request,
        name,
        status,
        session_token=person.new_session_token,
        sections=visible_sections(caller.principal.permissions),
        current_page=current,
        email=caller.principal.actor.display,
        **values,
    )
    return person.with_cookie(response, settings_of(request))


# Who is signed in.


async def caller_of(request: Request) -> Caller | None:
    try:
        return await authenticator_of(request).authenticate(request)
    except (AuthError, grpc.aio.AioRpcError):
        return None


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


async def confirm_identity(request: Request, person: SignedIn, password: str, totp_code: str) -> None:
    """A fresh sign-in of this session with the password (and code), for a change that needs a recent one; the
    browser switches to the renewed session's token."""
    authenticator = authenticator_of(request)
    renewed = await call(
        request,
        services(request).identity.ReauthenticateSession,
        identity_pb.ReauthenticateSessionRequest(password=password, totp_code=totp_code),
        person.caller,
    )
    authenticator.forget(request)
    caller = await authenticator.resolve(request, "session_token", renewed.session_token)
    person.switch_session(renewed.session_token, renewed.session.expire_time, caller)


async def signed_in(request: Request) -> SignedIn | None:
    caller = await caller_of(request)
    if caller is None:
        return None
    return SignedIn(caller, new_session_token=caller.rotated_session_token)


# How a refused call reads on a page.


@dataclass(frozen=True)
class Refusal:
    """A refused identity call as a page shows it. Built from the gateway's problem document, so the portal
    and the REST API word a failure alike (and hide an internal error alike)."""

    status: int
    reason: str
    message: str
    field_errors: dict[str, list[str]] = field(default_factory=dict)


def refusal_of(error: grpc.aio.AioRpcError, form_fields: Mapping[str, str] | None = None) -> Refusal:
    """`form_fields` maps identity's field names to the form's (see NEW_PASSWORD_FIELD)."""
    problem: dict[str, Any] = json.loads(bytes(from_grpc_error(error).body))
    renamed = form_fields or {}
    by_field: dict[str, list[str]] = {}
    for violation in problem.get("errors", []):
        name = str(violation.get("field", ""))
        by_field.setdefault(renamed.get(name, name), []).append(str(violation.get("description", "")))
    return Refusal(int(problem["status"]), str(problem.get("reason", "")), str(problem["detail"]), by_field)


def page_refusal(error: grpc.aio.AioRpcError) -> Refusal:
    """How a refused call reads on the page that made it. An ended session is no refusal: it goes on up, and
    `signed_out_to_sign_in` sends the browser to sign in."""
    if error.code() == grpc.StatusCode.UNAUTHENTICATED:
        raise error
    return refusal_of(error)


# Where a page sends the browser next.


def see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)


def to_sign_in() -> RedirectResponse:
    return see_other(SIGN_IN_PAGE)


def session_started(request: Request, response: Response, reply: Any) -> Response:
    """`response` with the cookie of the session identity just created (`reply`: its session_token and
    session)."""
    set_session_cookie(response, settings_of(request), reply.session_token, reply.session.expire_time)
    return response


def signed_out(request: Request) -> Response:
    """Back to the sign-in page, with the session cookie gone."""
    response = to_sign_in()
    clear_session_cookie(response, settings_of(request))
    return response


def with_notice(location: str, notice: str, section: str) -> RedirectResponse:
    """A redirect after a change, naming its outcome (?notice=...), so a reload repeats nothing."""
    return see_other(f"{location}?notice={notice}#{section}")


def notice_of(request: Request, notices: Mapping[str, str]) -> str:
    """The text of the outcome the page was redirected with; nothing for an unknown one."""
    return notices.get(request.query_params.get("notice", ""), "")
