"""ProvisioningService over gRPC: parse, call one use case, convert. No rules here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import grpc
from tenantry.membership.v1 import provisioning_service_pb2 as pb
from tenantry.membership.v1 import provisioning_service_pb2_grpc as pb_grpc

from services.common.errors import InvalidArgument
from services.common.messaging import timestamp
from services.common.principal import current_call
from services.membership.api.convert import member_to_proto
from services.membership.domain.provisioning import ProvisioningUseCases, ProvisionRequest
from services.membership.domain.scim_group_patch import group_from_json
from services.membership.domain.scim_groups import ScimGroup, ScimGroupUseCases
from services.membership.domain.scim_model import ScimUser
from services.membership.domain.scim_patch import MAX_OPERATIONS, PatchOperation, attributes_from_json
from services.membership.domain.scim_users import ScimUserUseCases

MAX_DOCUMENT = 64 * 1024


def scim_user_to_proto(user: ScimUser) -> pb.ScimUser:
    attributes = user.attributes
    member = user.member
    return pb.ScimUser(
        id=member.id,
        external_id=member.external_id or "",
        user_name=attributes.user_name,
        display_name=member.display_name,
        given_name=attributes.given_name,
        family_name=attributes.family_name,
        active=user.active,
        emails=[pb.ScimEmail(value=e.value, type=e.type, primary=e.primary) for e in attributes.emails],
        title=attributes.title,
        employee_number=attributes.employee_number,
        department=attributes.department,
        cost_center=attributes.cost_center,
        organization=attributes.organization,
        division=attributes.division,
        manager_id=attributes.manager_id,
        groups=[pb.ScimGroupRef(id=group_id, display=name) for group_id, name in user.groups],
        create_time=timestamp(member.created_at),
        update_time=timestamp(member.updated_at),
        version=member.version,
    )


def scim_group_to_proto(found: ScimGroup) -> pb.ScimGroup:
    group = found.group
    return pb.ScimGroup(
        id=group.id,
        external_id=group.external_id or "",
        display_name=group.name,
        members=[pb.ScimGroupMember(value=m, display=name) for m, name in found.members or ()],
        members_included=found.members is not None,
        create_time=timestamp(group.created_at),
        update_time=timestamp(group.updated_at),
        version=group.version,
    )


def _document(text: str, kind: str = "user") -> dict[str, Any]:
    """A resource's JSON document; INVALID_ARGUMENT (SCIM's invalidSyntax) when it is not a JSON object."""
    if len(text) > MAX_DOCUMENT:
        raise InvalidArgument(f"The {kind} document is larger than 64 KiB.", reason="invalidSyntax")
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise InvalidArgument(f"The {kind} document is not JSON.", reason="invalidSyntax") from exc
    if not isinstance(document, dict):
        raise InvalidArgument(f"The {kind} document must be a JSON object.", reason="invalidSyntax")
    return document


def _operations(sent: Sequence[pb.ScimPatchOperation]) -> list[PatchOperation]:
    operations = []
    for operation in sent[: MAX_OPERATIONS + 1]:
        try:
            value = json.loads(operation.value_json) if operation.value_json else None
        except ValueError as exc:
            raise InvalidArgument("An operation's value is not JSON.", reason="invalidSyntax") from exc
        operations.append(PatchOperation(operation.op[:32], operation.path[:1024], value))
    return operations


class ProvisioningServicer(pb_grpc.ProvisioningServiceServicer):
    def __init__(
        self, provisioning: ProvisioningUseCases, scim_users: ScimUserUseCases, scim_groups: ScimGroupUseCases
    ):
        self._provisioning = provisioning
        self._scim_users = scim_users
        self._scim_groups = scim_groups

    async def GetAccountMemberships(
        self, request: pb.GetAccountMembershipsRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetAccountMembershipsResponse:
        found = await self._provisioning.account_memberships(current_call().require_principal(), request.account_id)
        return pb.GetAccountMembershipsResponse(
            memberships=[
                pb.AccountMembership(
                    organization_id=member.organization_id,
                    member_id=member.id,
                    permissions=sorted(member.permissions),
                    status=member.status.value,
                    version=member.version,
                )
                for member in found
            ]
        )

    async def ProvisionMember(
        self, request: pb.ProvisionMemberRequest, context: grpc.aio.ServicerContext
    ) -> pb.ProvisionMemberResponse:
        call = current_call()
        provisioned = await self._provisioning.provision_member(
            call.require_principal(),
            ProvisionRequest(
                organization_id=request.organization_id,
                email=request.email,
                display_name=request.display_name,
                external_id=request.external_id,
                account_id=request.account_id,
                role=request.role,
                # One past the limit, so an oversized list is refused rather than cut.
                group_ids=tuple(request.group_ids[:101]),
                idempotency_key=request.idempotency_key or call.idempotency_key,
                role_from_mapping=request.role_from_mapping,
            ),
        )
        return pb.ProvisionMemberResponse(
            member=member_to_proto(provisioned.member),
            created=provisioned.created,
            external_id=provisioned.member.external_id or "",
            role_refused=provisioned.role_refused,
        )

    async def CreateScimUser(
        self, request: pb.CreateScimUserRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateScimUserResponse:
        call = current_call()
        user = await self._scim_users.create(
            call.require_principal(),
            request.organization_id,
            attributes_from_json(_document(request.user_json)),
            request.idempotency_key or call.idempotency_key,
        )
        return pb.CreateScimUserResponse(user=scim_user_to_proto(user))

    async def GetScimUser(
        self, request: pb.GetScimUserRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetScimUserResponse:
        user = await self._scim_users.get(current_call().require_principal(), request.organization_id, request.user_id)
        return pb.GetScimUserResponse(user=scim_user_to_proto(user))

    async def ListScimUsers(
        self, request: pb.ListScimUsersRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListScimUsersResponse:
        page = await self._scim_users.list_users(
            current_call().require_principal(),
            request.organization_id,
            request.filter,
            request.start_index,
            request.count,
            request.sort_by[:200],
            request.sort_descending,
        )
        return pb.ListScimUsersResponse(
            users=[scim_user_to_proto(u) for u in page.users], total_results=page.total_results
        )

    async def ReplaceScimUser(
        self, request: pb.ReplaceScimUserRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReplaceScimUserResponse:
        user = await self._scim_users.replace(
            current_call().require_principal(),
            request.organization_id,
            request.user_id,
            attributes_from_json(_document(request.user_json)),
            request.expected_version,
        )
        return pb.ReplaceScimUserResponse(user=scim_user_to_proto(user))

    async def PatchScimUser(
        self, request: pb.PatchScimUserRequest, context: grpc.aio.ServicerContext
    ) -> pb.PatchScimUserResponse:
        user = await self._scim_users.patch(
            current_call().require_principal(),
            request.organization_id,
            request.user_id,
            _operations(request.operations),
            request.expected_version,
        )
        return pb.PatchScimUserResponse(user=scim_user_to_proto(user))

    async def DeleteScimUser(
        self, request: pb.DeleteScimUserRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteScimUserResponse:
        await self._scim_users.delete(
            current_call().require_principal(), request.organization_id, request.user_id, request.expected_version
        )
        return pb.DeleteScimUserResponse()

    async def CreateScimGroup(
        self, request: pb.CreateScimGroupRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateScimGroupResponse:
        call = current_call()
        group = await self._scim_groups.create(
            call.require_principal(),
            request.organization_id,
            group_from_json(_document(request.group_json, "group")),
            request.idempotency_key or call.idempotency_key,
        )
        return pb.CreateScimGroupResponse(group=scim_group_to_proto(group))

    async def GetScimGroup(
        self, request: pb.GetScimGroupRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetScimGroupResponse:
        group = await self._scim_groups.get(
            current_call().require_principal(), request.organization_id, request.group_id, not request.exclude_members
        )
        return pb.GetScimGroupResponse(group=scim_group_to_proto(group))

    async def ListScimGroups(
        self, request: pb.ListScimGroupsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListScimGroupsResponse:
        page = await self._scim_groups.list_groups(
            current_call().require_principal(),
            request.organization_id,
            request.filter,
            request.start_index,
            request.count,
            not request.exclude_members,
        )
        return pb.ListScimGroupsResponse(
            groups=[scim_group_to_proto(g) for g in page.groups], total_results=page.total_results
        )

    async def ReplaceScimGroup(
        self, request: pb.ReplaceScimGroupRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReplaceScimGroupResponse:
        group = await self._scim_groups.replace(
            current_call().require_principal(),
            request.organization_id,
            request.group_id,
            group_from_json(_document(request.group_json, "group")),
            request.expected_version,
        )
        return pb.ReplaceScimGroupResponse(group=scim_group_to_proto(group))

    async def PatchScimGroup(
        self, request: pb.PatchScimGroupRequest, context: grpc.aio.ServicerContext
    ) -> pb.PatchScimGroupResponse:
        group = await self._scim_groups.patch(
            current_call().require_principal(),
            request.organization_id,
            request.group_id,
            _operations(request.operations),
            request.expected_version,
            request.include_members,
        )
        return pb.PatchScimGroupResponse(group=scim_group_to_proto(group))

    async def DeleteScimGroup(
        self, request: pb.DeleteScimGroupRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteScimGroupResponse:
        await self._scim_groups.delete(
            current_call().require_principal(), request.organization_id, request.group_id, request.expected_version
        )
        return pb.DeleteScimGroupResponse()
