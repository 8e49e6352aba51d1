"""The sign-in page's handlers, called in process: the page, and forms that did not come from it."""

from __future__ import annotations

from starlette.applications import Starlette

from gateway.portal.shared import LOGIN_CSRF_COOKIE, REFUSED
from gateway.portal.sign_in import home, sign_in, sign_out
from gateway.tests.portal.conftest import OWNER_EMAIL, OWNER_PASSWORD, PUBLIC_URL, Browser, form_token_on


async def test_the_sign_in_page_shows_the_form_with_a_token_bound_to_a_new_login_cookie(idle_app: Starlette) -> None:
    browser = Browser(idle_app)
    response = browser.keep_cookies(await home(browser.request("GET", "/")))

    assert response.status_code == 200
    html = bytes(response.body).decode()
    assert 'form method="post" action="/portal/sign-in"' in html and 'id="forgot-password"' in html
    token = browser.cookies[LOGIN_CSRF_COOKIE]
    assert len(token) >= 32 and form_token_on(response) == token
    again = await home(browser.request("GET", "/"))
    assert form_token_on(again) == token and not again.headers.getlist("set-cookie"), "the cookie is kept"


async def test_a_sign_in_form_without_its_csrf_token_is_refused_before_identity_is_asked(
    idle_app: Starlette,
) -> None:
    browser = Browser(idle_app)
    browser.keep_cookies(await home(browser.request("GET", "/")))
    credentials = {"email": OWNER_EMAIL, "password": OWNER_PASSWORD}

    response = await sign_in(browser.request("POST", "/portal/sign-in", credentials))

    # Asking identity (unreachable here) would have answered 401 "Sign-in is unavailable."
    assert response.status_code == 403
    assert REFUSED in bytes(response.body).decode()
    assert not any("tenantry_session" in cookie for cookie in response.headers.getlist("set-cookie"))


async def test_a_sign_in_form_with_the_token_but_posted_from_another_site_is_refused(idle_app: Starlette) -> None:
    browser = Browser(idle_app)
    browser.keep_cookies(await home(browser.request("GET", "/")))
    form = {"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": browser.cookies[LOGIN_CSRF_COOKIE]}

    response = await sign_in(browser.request("POST", "/portal/sign-in", form, origin="https://evil.test"))

    assert response.status_code == 403 and REFUSED in bytes(response.body).decode()
    same_site = await sign_in(browser.request("POST", "/portal/sign-in", form, origin=PUBLIC_URL))
    assert same_site.status_code == 401, "from this site the form reaches identity (unreachable here)"


async def test_signing_out_without_the_token_keeps_the_session_cookie(idle_app: Starlette) -> None:
    browser = Browser(idle_app, cookies={"tenantry_session": "a-session-token"})

    response = await sign_out(browser.request("POST", "/portal/sign-out", {}))

    assert response.status_code == 403
    assert not response.headers.getlist("set-cookie")
