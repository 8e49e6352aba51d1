"""GroupService over gRPC: parse, call one use case, convert. No rules here."""

from __future__ import annotations

import grpc
from tenantry.membership.v1 import group_service_pb2 as pb
from tenantry.membership.v1 import group_service_pb2_grpc as pb_grpc

from services.common.filters import parse_equality_filter
from services.common.messaging import timestamp
from services.common.pagination import PageTokens, page_size, split_page
from services.common.principal import current_call
from services.membership.domain.groups import GroupFields, GroupUseCases, group_etag
from services.membership.domain.model import Group, GroupKind, GroupMember, GroupMemberOutcome, GroupQuery

_KIND = {GroupKind.TEAM: pb.GROUP_KIND_TEAM, GroupKind.WORKSPACE: pb.GROUP_KIND_WORKSPACE}
_KIND_NAMES = {pb.GROUP_KIND_TEAM: "team", pb.GROUP_KIND_WORKSPACE: "workspace", pb.GROUP_KIND_UNSPECIFIED: ""}


def group_to_proto(group: Group) -> pb.Group:
    return pb.Group(
        id=group.id,
        organization_id=group.organization_id,
        name=group.name,
        description=group.description,
        kind=_KIND[group.kind],
        category=group.category,
        is_default=group.is_default,
        locked=group.locked,
        member_count=group.member_count,
        create_time=timestamp(group.created_at),
        etag=group_etag(group),
        scim_managed=group.scim_managed,
    )


def _member_to_proto(member: GroupMember) -> pb.GroupMember:
    return pb.GroupMember(
        member_id=member.member_id,
        email=member.email,
        display_name=member.display_name,
        is_admin=member.is_admin,
        add_time=timestamp(member.added_at),
    )


def _results(outcomes: list[GroupMemberOutcome]) -> list[pb.GroupMemberResult]:
    return [
        pb.GroupMemberResult(
            member_id=o.member_id, group_id=o.group_id, error_reason=o.error_reason, error_message=o.error_message
        )
        for o in outcomes
    ]


class GroupServicer(pb_grpc.GroupServiceServicer):
    def __init__(self, use_cases: GroupUseCases, page_tokens: PageTokens):
        self._use_cases = use_cases
        self._page_tokens = page_tokens

    async def CreateGroup(
        self, request: pb.CreateGroupRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateGroupResponse:
        call = current_call()
        sent = request.group
        group = await self._use_cases.create_group(
            call.require_principal(),
            request.organization_id,
            GroupFields(
                name=sent.name,
                description=sent.description,
                kind=_KIND_NAMES.get(sent.kind, "unknown"),
                category=sent.category,
                is_default=sent.is_default,
                locked=sent.locked,
            ),
            idempotency_key=request.idempotency_key or call.idempotency_key,
        )
        return pb.CreateGroupResponse(group=group_to_proto(group))

    async def GetGroup(self, request: pb.GetGroupRequest, context: grpc.aio.ServicerContext) -> pb.GetGroupResponse:
        group = await self._use_cases.get_group(
            current_call().require_principal(), request.organization_id, request.group_id
        )
        return pb.GetGroupResponse(group=group_to_proto(group))

    async def ListGroups(
        self, request: pb.ListGroupsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListGroupsResponse:
        principal = current_call().require_principal()
        filters = parse_equality_filter(request.filter, {"kind", "category"})
        scope = f"groups:{request.organization_id}:{request.filter}"
        position = self._page_tokens.decode(scope, request.page_token)
        limit = page_size(request.page_size)
        groups = await self._use_cases.list_groups(
            principal,
            GroupQuery(
                organization_id=request.organization_id,
                limit=limit + 1,
                after=(position["name"], position["id"]) if position else None,
                kind=filters.get("kind"),
                category=filters.get("category"),
            ),
        )
        page, next_token = split_page(
            groups, limit, self._page_tokens, scope, lambda g: {"name": g.name.lower(), "id": g.id}
        )
        return pb.ListGroupsResponse(groups=[group_to_proto(g) for g in page], next_page_token=next_token)

    async def UpdateGroup(
        self, request: pb.UpdateGroupRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateGroupResponse:
        sent = request.group
        values: dict[str, object] = {
            "name": sent.name,
            "description": sent.description,
            "category": sent.category,
            "is_default": sent.is_default,
            "locked": sent.locked,
        }
        group = await self._use_cases.update_group(
            current_call().require_principal(),
            request.organization_id,
            sent.id,
            {path: values.get(path) for path in request.update_mask.paths},
            etag=request.etag,
        )
        return pb.UpdateGroupResponse(group=group_to_proto(group))

    async def DeleteGroup(
        self, request: pb.DeleteGroupRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteGroupResponse:
        await self._use_cases.delete_group(
            current_call().require_principal(), request.organization_id, request.group_id
        )
        return pb.DeleteGroupResponse()

    async def AddGroupMembers(
        self, request: pb.AddGroupMembersRequest, context: grpc.aio.ServicerContext
    ) -> pb.AddGroupMembersResponse:
        outcomes = await self._use_cases.add_group_members(
            current_call().require_principal(),
            request.organization_id,
            request.group_id,
            list(request.member_ids),
            request.as_admins,
        )
        return pb.AddGroupMembersResponse(results=_results(outcomes))

    async def RemoveGroupMembers(
        self, request: pb.RemoveGroupMembersRequest, context: grpc.aio.ServicerContext
    ) -> pb.RemoveGroupMembersResponse:
        outcomes = await self._use_cases.remove_group_members(
            current_call().require_principal(),
            request.organization_id,
            request.group_id,
            list(request.member_ids),
        )
        return pb.RemoveGroupMembersResponse(results=_results(outcomes))

    async def ListGroupMembers(
        self, request: pb.ListGroupMembersRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListGroupMembersResponse:
        principal = current_call().require_principal()
        scope = f"group-members:{request.organization_id}:{request.group_id}"
        position = self._page_tokens.decode(scope, request.page_token)
        limit = page_size(request.page_size)
        members = await self._use_cases.list_group_members(
            principal, request.organization_id, request.group_id, limit + 1, position["id"] if position else None
        )
        page, next_token = split_page(members, limit, self._page_tokens, scope, lambda m: {"id": m.member_id})
        return pb.ListGroupMembersResponse(members=[_member_to_proto(m) for m in page], next_page_token=next_token)

    async def AddMemberToGroups(
        self, request: pb.AddMemberToGroupsRequest, context: grpc.aio.ServicerContext
    ) -> pb.AddMemberToGroupsResponse:
        outcomes = await self._use_cases.add_member_to_groups(
            current_call().require_principal(),
            request.organization_id,
            request.member_id,
            list(request.group_ids),
        )
        return pb.AddMemberToGroupsResponse(results=_results(outcomes))
