"""MembershipService over gRPC: parse, call one use case, convert. No rules here."""

from __future__ import annotations

import grpc
from tenantry.membership.v1 import membership_service_pb2 as pb
from tenantry.membership.v1 import membership_service_pb2_grpc as pb_grpc

from services.common.filters import parse_equality_filter
from services.common.idempotency import reply_not_final
from services.common.messaging import timestamp
from services.common.pagination import PageTokens, page_size, split_page
from services.common.principal import current_call
from services.membership.api.convert import (
    FIELD_TYPES,
    field_to_proto,
    member_result,
    member_to_proto,
    organization_to_proto,
    role_to_proto,
)
from services.membership.domain.avatars import AvatarUseCases, AvatarView
from services.membership.domain.bulk import BulkAction, BulkUseCases
from services.membership.domain.custom_roles import RoleUseCases
from services.membership.domain.exports import ExportUseCases
from services.membership.domain.imports import ImportUseCases
from services.membership.domain.invitations import InvitationUseCases, Invitee
from services.membership.domain.logos import OrganizationLogos
from services.membership.domain.members import MemberUseCases, member_order, member_sort_key
from services.membership.domain.model import (
    MemberCounts,
    MemberQuery,
)
from services.membership.domain.organizations import OrganizationOverview, OrganizationUseCases
from services.membership.domain.profile_fields import ProfileFieldUseCases
from services.membership.domain.roles import BUILT_IN_ROLE_NAMES, BUILT_IN_ROLES
from services.membership.domain.seat_switch import SeatSwitchUseCases

_BULK_ACTIONS = {
    pb.BULK_ACTION_CHANGE_ROLE: BulkAction.CHANGE_ROLE,
    pb.BULK_ACTION_DEACTIVATE: BulkAction.DEACTIVATE,
    pb.BULK_ACTION_REACTIVATE: BulkAction.REACTIVATE,
    pb.BULK_ACTION_REMOVE: BulkAction.REMOVE,
    pb.BULK_ACTION_ADD_TO_GROUPS: BulkAction.ADD_TO_GROUPS,
    pb.BULK_ACTION_REMOVE_FROM_GROUPS: BulkAction.REMOVE_FROM_GROUPS,
}


def avatar_to_proto(view: AvatarView, with_data: bool) -> pb.MemberAvatar:
    picture = view.avatar
    if picture is None:
        return pb.MemberAvatar(member_id=view.member_id, initials=view.initials)
    return pb.MemberAvatar(
        member_id=view.member_id,
        content_type=picture.content_type,
        data=picture.data if with_data else b"",
        etag=picture.etag,
        initials=view.initials,
    )


