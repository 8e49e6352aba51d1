"""REST routes of the caller's organization."""

from __future__ import annotations

from typing import Any

from tenantry.membership.v1 import deletion_service_pb2 as deletion_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.etags import http_etag
from gateway.models.deletion import DeletionReply, DeletionRequest
from gateway.models.members import OrganizationChanges, OrganizationReply
from gateway.routing import ApiRoute, BadRequest, Context, IfMatch


def organization_reply(context: Context, organization: membership_pb.Organization) -> OrganizationReply:
    """The organization as REST shows it, its version as the ETag."""
    context.response_headers["ETag"] = http_etag(organization.etag)
    return OrganizationReply.model_validate({"organization": convert.organization(organization)})


async def get_organization(context: Context) -> OrganizationReply:
    reply = await context.call(
        context.clients.membership.GetOrganization,
        membership_pb.GetOrganizationRequest(organization_id=context.organization_id),
    )
    return organization_reply(context, reply.organization)


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
    return organization_reply(context, reply.organization)


def deletion_state(status: deletion_pb.DeletionStatus) -> dict[str, Any]:
    return {
        "organization_id": status.organization_id,
        "deletion_time": convert.time_of(status.scheduled_time),
        "requested_deletion_time": convert.time_of(status.requested_deletion_time),
        "request_time": convert.time_of(status.request_time),
        "requested_by_account_id": status.requested_by_account_id,
        "legal_hold": status.hold,
    }


async def request_deletion(context: Context) -> DeletionReply:
    body = context.body_as(DeletionRequest)
    reply = await context.call(
        context.clients.deletion.RequestOrganizationDeletion,
        deletion_pb.RequestOrganizationDeletionRequest(
            organization_id=context.organization_id, confirm_name=body.confirm_name
        ),
    )
    return DeletionReply.model_validate({"deletion": deletion_state(reply.status)})


async def cancel_deletion(context: Context) -> DeletionReply:
    reply = await context.call(
        context.clients.deletion.CancelOrganizationDeletion,
        deletion_pb.CancelOrganizationDeletionRequest(organization_id=context.organization_id),
    )
    return DeletionReply.model_validate({"deletion": deletion_state(reply.status)})


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
    ApiRoute(
        "POST",
        "/v1/organization/deletion",
        request_deletion,
        "Delete the organization early (org.delete: Owners; a person with a recent sign-in, typing its exact name): "
        "it is deleted when the grace period ends unless an Owner cancels; every Owner is emailed.",
        body=DeletionRequest,
        response=DeletionReply,
    ),
    ApiRoute(
        "DELETE",
        "/v1/organization/deletion",
        cancel_deletion,
        "Cancel the pending early deletion during its grace period (org.delete: Owners); every Owner is emailed.",
        response=DeletionReply,
    ),
)
