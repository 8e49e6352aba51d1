"""The language menu: a person's choice, kept in a long-lived cookie, wins over the browser's Accept-Language."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from gateway.portal.i18n import LANGUAGE_COOKIE, LANGUAGES
from gateway.portal.shared import OVERVIEW_PAGE, checked_form, form_field, see_other, settings_of

ONE_YEAR = 365 * 24 * 3600


def same_site_path(referer: str) -> str:
    """The path of the page the menu was used on (never another site's address)."""
    parts = urlsplit(referer)
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else OVERVIEW_PAGE
    return f"{path}?{parts.query}" if parts.query else path


async def choose_language(request: Request) -> Response:
    form = await checked_form(request)
    response = see_other(same_site_path(request.headers.get("referer", "")))
    if form is not None and (language := form_field(form, "language", 8)) in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=ONE_YEAR,
            path="/",
            secure=settings_of(request).cookie_secure,
            httponly=True,
            samesite="lax",
        )
    return response