class MembershipServicer(pb_grpc.MembershipServiceServicer):
    def __init__(
        self,
        *,
        organizations: OrganizationUseCases,
        members: MemberUseCases,
        invitations: InvitationUseCases,
        bulk: BulkUseCases,
        imports: ImportUseCases,
        exports: ExportUseCases,
        profiles: ProfileFieldUseCases,
        custom_roles: RoleUseCases,
        seat_switch: SeatSwitchUseCases,
        avatars: AvatarUseCases,
        logos: OrganizationLogos,
        page_tokens: PageTokens,
    ):
        self._avatars = avatars
        self._logos = logos
        self._seat_switch = seat_switch
        self._organizations = organizations
        self._members = members
        self._invitations = invitations
        self._page_tokens = page_tokens
        self._bulk = bulk
        self._imports = imports
        self._exports = exports
        self._profiles = profiles
        self._roles = custom_roles

    async def ListRoles(self, request: pb.ListRolesRequest, context: grpc.aio.ServicerContext) -> pb.ListRolesResponse:
        found = await self._roles.list_roles(current_call().require_principal(), request.organization_id)
        return pb.ListRolesResponse(
            roles=[role_to_proto(r) for r in found],
            built_in_roles=[
                pb.Role(key=key, name=BUILT_IN_ROLE_NAMES[key], permissions=sorted(granted))
                for key, granted in BUILT_IN_ROLES.items()
            ],
        )

    async def SaveRole(self, request: pb.SaveRoleRequest, context: grpc.aio.ServicerContext) -> pb.SaveRoleResponse:
        saved = await self._roles.save_role(
            current_call().require_principal(),
            request.organization_id,
            request.role.key,
            request.role.name,
            list(request.role.permissions),
        )
        return pb.SaveRoleResponse(role=role_to_proto(saved))

    async def DeleteRole(
        self, request: pb.DeleteRoleRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteRoleResponse:
        await self._roles.delete_role(current_call().require_principal(), request.organization_id, request.key)
        return pb.DeleteRoleResponse()

    async def SaveProfileField(
        self, request: pb.SaveProfileFieldRequest, context: grpc.aio.ServicerContext
    ) -> pb.SaveProfileFieldResponse:
        sent = request.field
        saved = await self._profiles.save_field(
            current_call().require_principal(),
            request.organization_id,
            sent.key,
            sent.label,
            FIELD_TYPES.get(sent.type, ""),
            list(sent.choices),
            sent.shown,
        )
        return pb.SaveProfileFieldResponse(field=field_to_proto(saved))

    async def ListProfileFields(
        self, request: pb.ListProfileFieldsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListProfileFieldsResponse:
        fields = await self._profiles.list_fields(current_call().require_principal(), request.organization_id)
        return pb.ListProfileFieldsResponse(fields=[field_to_proto(f) for f in fields])

    async def DeleteProfileField(
        self, request: pb.DeleteProfileFieldRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteProfileFieldResponse:
        await self._profiles.delete_field(current_call().require_principal(), request.organization_id, request.key)
        return pb.DeleteProfileFieldResponse()

    async def SetMemberProfile(
        self, request: pb.SetMemberProfileRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetMemberProfileResponse:
        member = await self._profiles.set_member_profile(
            current_call().require_principal(),
            request.organization_id,
            request.member_id,
            dict(request.values),
        )
        return pb.SetMemberProfileResponse(member=member_to_proto(member))

    async def RenameMember(
        self, request: pb.RenameMemberRequest, context: grpc.aio.ServicerContext
    ) -> pb.RenameMemberResponse:
        member = await self._profiles.rename(
            current_call().require_principal(), request.organization_id, request.member_id, request.display_name
        )
        return pb.RenameMemberResponse(member=member_to_proto(member))

    async def SetMemberAvatar(
        self, request: pb.SetMemberAvatarRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetMemberAvatarResponse:
        view = await self._avatars.set(
            current_call().require_principal(), request.organization_id, request.member_id, request.data
        )
        return pb.SetMemberAvatarResponse(avatar=avatar_to_proto(view, with_data=False))

    async def GetMemberAvatar(
        self, request: pb.GetMemberAvatarRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetMemberAvatarResponse:
        view = await self._avatars.get(current_call().require_principal(), request.organization_id, request.member_id)
        return pb.GetMemberAvatarResponse(avatar=avatar_to_proto(view, with_data=True))

    async def SetOrganizationLogo(
        self, request: pb.SetOrganizationLogoRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetOrganizationLogoResponse:
        overview = await self._logos.set(current_call().require_principal(), request.organization_id, request.data)
        return pb.SetOrganizationLogoResponse(organization=organization_to_proto(overview))

    async def GetOrganizationLogo(
        self, request: pb.GetOrganizationLogoRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetOrganizationLogoResponse:
        logo = await self._logos.get(current_call().require_principal(), request.organization_id)
        return pb.GetOrganizationLogoResponse(content_type=logo.content_type, data=logo.data, etag=logo.etag)

    async def ResendInvitation(
        self, request: pb.ResendInvitationRequest, context: grpc.aio.ServicerContext
    ) -> pb.ResendInvitationResponse:
        member, invitation = await self._invitations.resend_invitation(
            current_call().require_principal(), request.organization_id, request.member_id
        )
        return pb.ResendInvitationResponse(member=member_to_proto(member), expire_time=timestamp(invitation.expires_at))

    async def ImportInvitations(
        self, request: pb.ImportInvitationsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ImportInvitationsResponse:
        call = current_call()
        rows = await self._imports.import_invitations(
            call.require_principal(),
            request.organization_id,
            request.csv,
            request.dry_run,
            idempotency_key=request.idempotency_key or call.idempotency_key,
        )
        if any(row.retryable for row in rows):
            reply_not_final()
        return pb.ImportInvitationsResponse(
            rows=[
                pb.ImportRowResult(
                    row=r.row, email=r.email[:320], **member_result(r.member, r.error_reason, r.error_message)
                )
                for r in rows
            ],
            valid_rows=sum(1 for r in rows if not r.error_reason),
            invalid_rows=sum(1 for r in rows if r.error_reason),
        )

    async def ExportMembers(
        self, request: pb.ExportMembersRequest, context: grpc.aio.ServicerContext
    ) -> pb.ExportMembersResponse:
        export = await self._exports.export(
            current_call().require_principal(), request.organization_id, request.format or "csv"
        )
        return pb.ExportMembersResponse(
            content=export.content, content_type=export.content_type, file_name=export.file_name
        )

    async def BulkUpdateMembers(
        self, request: pb.BulkUpdateMembersRequest, context: grpc.aio.ServicerContext
    ) -> pb.BulkUpdateMembersResponse:
        outcomes = await self._bulk.update_members(
            current_call().require_principal(),
            request.organization_id,
            list(request.member_ids),
            _BULK_ACTIONS.get(request.action, ""),
            role=request.role,
            group_ids=list(request.group_ids),
        )
        if any(outcome.retryable for outcome in outcomes):
            reply_not_final()
        return pb.BulkUpdateMembersResponse(
            results=[
                pb.BulkMemberResult(member_id=o.member_id, **member_result(o.member, o.error_reason, o.error_message))
                for o in outcomes
            ]
        )

    async def CreateOrganization(
        self, request: pb.CreateOrganizationRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateOrganizationResponse:
        call = current_call()
        organization, owner = await self._organizations.create_organization(
            call.require_principal(),
            display_name=request.display_name,
            owner_account_id=request.owner_account_id,
            owner_email=request.owner_email,
            owner_display_name=request.owner_display_name,
            idempotency_key=request.idempotency_key or call.idempotency_key,
        )
        # A new organization has exactly one member: its active Owner.
        overview = OrganizationOverview(organization, counts=MemberCounts(active=1))
        return pb.CreateOrganizationResponse(organization=organization_to_proto(overview), owner=member_to_proto(owner))

    async def GetOrganization(
        self, request: pb.GetOrganizationRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetOrganizationResponse:
        principal = current_call().require_principal()
        overview = await self._organizations.get_organization(principal, request.organization_id)
        return pb.GetOrganizationResponse(organization=organization_to_proto(overview))

    async def UpdateOrganization(
        self, request: pb.UpdateOrganizationRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateOrganizationResponse:
        call = current_call()
        sent = request.organization
        values = {
            "display_name": sent.display_name,
            "logo_url": sent.logo_url,
            "brand_color": sent.brand_color,
            "secondary_color": sent.secondary_color,
            "accent_color": sent.accent_color,
            "welcome_message": sent.welcome_message,
            "welcome_video_url": sent.welcome_video_url,
            "group_creation_policy": sent.group_creation_policy,
            "invitation_ttl_days": str(sent.invitation_ttl_days),
        }
        overview = await self._organizations.update_organization(
            call.require_principal(),
            request.organization.id,
            {path: values.get(path, "") for path in request.update_mask.paths},
            etag=request.organization.etag,
            idempotency_key=request.idempotency_key or call.idempotency_key,
        )
        return pb.UpdateOrganizationResponse(organization=organization_to_proto(overview))

    async def ListMembers(
        self, request: pb.ListMembersRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListMembersResponse:
        principal = current_call().require_principal()
        filters = parse_equality_filter(request.filter, {"status", "email", "role", "group_id"})
        order = member_order(request.order_by)
        search = request.search.strip().lower() or None
        scope = f"members:{request.organization_id}:{request.filter}:{search}:{order.value}"
        position = self._page_tokens.decode(scope, request.page_token)
        limit = page_size(request.page_size)
        members = await self._members.list_members(
            principal,
            MemberQuery(
                organization_id=request.organization_id,
                limit=limit + 1,
                after_id=position["id"] if position else None,
                after_key=position.get("key") if position else None,
                status=filters.get("status"),
                email=filters.get("email"),
                role=filters.get("role"),
                group_id=filters.get("group_id"),
                search=search,
                order=order,
            ),
        )
        page, next_token = split_page(
            members, limit, self._page_tokens, scope, lambda m: {"id": m.id, "key": member_sort_key(m, order)}
        )
        allowed = await self._members.allowed_actions(principal, request.organization_id, page)
        shown = [member_to_proto(m) for m in page]
        for proto in shown:
            proto.allowed_actions.extend(action.value for action in allowed[proto.id])
        return pb.ListMembersResponse(members=shown, next_page_token=next_token)

    async def InviteMembers(
        self, request: pb.InviteMembersRequest, context: grpc.aio.ServicerContext
    ) -> pb.InviteMembersResponse:
        call = current_call()
        key = request.idempotency_key or call.idempotency_key
        outcomes = await self._invitations.invite_members(
            call.require_principal(),
            request.organization_id,
            [Invitee(i.email, i.role, i.display_name, tuple(i.group_ids)) for i in request.invitees],
            idempotency_key=key,
            # The caller's Idempotency-Key is settled by the use case (api/idempotency.py), fingerprint included.
            request_fingerprint=call.request_fingerprint if key == call.idempotency_key else "",
        )
        if any(outcome.retryable for outcome in outcomes):
            reply_not_final()
        return pb.InviteMembersResponse(
            results=[
                pb.InvitationResult(email=o.email, **member_result(o.member, o.error_reason, o.error_message))
                for o in outcomes
            ]
        )

    async def GetInvitation(
        self, request: pb.GetInvitationRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetInvitationResponse:
        view = await self._invitations.invitation_view(request.invitation_id, request.token)
        return pb.GetInvitationResponse(
            invitation=pb.InvitationView(
                invitation_id=view.invitation.id,
                organization_id=view.invitation.organization_id,
                organization_name=view.organization_name,
                email=view.invitation.email,
                role=view.invitation.role,
                expire_time=timestamp(view.invitation.expires_at),
                welcome_message=view.welcome_message,
                welcome_video_url=view.welcome_video_url,
            )
        )

    async def AcceptInvitation(
        self, request: pb.AcceptInvitationRequest, context: grpc.aio.ServicerContext
    ) -> pb.AcceptInvitationResponse:
        member = await self._invitations.accept_invitation(
            current_call().require_principal(), request.invitation_id, request.token
        )
        return pb.AcceptInvitationResponse(member=member_to_proto(member))

    async def ChangeMemberRole(
        self, request: pb.ChangeMemberRoleRequest, context: grpc.aio.ServicerContext
    ) -> pb.ChangeMemberRoleResponse:
        call = current_call()
        member = await self._members.change_role(
            call.require_principal(),
            request.organization_id,
            request.member_id,
            request.role,
            etag=request.etag,
            idempotency_key=request.idempotency_key or call.idempotency_key,
        )
        return pb.ChangeMemberRoleResponse(member=member_to_proto(member))

    async def SetMemberSeat(
        self, request: pb.SetMemberSeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetMemberSeatResponse:
        call = current_call()
        member = await self._seat_switch.set_seat(
            call.require_principal(),
            request.organization_id,
            request.member_id,
            request.uses_seat,
            etag=request.etag,
            idempotency_key=request.idempotency_key or call.idempotency_key,
        )
        return pb.SetMemberSeatResponse(member=member_to_proto(member))

    async def DeactivateMember(
        self, request: pb.DeactivateMemberRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeactivateMemberResponse:
        call = current_call()
        member = await self._members.deactivate(
            call.require_principal(),
            request.organization_id,
            request.member_id,
            request.idempotency_key or call.idempotency_key,
        )
        return pb.DeactivateMemberResponse(member=member_to_proto(member))

    async def ReactivateMember(
        self, request: pb.ReactivateMemberRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReactivateMemberResponse:
        call = current_call()
        member = await self._members.reactivate(
            call.require_principal(),
            request.organization_id,
            request.member_id,
            request.idempotency_key or call.idempotency_key,
        )
        return pb.ReactivateMemberResponse(member=member_to_proto(member))

    async def RemoveMember(
        self, request: pb.RemoveMemberRequest, context: grpc.aio.ServicerContext
    ) -> pb.RemoveMemberResponse:
        call = current_call()
        await self._members.remove(
            call.require_principal(),
            request.organization_id,
            request.member_id,
            request.idempotency_key or call.idempotency_key,
        )
        return pb.RemoveMemberResponse()
