"""Analytics: active users this week, adoption of the purchased seats, the trend of active members over 7, 30 or
90 days, activity per member and per group, with the CSV exports of each table."""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.audit.v1 import analytics_service_pb2 as pb

from gateway.portal.shared import call, portal_page, query_field, services, signed_in, to_sign_in

ANALYTICS_PAGE = "/portal/analytics"
WINDOWS = (7, 30, 90)
DEFAULT_WINDOW = 30
TABLE_ROWS = 50
# The trend chart's drawing area, in SVG units (it scales to the card's width).
CHART_WIDTH, CHART_HEIGHT = 600, 160


def trend_line(counts: list[int], peak: int) -> str:
    """The polyline of the trend chart: one point per day, left to right, 0 at the bottom and the peak at the top.
    Drawn on the server as an inline SVG (no script, no style: the Content Security Policy allows neither)."""
    if not counts:
        return ""
    step = CHART_WIDTH / max(len(counts) - 1, 1)
    top = max(peak, 1)
    return " ".join(
        f"{round(index * step, 1)},{round(CHART_HEIGHT - count * CHART_HEIGHT / top, 1)}"
        for index, count in enumerate(counts)
    )


async def analytics_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    caller, analytics = person.caller, services(request).analytics
    requested = query_field(request, "days", 2)
    days = int(requested) if requested.isdigit() and int(requested) in WINDOWS else DEFAULT_WINDOW
    try:
        adoption = await call(
            request,
            analytics.GetAdoption,
            pb.GetAdoptionRequest(organization_id=caller.organization_id, days=days),
            caller,
        )
        members = await call(
            request,
            analytics.ListMemberActivity,
            pb.ListMemberActivityRequest(organization_id=caller.organization_id, page_size=TABLE_ROWS),
            caller,
        )
        groups = await call(
            request,
            analytics.ListGroupActivity,
            pb.ListGroupActivityRequest(organization_id=caller.organization_id, page_size=TABLE_ROWS),
            caller,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
            return portal_page(request, person, "forbidden.html", "analytics", 403)
        if exc.code() != grpc.StatusCode.FAILED_PRECONDITION:
            raise
        # The plan has no analytics module: say so, with nothing else on the page.
        return portal_page(request, person, "analytics.html", "analytics", unavailable=True, days=days, windows=WINDOWS)
    peak = max((point.active_members for point in adoption.trend), default=0)
    return portal_page(
        request,
        person,
        "analytics.html",
        "analytics",
        unavailable=False,
        days=days,
        windows=WINDOWS,
        adoption=adoption,
        peak=peak,
        trend_line=trend_line([point.active_members for point in adoption.trend], peak),
        chart_size=(CHART_WIDTH, CHART_HEIGHT),
        members=members.members,
        groups=groups.groups,
    )
