"""The organization's charter colours applied to its portal (Talkspirit: the platform takes the charter's colours):
a small stylesheet of CSS variables per organization, linked from every signed-in page (the Content Security
Policy allows no inline style). Each colour comes with the text colour that stays readable on it, so an
organization's choice never makes the portal fail its contrast."""

from __future__ import annotations

import re

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway.portal.shared import call, services, signed_in
from services.common.organization_logo import UPLOADED_LOGO

BRAND_CSS = "/portal/brand.css"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# The variables portal.css reads (each with its default there): the header, secondary buttons, buttons and links.
VARIABLES = (("brand_color", "brand"), ("secondary_color", "secondary"), ("accent_color", "accent"))


def _luminance(colour: str) -> float:
    """WCAG relative luminance of #RRGGBB."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


WHITE, NEAR_BLACK = "#ffffff", "#111111"


def readable_on(colour: str) -> str:
    """White or near-black text, whichever contrasts more with `colour` (WCAG contrast ratio)."""
    light = _luminance(colour)
    against_white = (_luminance(WHITE) + 0.05) / (light + 0.05)
    against_black = (light + 0.05) / (_luminance(NEAR_BLACK) + 0.05)
    return WHITE if against_white >= against_black else NEAR_BLACK


def brand_stylesheet(colours: dict[str, str], logo_url: str = "") -> str:
    """The colours as variables portal.css reads, and the uploaded logo in the header; only well-formed values
    are written (a colour is #RRGGBB, the logo our own address), so nothing an admin types can reach the CSS."""
    lines = []
    for field, name in VARIABLES:
        colour = colours.get(field, "")
        if HEX_COLOUR.match(colour):
            lines.append(f"  --{name}: {colour.lower()};\n  --on-{name}: {readable_on(colour)};\n")
    css = ":root {\n" + "".join(lines) + "}\n" if lines else ""
    if UPLOADED_LOGO.match(logo_url):
        css += (
            'header .org::before { content: ""; display: inline-block; width: 2rem; height: 2rem; '
            "margin-right: .5rem; vertical-align: middle; "
            f'background: url("{logo_url}") center / contain no-repeat; }}\n'
        )
    return css


async def brand_css(request: Request) -> Response:
    """The signed-in person's organization's colours; empty (the defaults apply) for anyone else."""
    person = await signed_in(request)
    css = ""
    if person is not None:
        try:
            reply = await call(
                request,
                services(request).membership.GetOrganization,
                membership_pb.GetOrganizationRequest(organization_id=person.caller.organization_id),
                person.caller,
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() not in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND):
                raise
        else:
            organization = reply.organization
            colours = {field: getattr(organization, field) for field, _ in VARIABLES}
            css = brand_stylesheet(colours, organization.logo_url)
    return Response(css, media_type="text/css")
