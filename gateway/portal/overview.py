"""The overview: the organization's members, and its seats and recent activity for those allowed to see them."""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.portal.shared import TWO_FACTOR_SETUP, call, page, see_other, services, settings_of, signed_in, to_sign_in
from services.common import permissions as permissions_catalogue

RECENT_ACTIVITY = 10


async def overview(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    caller, settings, clients = person.caller, settings_of(request), services(request)
    if caller.mfa_enrollment_required:  # the session holds no permissions until a second factor is set up
        return person.with_cookie(see_other(TWO_FACTOR_SETUP), settings)
    organization_id = caller.organization_id
    try:
        organization = (
            await call(
                request,
                clients.membership.GetOrganization,
                membership_pb.GetOrganizationRequest(organization_id=organization_id),
                caller,
            )
        ).organization
    except grpc.aio.AioRpcError as exc:
        if exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND):
            return page(request, "forbidden.html", 403, email=caller.principal.actor.display)
        raise
    permissions = set(caller.principal.permissions)
    seats = entries = None
    if permissions_catalogue.BILLING_READ in permissions:
        usage = await call(
            request,
            clients.billing.GetSeatUsage,
            billing_pb.GetSeatUsageRequest(organization_id=organization_id),
            caller,
        )
        seats = convert.seat_usage(usage.seat_usage)
    if permissions_catalogue.AUDIT_READ in permissions:
        recent = await call(
            request,
            clients.audit.ListAuditEntries,
            audit_pb.ListAuditEntriesRequest(organization_id=organization_id, page_size=RECENT_ACTIVITY),
            caller,
        )
        entries = [convert.audit_entry(entry) for entry in recent.entries]
    response = page(
        request,
        "overview.html",
        session_token=caller.rotated_session_token,
        organization=convert.organization(organization),
        seats=seats,
        entries=entries,
        email=caller.principal.actor.display,
    )
    # The session got a new id after a privilege change: the browser switches to it.
    return person.with_cookie(response, settings)
