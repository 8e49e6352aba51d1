"""The Security page's handlers, called in process over the four services, and its helpers."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.datastructures import FormData

from gateway.portal import signed_out_to_sign_in
from gateway.portal.overview import overview
from gateway.portal.security.page import device_of, security_page
from gateway.portal.security.sessions import revoke_other_sessions
from gateway.portal.shared import PASSWORDS_DIFFER, REFUSED, new_password_of
from gateway.tests.portal.conftest import form_token_on, signed_in_owner
from services.common.testing import eventually


async def test_signing_out_other_sessions_needs_the_pages_token(gateway_app: Starlette) -> None:
    laptop, phone = await signed_in_owner(gateway_app), await signed_in_owner(gateway_app)
    revoke_others = "/portal/security/sessions/revoke-others"

    refused = await revoke_other_sessions(laptop.request("POST", revoke_others, {}))
    assert refused.status_code == 403
    assert f'id="page-error">{REFUSED}' in bytes(refused.body).decode()
    assert (await overview(phone.request("GET", "/portal"))).status_code == 200, "the phone is still signed in"

    token = form_token_on(await security_page(laptop.request("GET", "/portal/security")))
    done = await revoke_other_sessions(laptop.request("POST", revoke_others, {"csrf_token": token}))
    assert (done.status_code, done.headers["location"]) == (
        303,
        "/portal/security?notice=other-sessions-revoked#sessions",
    )
    notice = await security_page(laptop.request("GET", "/portal/security?notice=other-sessions-revoked"))
    assert "Every other session of yours has been signed out." in bytes(notice.body).decode()

    overview_page = signed_out_to_sign_in(overview)

    async def phone_signed_out() -> bool:
        # The revocation reaches the gateway's cache and the services within seconds; meanwhile the page either
        # still shows (200) or, once a service refuses the session, sends the phone to sign in: never an error.
        status = (await overview_page(phone.request("GET", "/portal"))).status_code
        assert status in (200, 303)
        return status == 303

    assert await eventually(phone_signed_out, timeout=15)


def test_a_session_is_named_by_its_browser_and_system() -> None:
    firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:130.0) Gecko/20100101 Firefox/130.0"
    assert device_of(firefox) == "Firefox on Windows"
    assert device_of("python-httpx/0.28") == "python-httpx/0.28"
    assert device_of("") == "Unknown device"


def test_a_new_password_typed_differently_twice_is_refused_on_the_confirmation_field() -> None:
    assert new_password_of(FormData({"new_password": "one", "confirm_password": "one"})) == ("one", {})
    differ = new_password_of(FormData({"new_password": "one", "confirm_password": "two"}))
    assert differ == ("one", {"confirm_password": [PASSWORDS_DIFFER]})
