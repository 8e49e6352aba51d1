"""The overview: the organization's members, and its seats and recent activity for those allowed to see them."""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.portal.navigation import landing_path
from gateway.portal.shared import (
    SECURITY_PAGE,
    TWO_FACTOR_SETUP,
    call,
    portal_page,
    see_other,
    services,
    settings_of,
    signed_in,
    to_sign_in,
)
from gateway.routing import equality_filter
from services.common import permissions as permissions_catalogue

RECENT_ACTIVITY = 10
# The Owner role's id (membership's built-in roles).
OWNER_ROLE = "owner"


async def overview(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    caller, settings, clients = person.caller, settings_of(request), services(request)
    if caller.mfa_enrollment_required:  # the session holds no permissions until a second factor is set up
        return person.with_cookie(see_other(TWO_FACTOR_SETUP), settings)
    if caller.organization_ended:  # an Owner or Billing admin after the subscription's end: export or resubscribe
        return portal_page(request, person, "organization_ended.html", "overview")
    organization_id = caller.organization_id
    permissions = set(caller.principal.permissions)
    if permissions_catalogue.MEMBERS_READ not in permissions:
        # An accountant (billing rights only) lands on Billing; a plain member gets the "no access" page.
        landing = landing_path(permissions)
        if landing == SECURITY_PAGE:
            return portal_page(request, person, "forbidden.html", "overview", 403)
        return person.with_cookie(see_other(landing), settings)
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
            return portal_page(request, person, "forbidden.html", "overview", 403)
        raise
    seats = entries = plan = next_payment = None
    if permissions_catalogue.BILLING_READ in permissions:
        dashboard = await call(
            request,
            clients.billing.GetSubscription,
            billing_pb.GetSubscriptionRequest(organization_id=organization_id),
            caller,
        )
        seats, plan = convert.seat_usage(dashboard.seat_usage), convert.plan(dashboard.plan)
        if dashboard.HasField("upcoming_invoice"):
            next_payment = {
                "time": convert.time_of(dashboard.subscription.current_period_end),
                "amount": convert.money(dashboard.upcoming_invoice.total),
            }
    if permissions_catalogue.AUDIT_READ in permissions:
        recent = await call(
            request,
            clients.audit.ListAuditEntries,
            audit_pb.ListAuditEntriesRequest(organization_id=organization_id, page_size=RECENT_ACTIVITY),
            caller,
        )
        entries = [convert.audit_entry(entry) for entry in recent.entries]
    # respond.io recommends more than one Owner: with one, nobody can take over billing and security if that person
    # leaves. Those who can make another member Owner are told so.
    single_owner = None
    if permissions_catalogue.MEMBERS_MANAGE_ROLES in permissions:
        owners = await call(
            request,
            clients.membership.ListMembers,
            membership_pb.ListMembersRequest(
                organization_id=organization_id,
                page_size=2,
                filter=equality_filter({"role": OWNER_ROLE, "status": "active"}),
            ),
            caller,
        )
        if len(owners.members) == 1:
            single_owner = owners.members[0].display_name or owners.members[0].email
    # portal_page also hands the browser the new session id after a privilege change.
    return portal_page(
        request,
        person,
        "overview.html",
        "overview",
        organization=convert.organization(organization),
        organization_name=organization.display_name,
        seats=seats,
        plan=plan,
        next_payment=next_payment,
        entries=entries,
        single_owner=single_owner,
        can_invite=permissions_catalogue.MEMBERS_INVITE in permissions,
        can_see_billing=permissions_catalogue.BILLING_READ in permissions,
        can_see_audit=permissions_catalogue.AUDIT_READ in permissions,
    )
