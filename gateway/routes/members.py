"""REST routes of members: listing and searching, role changes, deactivation, removal, bulk actions, export
and profile values."""

from __future__ import annotations

from starlette.responses import Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.etags import http_etag
from gateway.models.members import (
    BulkChange,
    BulkResults,
    ExportQuery,
    MemberList,
    MemberListQuery,
    MemberRename,
    MemberReply,
    OrganizationExport,
    ProfileValues,
    RoleChange,
    SeatChange,
)
from gateway.routing import ApiRoute, Context, IfMatch, equality_filter


def member_reply(member: membership_pb.Member) -> MemberReply:
    return MemberReply.model_validate({"member": convert.member(member)})


async def list_members(context: Context) -> MemberList:
    query = context.params_as(MemberListQuery)
    reply = await context.call(
        context.clients.membership.ListMembers,
        membership_pb.ListMembersRequest(
            organization_id=context.organization_id,
            page_size=query.page_size or 0,
            page_token=query.page_token or "",
            filter=equality_filter(
                {"status": query.status, "email": query.email, "role": query.role, "group_id": query.group_id}
            ),
            search=query.search or "",
            order_by=query.order_by or "",
        ),
    )
    return MemberList.model_validate(
        {"members": [convert.member(m) for m in reply.members], "next_page_token": reply.next_page_token}
    )


async def change_member_role(context: Context) -> MemberReply:
    reply = await context.call(
        context.clients.membership.ChangeMemberRole,
        membership_pb.ChangeMemberRoleRequest(
            organization_id=context.organization_id,
            member_id=context.path("member_id"),
            role=context.body_as(RoleChange).role,
            etag=context.if_match,
            idempotency_key=context.idempotency_key,
        ),
    )
    context.response_headers["ETag"] = http_etag(reply.member.etag)
    return member_reply(reply.member)


async def set_member_seat(context: Context) -> MemberReply:
    reply = await context.call(
        context.clients.membership.SetMemberSeat,
        membership_pb.SetMemberSeatRequest(
            organization_id=context.organization_id,
            member_id=context.path("member_id"),
            uses_seat=context.body_as(SeatChange).uses_seat,
            etag=context.if_match,
            idempotency_key=context.idempotency_key,
        ),
    )
    context.response_headers["ETag"] = http_etag(reply.member.etag)
    return member_reply(reply.member)


async def deactivate_member(context: Context) -> MemberReply:
    reply = await context.call(
        context.clients.membership.DeactivateMember,
        membership_pb.DeactivateMemberRequest(
            organization_id=context.organization_id,
            member_id=context.path("member_id"),
            idempotency_key=context.idempotency_key,
        ),
    )
    return member_reply(reply.member)


async def reactivate_member(context: Context) -> MemberReply:
    reply = await context.call(
        context.clients.membership.ReactivateMember,
        membership_pb.ReactivateMemberRequest(
            organization_id=context.organization_id,
            member_id=context.path("member_id"),
            idempotency_key=context.idempotency_key,
        ),
    )
    return member_reply(reply.member)


async def remove_member(context: Context) -> None:
    await context.call(
        context.clients.membership.RemoveMember,
        membership_pb.RemoveMemberRequest(
            organization_id=context.organization_id,
            member_id=context.path("member_id"),
            idempotency_key=context.idempotency_key,
        ),
    )


async def export_members(context: Context) -> Response:
    reply = await context.call(
        context.clients.membership.ExportMembers,
        membership_pb.ExportMembersRequest(
            organization_id=context.organization_id, format=context.params_as(ExportQuery).format
        ),
        timeout_factor=3,
    )
    return Response(
        reply.content,
        media_type=reply.content_type,
        headers={"Content-Disposition": f'attachment; filename="{reply.file_name}"'},
    )


async def bulk_update_members(context: Context) -> BulkResults:
    change = context.body_as(BulkChange)
    reply = await context.call(
        context.clients.membership.BulkUpdateMembers,
        membership_pb.BulkUpdateMembersRequest(
            organization_id=context.organization_id,
            member_ids=change.member_ids,
            action=convert.BULK_ACTIONS[change.action],
            role=change.role,
            group_ids=change.group_ids,
        ),
        timeout_factor=6,
    )
    return BulkResults.model_validate(
        {"results": [convert.member_outcome(r, member_id=r.member_id) for r in reply.results]}
    )


