"""REST routes of groups (membership's GroupService): `/v1/groups` and a member's groups."""

from __future__ import annotations

from typing import Any

from tenantry.membership.v1 import group_service_pb2 as group_pb

from gateway import convert
from gateway.etags import http_etag
from gateway.models.groups import (
    GroupChanges,
    GroupList,
    GroupListQuery,
    GroupMemberList,
    GroupMembersAddition,
    GroupMembersQuery,
    GroupMembersRemoval,
    GroupReply,
    MemberGroupsAddition,
    MembershipResults,
    NewGroup,
)
from gateway.routing import ApiRoute, BadRequest, Context, IfMatch, equality_filter


def group_reply(context: Context, group: group_pb.Group) -> GroupReply:
    context.response_headers["ETag"] = http_etag(group.etag)
    return GroupReply.model_validate({"group": convert.group(group)})


def membership_results(results: Any) -> MembershipResults:
    return MembershipResults.model_validate({"results": [convert.membership_outcome(r) for r in results]})


async def list_groups(context: Context) -> GroupList:
    query = context.params_as(GroupListQuery)
    reply = await context.call(
        context.clients.groups.ListGroups,
        group_pb.ListGroupsRequest(
            organization_id=context.organization_id,
            page_size=query.page_size or 0,
            page_token=query.page_token or "",
            filter=equality_filter({"kind": query.kind, "category": query.category}),
        ),
    )
    return GroupList.model_validate(
        {"groups": [convert.group(g) for g in reply.groups], "next_page_token": reply.next_page_token}
    )


async def create_group(context: Context) -> GroupReply:
    new = context.body_as(NewGroup)
    group = group_pb.Group(**new.model_dump(exclude={"kind"}), kind=convert.KINDS[new.kind])
    reply = await context.call(
        context.clients.groups.CreateGroup,
        group_pb.CreateGroupRequest(
            organization_id=context.organization_id, group=group, idempotency_key=context.idempotency_key
        ),
    )
    return group_reply(context, reply.group)


async def get_group(context: Context) -> GroupReply:
    reply = await context.call(
        context.clients.groups.GetGroup,
        group_pb.GetGroupRequest(organization_id=context.organization_id, group_id=context.path("group_id")),
    )
    return group_reply(context, reply.group)


async def update_group(context: Context) -> GroupReply:
    changes = context.body_as(GroupChanges).model_dump(exclude_none=True)
    if not changes:
        raise BadRequest(
            "Send one or more fields to change.", [{"field": "body", "description": "no change"}], status=422
        )
    request = group_pb.UpdateGroupRequest(
        organization_id=context.organization_id,
        group=group_pb.Group(id=context.path("group_id"), **changes),
        etag=context.if_match,
    )
    request.update_mask.paths.extend(sorted(changes))
    reply = await context.call(context.clients.groups.UpdateGroup, request)
    return group_reply(context, reply.group)


async def delete_group(context: Context) -> None:
    await context.call(
        context.clients.groups.DeleteGroup,
        group_pb.DeleteGroupRequest(organization_id=context.organization_id, group_id=context.path("group_id")),
    )


async def list_group_members(context: Context) -> GroupMemberList:
    query = context.params_as(GroupMembersQuery)
    reply = await context.call(
        context.clients.groups.ListGroupMembers,
        group_pb.ListGroupMembersRequest(
            organization_id=context.organization_id,
            group_id=context.path("group_id"),
            page_size=query.page_size or 0,
            page_token=query.page_token or "",
        ),
    )
    return GroupMemberList.model_validate(
        {"members": [convert.group_member(m) for m in reply.members], "next_page_token": reply.next_page_token}
    )


async def add_group_members(context: Context) -> MembershipResults:
    addition = context.body_as(GroupMembersAddition)
    reply = await context.call(
        context.clients.groups.AddGroupMembers,
        group_pb.AddGroupMembersRequest(
            organization_id=context.organization_id,
            group_id=context.path("group_id"),
            member_ids=addition.member_ids,
            as_admins=addition.as_admins,
        ),
    )
    return membership_results(reply.results)


async def remove_group_members(context: Context) -> MembershipResults:
    reply = await context.call(
        context.clients.groups.RemoveGroupMembers,
        group_pb.RemoveGroupMembersRequest(
            organization_id=context.organization_id,
            group_id=context.path("group_id"),
            member_ids=context.body_as(GroupMembersRemoval).member_ids,
        ),
    )
    return membership_results(reply.results)


async def add_member_to_groups(context: Context) -> MembershipResults:
    reply = await context.call(
        context.clients.groups.AddMemberToGroups,
        group_pb.AddMemberToGroupsRequest(
            organization_id=context.organization_id,
            member_id=context.path("member_id"),
            group_ids=context.body_as(MemberGroupsAddition).group_ids,
        ),
    )
    return membership_results(reply.results)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/groups",
        list_groups,
        "List groups by name (members.read).",
        query=GroupListQuery,
        response=GroupList,
    ),
    ApiRoute(
        "POST",
        "/v1/groups",
        create_group,
        "Create a group, as the organization's group creation policy allows; its creator administers it.",
        body=NewGroup,
        response=GroupReply,
        success_status=201,
        returns_etag=True,
    ),
    ApiRoute(
        "GET",
        "/v1/groups/{group_id}",
        get_group,
        "One group with its member count (members.read).",
        response=GroupReply,
        returns_etag=True,
    ),
    ApiRoute(
        "PATCH",
        "/v1/groups/{group_id}",
        update_group,
        "Change a group (groups.manage or group admin). If-Match is required: the group's etag as read, or * to "
        "change whatever is current.",
        body=GroupChanges,
        response=GroupReply,
        if_match=IfMatch.REQUIRED,
        returns_etag=True,
    ),
    ApiRoute(
        "DELETE",
        "/v1/groups/{group_id}",
        delete_group,
        "Delete a group; its members stay in the organization (groups.manage).",
        success_status=204,
    ),
    ApiRoute(
        "GET",
        "/v1/groups/{group_id}/members",
        list_group_members,
        "A group's members, one page at a time (members.read).",
        query=GroupMembersQuery,
        response=GroupMemberList,
    ),
    ApiRoute(
        "POST",
        "/v1/groups/{group_id}/members",
        add_group_members,
        "Add members; one result per member (groups.manage, group admin, or yourself in an unlocked group).",
        body=GroupMembersAddition,
        response=MembershipResults,
    ),
    ApiRoute(
        "POST",
        "/v1/groups/{group_id}/members/remove",
        remove_group_members,
        "Remove members; one result per member (groups.manage, group admin, or yourself in an unlocked group).",
        body=GroupMembersRemoval,
        response=MembershipResults,
    ),
    ApiRoute(
        "POST",
        "/v1/members/{member_id}/groups",
        add_member_to_groups,
        "Add one member to several groups (at most 10 workspaces); one result per group.",
        body=MemberGroupsAddition,
        response=MembershipResults,
    ),
)
