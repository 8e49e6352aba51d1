"""REST routes: Invitations: by email, from a CSV file, and resending one."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.convert import member_outcome
from gateway.routes.members import member_id_of
from gateway.routing import (
    ApiRoute,
    BadRequest,
    Context,
)


async def invite_members(context: Context) -> Response:
    invitees = context.body.get("invitees")
    if not isinstance(invitees, list) or not invitees or not all(isinstance(i, dict) for i in invitees):
        raise BadRequest(
            "invitees must be a non-empty list of objects.", [{"field": "invitees", "description": "list"}]
        )
    reply = await context.call(
        context.clients.membership.InviteMembers,
        membership_pb.InviteMembersRequest(
            organization_id=context.organization_id,
            invitees=[
                membership_pb.Invitee(
                    email=str(i.get("email", ""))[:320],
                    role=str(i.get("role", "") or ""),
                    display_name=str(i.get("display_name", "") or "")[:200],
                    group_ids=[str(g)[:64] for g in i.get("group_ids", [])[:101]]
                    if isinstance(i.get("group_ids", []), list)
                    else [],
                )
                for i in invitees[:101]
            ],
            request_id=context.idempotency_key(),
        ),
    )
    return JSONResponse({"results": [member_outcome(r, email=r.email) for r in reply.results]})


async def resend_invitation(context: Context) -> Response:
    reply = await context.call(
        context.clients.membership.ResendInvitation,
        membership_pb.ResendInvitationRequest(organization_id=context.organization_id, member_id=member_id_of(context)),
    )
    return JSONResponse({"member": convert.member(reply.member), "expire_time": convert.time_of(reply.expire_time)})


async def import_invitations(context: Context) -> Response:
    text, dry_run = context.body.get("csv"), context.body.get("dry_run", False)
    if not isinstance(text, str) or not isinstance(dry_run, bool) or set(context.body) - {"csv", "dry_run"}:
        raise BadRequest(
            "Send the file as `csv` (text) and `dry_run` (true to only check it).",
            [{"field": "csv", "description": "the CSV text"}, {"field": "dry_run", "description": "boolean"}],
        )
    reply = await context.call(
        context.clients.membership.ImportInvitations,
        membership_pb.ImportInvitationsRequest(
            organization_id=context.organization_id,
            csv=text.encode(),
            dry_run=dry_run,
            request_id=context.idempotency_key(),
        ),
        timeout_factor=6,
    )
    rows = [member_outcome(r, row=r.row, email=r.email) for r in reply.rows]
    return JSONResponse({"rows": rows, "valid_rows": reply.valid_rows, "invalid_rows": reply.invalid_rows})


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "POST",
        "/v1/invitations",
        invite_members,
        "Invite people by email; one result per invitee (members.invite). Send an Idempotency-Key.",
        request_schema={
            "type": "object",
            "required": ["invitees"],
            "properties": {
                "invitees": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 100,
                    "items": {
                        "type": "object",
                        "required": ["email"],
                        "properties": {
                            "email": {"type": "string"},
                            "role": {
                                "type": "string",
                                "description": "owner, billing_admin, user_admin, member or a custom role",
                            },
                            "display_name": {"type": "string"},
                            "group_ids": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                }
            },
        },
    ),
    ApiRoute(
        "POST",
        "/v1/members/{member_id}/invitation/resend",
        resend_invitation,
        "Send a pending invitation again with a new link and expiry; the old link stops working (members.invite).",
    ),
    ApiRoute(
        "POST",
        "/v1/invitations/import",
        import_invitations,
        "Invite from a CSV file (columns email, name, role, groups; at most 1000 rows): a dry run reports each "
        "row, a commit invites the valid rows (members.invite). Send an Idempotency-Key when committing.",
        request_schema={
            "type": "object",
            "required": ["csv"],
            "additionalProperties": False,
            "properties": {"csv": {"type": "string"}, "dry_run": {"type": "boolean"}},
        },
    ),
)