async def set_member_profile(context: Context) -> MemberReply:
    reply = await context.call(
        context.clients.membership.SetMemberProfile,
        membership_pb.SetMemberProfileRequest(
            organization_id=context.organization_id,
            member_id=context.path("member_id"),
            values=context.body_as(ProfileValues).values,
        ),
    )
    return member_reply(reply.member)


async def rename_member(context: Context) -> MemberReply:
    reply = await context.call(
        context.clients.membership.RenameMember,
        membership_pb.RenameMemberRequest(
            organization_id=context.organization_id,
            member_id=context.path("member_id"),
            display_name=context.body_as(MemberRename).display_name,
        ),
    )
    return member_reply(reply.member)


async def rename_myself(context: Context) -> MemberReply:
    reply = await context.call(
        context.clients.membership.RenameMember,
        membership_pb.RenameMemberRequest(
            organization_id=context.organization_id, display_name=context.body_as(MemberRename).display_name
        ),
    )
    return member_reply(reply.member)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/members",
        list_members,
        "List, search and sort members (members.read): search is a prefix of the email or name; order_by is "
        "`create_time desc` (default), `name` or `email`.",
        query=MemberListQuery,
        response=MemberList,
    ),
    ApiRoute(
        "PATCH",
        "/v1/members/{member_id}",
        change_member_role,
        "Change a member's role (members.manage_roles). If-Match is required: the member's etag as read, or * to "
        "change whatever is current.",
        body=RoleChange,
        response=MemberReply,
        if_match=IfMatch.REQUIRED,
        returns_etag=True,
    ),
    ApiRoute(
        "PUT",
        "/v1/members/{member_id}/seat",
        set_member_seat,
        "Turn a member's seat (seat.use, a product licence) on or off apart from their role (members.manage_roles): "
        "an Owner may give up their own seat and stays Owner; turning it on holds a free seat first "
        "(409 NO_SEATS_AVAILABLE). If-Match is optional.",
        body=SeatChange,
        response=MemberReply,
        if_match=IfMatch.HONOURED,
        returns_etag=True,
    ),
    ApiRoute(
        "POST",
        "/v1/members/{member_id}/deactivate",
        deactivate_member,
        "Deactivate a member: no access, data kept (members.remove).",
        response=MemberReply,
    ),
    ApiRoute(
        "POST",
        "/v1/members/{member_id}/reactivate",
        reactivate_member,
        "Give a deactivated member access again (members.remove).",
        response=MemberReply,
    ),
    ApiRoute(
        "GET",
        "/v1/members/export",
        export_members,
        "Export members (format=csv), groups (format=groups_csv) or both (format=json); CSV formulas are "
        "neutralised (members.read).",
        query=ExportQuery,
        response=OrganizationExport,
        response_media=("text/csv",),
    ),
    ApiRoute(
        "POST",
        "/v1/members/bulk",
        bulk_update_members,
        "Apply one action to up to 1000 members; one result per member, each change atomic (the permission of "
        "the single action, per member).",
        body=BulkChange,
        response=BulkResults,
    ),
    ApiRoute(
        "DELETE",
        "/v1/members/{member_id}",
        remove_member,
        "Remove a member or revoke a pending invitation (members.remove).",
        success_status=204,
    ),
    ApiRoute(
        "PATCH",
        "/v1/members/{member_id}/profile",
        set_member_profile,
        "Set or clear (empty string) profile values of a member (members.invite, or the member themselves).",
        body=ProfileValues,
        response=MemberReply,
    ),
    ApiRoute(
        "PUT",
        "/v1/members/{member_id}/display-name",
        rename_member,
        "Change the name a member goes by in the organization (the member themselves, or members.invite).",
        body=MemberRename,
        response=MemberReply,
    ),
    ApiRoute(
        "PUT",
        "/v1/me/display-name",
        rename_myself,
        "Change the name you go by in this organization (any member).",
        body=MemberRename,
        response=MemberReply,
    ),
)
