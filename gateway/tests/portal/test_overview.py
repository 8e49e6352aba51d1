"""The overview handler, called in process over the four services."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import Response

from gateway.portal.overview import overview
from gateway.tests.portal.conftest import OWNER_EMAIL, Browser, signed_in_owner
from services.common.testing import eventually


async def test_the_signed_in_owner_sees_members_seats_and_recent_activity(gateway_app: Starlette) -> None:
    browser = await signed_in_owner(gateway_app)

    async def with_seats() -> Response | None:
        # Billing opens the subscription (and its seats) from membership's event, a moment after sign-up.
        response = await overview(browser.request("GET", "/portal"))
        return response if response.status_code == 200 and b'id="seats-in-use"' in response.body else None

    response = await eventually(with_seats, timeout=15)
    assert isinstance(response, Response)
    html = bytes(response.body).decode()
    assert '<span class="org">Acme</span>' in html and OWNER_EMAIL in html
    assert '<span class="figure" id="active-members">1</span>' in html
    assert '<span class="figure" id="seats-in-use">1</span>' in html
    assert '<table id="audit">' in html, "the Owner may read the audit log"
    assert 'action="/portal/sign-out"' in html


async def test_the_overview_sends_a_stranger_to_sign_in(idle_app: Starlette) -> None:
    response = await overview(Browser(idle_app).request("GET", "/portal"))

    assert (response.status_code, response.headers["location"]) == (303, "/")
