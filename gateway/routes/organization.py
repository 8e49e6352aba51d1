"""REST routes of the caller's organization."""

from __future__ import annotations

from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.etags import http_etag
from gateway.models.members import OrganizationChanges, OrganizationReply
from gateway.routing import ApiRoute, BadRequest, Context, IfMatch


async def get_organization(context: Context) -> OrganizationReply:
    reply = await context.call(
        context.clients.membership.GetOrganization,
        membership_pb.GetOrganizationRequest(organization_id=context.organization_id),
    )
    context.response_headers["ETag"] = http_etag(reply.organization.etag)
    return OrganizationReply.model_validate({"organization": convert.organization(reply.organization)})


async def update_organization(context: Context) -> OrganizationReply:
    changes = context.body_as(OrganizationChanges)
    sent = changes.model_dump(exclude_none=True)
    if not sent:
        raise BadRequest(
            "Send one or more fields to change.", [{"field": "body", "description": "no change"}], status=422
        )
    request = membership_pb.UpdateOrganizationRequest(
        organization=membership_pb.Organization(id=context.organization_id, etag=context.if_match, **sent),
        idempotency_key=context.idempotency_key,
    )
    request.update_mask.paths.extend(sorted(sent))
    reply = await context.call(context.clients.membership.UpdateOrganization, request)
    context.response_headers["ETag"] = http_etag(reply.organization.etag)
    return OrganizationReply.model_validate({"organization": convert.organization(reply.organization)})


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/organization",
        get_organization,
        "The caller's organization with member counts (members.read).",
        response=OrganizationReply,
        returns_etag=True,
    ),
    ApiRoute(
        "PATCH",
        "/v1/organization",
        update_organization,
        "Change the organization's profile (org.manage); If-Match with its etag is honoured.",
        body=OrganizationChanges,
        response=OrganizationReply,
        if_match=IfMatch.HONOURED,
        returns_etag=True,
    ),
)
