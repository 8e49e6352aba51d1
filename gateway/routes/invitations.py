"""REST routes of invitations: by email, from a CSV file, and sending one again."""

from __future__ import annotations

from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.models.members import (
    ImportReport,
    Invitation,
    InvitationImport,
    InvitationResults,
    ResentInvitation,
)
from gateway.routing import ApiRoute, Context


async def invite_members(context: Context) -> InvitationResults:
    invitation = context.body_as(Invitation)
    reply = await context.call(
        context.clients.membership.InviteMembers,
        membership_pb.InviteMembersRequest(
            organization_id=context.organization_id,
            invitees=[membership_pb.Invitee(**invitee.model_dump()) for invitee in invitation.invitees],
            idempotency_key=context.idempotency_key,
        ),
    )
    return InvitationResults.model_validate(
        {"results": [convert.member_outcome(r, email=r.email) for r in reply.results]}
    )


async def resend_invitation(context: Context) -> ResentInvitation:
    reply = await context.call(
        context.clients.membership.ResendInvitation,
        membership_pb.ResendInvitationRequest(
            organization_id=context.organization_id, member_id=context.path("member_id")
        ),
    )
    return ResentInvitation.model_validate(
        {"member": convert.member(reply.member), "expire_time": convert.time_of(reply.expire_time)}
    )


async def import_invitations(context: Context) -> ImportReport:
    upload = context.body_as(InvitationImport)
    reply = await context.call(
        context.clients.membership.ImportInvitations,
        membership_pb.ImportInvitationsRequest(
            organization_id=context.organization_id,
            csv=upload.csv.encode(),
            dry_run=upload.dry_run,
            idempotency_key=context.idempotency_key,
        ),
        timeout_factor=6,
    )
    return ImportReport.model_validate(
        {
            "rows": [convert.member_outcome(r, row=r.row, email=r.email) for r in reply.rows],
            "valid_rows": reply.valid_rows,
            "invalid_rows": reply.invalid_rows,
        }
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "POST",
        "/v1/invitations",
        invite_members,
        "Invite people by email; one result per invitee (members.invite). Send an Idempotency-Key.",
        body=Invitation,
        response=InvitationResults,
    ),
    ApiRoute(
        "POST",
        "/v1/members/{member_id}/invitation/resend",
        resend_invitation,
        "Send a pending invitation again with a new link and expiry; the old link stops working (members.invite).",
        response=ResentInvitation,
    ),
    ApiRoute(
        "POST",
        "/v1/invitations/import",
        import_invitations,
        "Invite from a CSV file (columns email, name, role, groups; at most 1000 rows): a dry run reports each "
        "row, a commit invites the valid rows (members.invite). Send an Idempotency-Key when committing.",
        body=InvitationImport,
        response=ImportReport,
    ),
)
