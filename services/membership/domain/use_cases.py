"""Membership's use cases: every rule about organizations, members and invitations lives here."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email

from services.common.clock import Clock
from services.common.errors import (
    Aborted,
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unavailable,
    Violations,
)
from services.common.ids import new_id
from services.common.principal import Principal
from services.membership.domain import roles, rules
from services.membership.domain.events import (
    GroupMembersChanged,
    InvitationResent,
    MemberAdded,
    MemberChanged,
    MemberInvited,
    MemberRemoved,
    OrganizationCreated,
    OrganizationUpdated,
)
from services.membership.domain.groups import check_workspace_limit, join_default_groups
from services.membership.domain.invitations import token_matches
from services.membership.domain.model import (
    Group,
    Invitation,
    InviteOutcome,
    Member,
    MemberCounts,
    MemberOrder,
    MemberQuery,
    MemberStatus,
    Organization,
)
from services.membership.domain.ports import MembershipStore, MembershipTransaction, SeatReservations
from services.membership.domain.profile import MAX_DISPLAY_NAME, apply_profile_changes
from services.membership.domain.rules import MemberAction
from services.membership.domain.text import is_printable

log = logging.getLogger(__name__)

MAX_INVITEES_PER_CALL = 100
MAX_SEARCH = 100
DEFAULT_INVITATION_TTL = timedelta(days=7)


def normalize_email(raw: str) -> str:
    """Lower-cased, syntax-checked email; InvalidArgument otherwise. No DNS look-ups."""
    if len(raw) > 320:
        raise InvalidArgument("Email is too long.", [FieldViolation("email", "at most 320 characters")])
    try:
        return validate_email(raw.strip(), check_deliverability=False, test_environment=True).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidArgument(f"Invalid email {raw!r}: {exc}", [FieldViolation("email", str(exc))]) from exc


def _display_name(raw: str, field_name: str) -> str:
    name = raw.strip()
    if len(name) > MAX_DISPLAY_NAME or not is_printable(name):
        raise InvalidArgument(
            f"{field_name} is too long or has control characters.",
            [FieldViolation(field_name, f"at most {MAX_DISPLAY_NAME} printable characters")],
        )
    return name


def member_order(text: str) -> MemberOrder:
    """The order named by a request's order_by ("" is newest first); InvalidArgument for anything else."""
    normalized = " ".join(text.lower().split()) or MemberOrder.NEWEST.value
    try:
        return MemberOrder(normalized)
    except ValueError:
        raise InvalidArgument(
            f"Unknown order {text!r}.", [FieldViolation("order_by", f"one of {[o.value for o in MemberOrder]}")]
        ) from None


def member_sort_key(member: Member, order: MemberOrder) -> str | None:
    """The value a member sorts by in `order` (what the store compares in keyset pagination)."""
    return {MemberOrder.NAME: member.display_name.lower(), MemberOrder.EMAIL: member.email}.get(order)


@dataclass(frozen=True)
class Invitee:
    email: str
    role: str = roles.MEMBER
    display_name: str = ""
    # Groups joined with the invitation, besides the default groups.
    group_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class InvitationView:
    invitation: Invitation
    organization_name: str
    member: Member


@dataclass(frozen=True)
class OrganizationOverview:
    organization: Organization
    counts: MemberCounts


class MembershipUseCases:
    def __init__(
        self,
        store: MembershipStore,
        clock: Clock,
        invitation_ttl: timedelta = DEFAULT_INVITATION_TTL,
        invitation_secret: str = "",
        seats: SeatReservations | None = None,
    ):
        self._store = store
        self._clock = clock
        self._invitation_ttl = invitation_ttl
        # Verifies invitation links (an HMAC of the invitation id and version); see domain/invitations.py.
        self._invitation_secret = invitation_secret
        # Billing's seats; None where seats are not limited (tests of other rules).
        self._seats = seats

    async def create_organization(
        self,
        principal: Principal,
        *,
        display_name: str,
        owner_account_id: str,
        owner_email: str,
        owner_display_name: str,
        request_id: str = "",
    ) -> tuple[Organization, Member]:
        if not principal.has(roles.PLATFORM_ORGANIZATIONS_CREATE):
            raise PermissionDenied("Only operators may create organizations.", reason="MISSING_PERMISSION")
        violations = Violations()
        name = _display_name(display_name, "display_name")
        if not name:
            violations.add("display_name", "must not be empty")
        if not owner_account_id:
            violations.add("owner_account_id", "must not be empty")
        violations.raise_if_any()
        email = normalize_email(owner_email)
        now = self._clock.now()
        async with self._store.write() as tx:
            if request_id:
                stored = await tx.load_idempotent("", "CreateOrganization", request_id)
                if stored is not None:
                    ids = json.loads(stored)
                    organization = await tx.get_organization(ids["organization_id"])
                    owner = await tx.get_member(ids["organization_id"], ids["owner_id"])
                    if organization is None or owner is None:
                        raise NotFound("The organization created by this request no longer exists.")
                    return organization, owner
            organization = Organization(id=new_id(), display_name=name, created_at=now)
            owner = Member(
                id=new_id(),
                organization_id=organization.id,
                account_id=owner_account_id,
                email=email,
                display_name=_display_name(owner_display_name, "owner_display_name"),
                role=roles.OWNER,
                status=MemberStatus.ACTIVE,
                created_at=now,
                updated_at=now,
            )
            await tx.insert_organization(organization)
            await tx.insert_member(owner)
            await tx.record_events(
                OrganizationCreated(principal, now, request_id, organization, owner),
                MemberAdded(principal, now, request_id, owner),
            )
            if request_id:
                await tx.save_idempotent(
                    "",
                    "CreateOrganization",
                    request_id,
                    json.dumps({"organization_id": organization.id, "owner_id": owner.id}).encode(),
                )
        return organization, owner

    async def get_organization(self, principal: Principal, organization_id: str) -> OrganizationOverview:
        principal.authorize(roles.MEMBERS_READ, organization_id)
        async with self._store.read() as tx:
            organization = await tx.get_organization(organization_id)
            if organization is None:
                raise NotFound("No such organization.")
            return OrganizationOverview(organization, await tx.count_members(organization_id))

    async def update_organization(
        self,
        principal: Principal,
        organization_id: str,
        changes: dict[str, str],
        etag: str = "",
        request_id: str = "",
    ) -> OrganizationOverview:
        """Apply the masked fields of an organization's profile and settings."""
        principal.authorize(roles.ORG_MANAGE, organization_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            if request_id:
                stored = await tx.load_idempotent(organization_id, "UpdateOrganization", request_id)
                if stored is not None:
                    organization = await tx.get_organization(organization_id)
                    if organization is None:
                        raise NotFound("No such organization.")
                    return OrganizationOverview(organization, await tx.count_members(organization_id))
            before = await tx.get_organization(organization_id)
            if before is None:
                raise NotFound("No such organization.")
            if etag and etag != organization_etag(before):
                raise Aborted("The organization changed since you read it; read it again.", reason="ETAG_MISMATCH")
            after = apply_profile_changes(before, changes)
            if not await tx.update_organization(after, expected_version=before.version):
                raise Aborted("The organization changed concurrently; retry.", reason="CONCURRENT_CHANGE")
            await tx.record_events(OrganizationUpdated(principal, now, request_id, after, before))
            if request_id:
                await tx.save_idempotent(organization_id, "UpdateOrganization", request_id, b"{}")
            return OrganizationOverview(after, await tx.count_members(organization_id))

    async def list_members(self, principal: Principal, query: MemberQuery) -> list[Member]:
        principal.authorize(roles.MEMBERS_READ, query.organization_id)
        if query.status is not None and query.status not in {s.value for s in MemberStatus}:
            raise InvalidArgument(f"Unknown status {query.status!r}.", [FieldViolation("filter", "unknown status")])
        if query.search is not None and (not 1 <= len(query.search) <= MAX_SEARCH or not is_printable(query.search)):
            raise InvalidArgument(
                "search is 1 to 100 printable characters.", [FieldViolation("search", f"1 to {MAX_SEARCH} characters")]
            )
        async with self._store.read() as tx:
            if query.role is not None and not (await role_catalog(tx, query.organization_id)).exists(query.role):
                raise InvalidArgument(f"Unknown role {query.role!r}.", [FieldViolation("filter", "unknown role")])
            found = await tx.list_members(query)
            shown = {f.key for f in await tx.profile_fields(query.organization_id) if f.shown}
            if not shown or not found:
                return found
            profiles = await tx.member_profiles(query.organization_id, [m.id for m in found])
        return [replace(m, profile={k: v for k, v in profiles.get(m.id, {}).items() if k in shown}) for m in found]

    def check_invitee(
        self, principal: Principal, invitee: Invitee, catalog: roles.RoleCatalog = roles.BUILT_IN_CATALOG
    ) -> tuple[str, str, str]:
        """(email, role, display name) of a valid invitee; InvalidArgument/PermissionDenied otherwise."""
        email = normalize_email(invitee.email)
        role = invitee.role or roles.MEMBER
        rules.check_grantable(principal, role, catalog)
        if role != roles.MEMBER and not principal.has(roles.MEMBERS_MANAGE_ROLES):
            raise PermissionDenied("You can invite only members of the Member role.", reason="CANNOT_GRANT_PERMISSION")
        return email, role, _display_name(invitee.display_name, "display_name")

    async def invite_members(
        self, principal: Principal, organization_id: str, invitees: list[Invitee], request_id: str = ""
    ) -> list[InviteOutcome]:
        """Each invitee succeeds or fails on its own, in its own transaction. A seat-consuming invitation first
        holds a seat in billing (outside any transaction: billing is another service), and gives it back if the
        invitation is then not written."""
        principal.authorize(roles.MEMBERS_INVITE, organization_id)
        if not 1 <= len(invitees) <= MAX_INVITEES_PER_CALL:
            raise InvalidArgument(
                f"Invite between 1 and {MAX_INVITEES_PER_CALL} people per call.",
                [FieldViolation("invitees", f"1 to {MAX_INVITEES_PER_CALL} entries")],
            )
        async with self._store.read() as tx:
            if await tx.get_organization(organization_id) is None:
                raise NotFound("No such organization.")
            if request_id:
                stored = await tx.load_idempotent(organization_id, "InviteMembers", request_id)
                if stored is not None:
                    return await self._replay_outcomes(tx, organization_id, stored)
            allowed_domains = await tx.get_allowed_invitation_domains(organization_id)
            catalog = await role_catalog(tx, organization_id)
        outcomes: list[InviteOutcome] = []
        seen: set[str] = set()
        for invitee in invitees:
            try:
                email, role, display_name = self.check_invitee(principal, invitee, catalog)
                rules.check_invitation_domain(email, allowed_domains)
                groups = await self.invitation_groups(principal, organization_id, invitee.group_ids)
            except (InvalidArgument, PermissionDenied, NotFound) as exc:
                outcomes.append(InviteOutcome(invitee.email, error_reason=exc.reason, error_message=exc.message))
                continue
            if email in seen:
                outcomes.append(_already_member(email))
                continue
            seen.add(email)
            outcomes.append(
                await self.invite_one(principal, organization_id, email, role, display_name, request_id, groups)
            )
        if request_id:
            async with self._store.write() as tx:
                await tx.save_idempotent(organization_id, "InviteMembers", request_id, _encode_outcomes(outcomes))
        return outcomes

    async def invitation_groups(
        self, principal: Principal, organization_id: str, group_ids: Sequence[str]
    ) -> list[Group]:
        """The groups an invitation adds its person to; those who manage groups choose them."""
        if not group_ids:
            return []
        if not principal.has(roles.GROUPS_MANAGE):
            raise PermissionDenied("Only those who manage groups invite into groups.", reason="MISSING_PERMISSION")
        async with self._store.read() as tx:
            found = [await tx.get_group(organization_id, group_id[:36]) for group_id in dict.fromkeys(group_ids)]
        if any(group is None for group in found):
            raise NotFound("One of the groups does not exist.", reason="UNKNOWN_GROUP")
        groups = [group for group in found if group is not None]
        check_workspace_limit(groups)
        return groups

    async def invite_one(
        self,
        principal: Principal,
        organization_id: str,
        email: str,
        role: str,
        display_name: str,
        request_id: str,
        groups: Sequence[Group] = (),
    ) -> InviteOutcome:
        """Invite one person (each in its own transaction), holding a seat first when the role uses one."""
        now = self._clock.now()
        member_id = await self._member_id_for(organization_id, email, request_id)
        async with self._store.read() as tx:
            existing = await tx.find_member_by_email(organization_id, email)
            if existing is not None:
                # The same request already invited this person (its answer was lost): the same success again.
                return InviteOutcome(email, member=existing) if existing.id == member_id else _already_member(email)
            organization = await tx.get_organization(organization_id)
            catalog = await role_catalog(tx, organization_id)
        if organization is None:
            raise NotFound("No such organization.")
        member = Member(
            id=member_id,
            organization_id=organization_id,
            account_id=None,
            email=email,
            display_name=display_name,
            role=role,
            status=MemberStatus.INVITED,
            created_at=now,
            updated_at=now,
        )
        member = replace(member, custom_role_permissions=catalog.custom_permissions(role))
        holds_seat = self._seats is not None and rules.holds_seat(member)
        if holds_seat:
            try:
                await self._seats.reserve(organization_id, member.id)  # type: ignore[union-attr]
            except (FailedPrecondition, Unavailable) as exc:
                return InviteOutcome(email, error_reason=exc.reason, error_message=exc.message)
        invitation = Invitation(
            id=new_id(),
            organization_id=organization_id,
            member_id=member.id,
            email=email,
            role=role,
            invited_by=principal.actor_id,
            created_at=now,
            expires_at=now + self._ttl_of(organization),
        )
        try:
            async with self._store.write() as tx:
                # Custom roles change only under this lock: the role still grants what the seat was held for.
                await tx.lock_organization(organization_id)
                granted = await role_catalog(tx, organization_id)
                if not granted.exists(role) or granted.custom_permissions(role) != member.custom_role_permissions:
                    raise FailedPrecondition("The role changed meanwhile; invite again.", reason="ROLE_CHANGED")
                if await tx.find_member_by_email(organization_id, email) is not None:
                    raise AlreadyExists(f"{email} is already invited or a member.", reason="ALREADY_MEMBER")
                await tx.insert_member(member)
                await tx.insert_invitation(invitation)
                await tx.record_events(MemberInvited(principal, now, request_id, member, invitation))
                await join_default_groups(tx, principal, [member], now)
                for group in groups:
                    if not group.is_default:
                        await tx.add_group_members(group, [member.id], False, now)
                        await tx.record_events(
                            GroupMembersChanged(principal, now, request_id, group, (member.id,), "added", False)
                        )
        except BaseException as exc:
            if holds_seat:
                await self._give_back_seat(organization_id, member.id)
            if isinstance(exc, AlreadyExists):
                return _already_member(email)
            if isinstance(exc, FailedPrecondition):
                return InviteOutcome(email, error_reason=exc.reason, error_message=exc.message)
            raise
        return InviteOutcome(email, member=member)

    async def _member_id_for(self, organization_id: str, email: str, request_id: str) -> str:
        """The id a new member gets. With a request id it is remembered before any seat is held, so a retry after
        a crash holds the same seat again (billing's holds are per member) instead of a second one."""
        if not request_id:
            return new_id()
        key = hashlib.sha256(f"{request_id}\n{email}".encode()).hexdigest()
        async with self._store.write() as tx:
            stored = await tx.load_idempotent(organization_id, "InviteMember", key)
            if stored is not None:
                return stored.decode()
            member_id = new_id()
            await tx.save_idempotent(organization_id, "InviteMember", key, member_id.encode())
            return member_id

    def _ttl_of(self, organization: Organization) -> timedelta:
        """How long an invitation link of this organization stays valid: its setting, or the service's."""
        days = organization.invitation_ttl_days
        return timedelta(days=days) if days else self._invitation_ttl

    async def resend_invitation(
        self, principal: Principal, organization_id: str, member_id: str
    ) -> tuple[Member, Invitation]:
        """A new link and expiry for a pending invitation; the previous link stops working."""
        principal.authorize(roles.MEMBERS_INVITE, organization_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            organization = await tx.get_organization(organization_id)
            member = await tx.get_member(organization_id, member_id)
            if organization is None or member is None:
                raise NotFound("No such member.")
            invitation = await tx.find_invitation_of_member(member.id)
            if member.status is not MemberStatus.INVITED or invitation is None:
                raise FailedPrecondition("Only a pending invitation can be sent again.", reason="NOT_PENDING")
            renewed = replace(
                invitation, token_version=invitation.token_version + 1, expires_at=now + self._ttl_of(organization)
            )
            await tx.renew_invitation(renewed)
            await tx.record_events(InvitationResent(principal, now, "", member, renewed))
        return member, renewed

    async def _give_back_seat(self, organization_id: str, member_id: str) -> None:
        """Best effort: a hold that is not given back lapses in billing on its own."""
        try:
            await self._seats.release(organization_id, member_id)  # type: ignore[union-attr]
        except Exception:
            log.warning("could not give back a seat hold", extra={"member_id": member_id}, exc_info=True)

    async def change_role(
        self,
        principal: Principal,
        organization_id: str,
        member_id: str,
        role: str,
        etag: str = "",
        request_id: str = "",
    ) -> Member:
        return await self._change_member(
            principal,
            organization_id,
            member_id,
            MemberAction.CHANGE_ROLE,
            new_role=role,
            etag=etag,
            request_id=request_id,
        )

    async def deactivate(
        self, principal: Principal, organization_id: str, member_id: str, request_id: str = ""
    ) -> Member:
        return await self._change_member(
            principal, organization_id, member_id, MemberAction.DEACTIVATE, request_id=request_id
        )

    async def reactivate(
        self, principal: Principal, organization_id: str, member_id: str, request_id: str = ""
    ) -> Member:
        return await self._change_member(
            principal, organization_id, member_id, MemberAction.REACTIVATE, request_id=request_id
        )

    async def remove(self, principal: Principal, organization_id: str, member_id: str, request_id: str = "") -> None:
        await self._change_member(principal, organization_id, member_id, MemberAction.REMOVE, request_id=request_id)

    async def _change_member(
        self,
        principal: Principal,
        organization_id: str,
        member_id: str,
        action: MemberAction,
        *,
        new_role: str = "",
        etag: str = "",
        request_id: str = "",
    ) -> Member:
        principal.authorize(rules.REQUIRED_PERMISSION[action], organization_id)
        now = self._clock.now()
        operation = f"member.{action.value}"
        reserved = await self._hold_seat_if_gained(principal, organization_id, member_id, action, new_role, now)
        seat_used = False
        try:
            async with self._store.write() as tx:
                # Serialises changes to one organization's members (the last-Owner rule needs a stable count).
                if not await tx.lock_organization(organization_id):
                    raise NotFound("No such organization.")
                if request_id:
                    stored = await tx.load_idempotent(organization_id, operation, request_id)
                    if stored is not None:
                        return _member_from_json(json.loads(stored))
                target = await tx.get_member(organization_id, member_id)
                if target is None:
                    raise NotFound("No such member.")
                if etag and etag != member_etag(target):
                    raise Aborted("The member changed since you read it; read it again.", reason="ETAG_MISMATCH")
                catalog = await role_catalog(tx, organization_id)
                rules.check_member_action(principal, target, action, new_role, catalog)
                if (
                    rules.loses_ownership(target, action, new_role)
                    and await tx.count_active_owners(organization_id, excluding=target.id) == 0
                ):
                    raise FailedPrecondition("The organization must keep at least one Owner.", reason="LAST_OWNER")
                changed = _apply(target, action, new_role, now, catalog)
                seat_used = rules.holds_seat(changed) and not rules.holds_seat(target)
                if seat_used and self._seats is not None and not reserved:
                    # The member changed between the look that held seats and this write.
                    raise Aborted("The member changed concurrently; retry.", reason="CONCURRENT_CHANGE")
                if action is MemberAction.REMOVE:
                    await tx.delete_member(target)
                    await tx.record_events(MemberRemoved(principal, now, request_id, changed))
                else:
                    if not await tx.update_member(changed, expected_version=target.version):
                        raise Aborted("The member changed concurrently; retry.", reason="CONCURRENT_CHANGE")
                    await tx.record_events(MemberChanged(principal, now, request_id, changed, action.value, target))
                if request_id:
                    await tx.save_idempotent(
                        organization_id, operation, request_id, json.dumps(_member_to_json(changed)).encode()
                    )
        finally:
            if reserved and not seat_used:
                await self._give_back_seat(organization_id, member_id)
        return changed

    async def _hold_seat_if_gained(
        self,
        principal: Principal,
        organization_id: str,
        member_id: str,
        action: MemberAction,
        new_role: str,
        now: datetime,
    ) -> bool:
        """Hold a seat in billing when the change would give the member one (a reactivation, a role with
        seat.use). Billing is another service, so it is asked before the write transaction, never inside it;
        the write checks everything again, and an unused hold is given back."""
        if self._seats is None:
            return False
        async with self._store.read() as tx:
            target = await tx.get_member(organization_id, member_id)
            catalog = await role_catalog(tx, organization_id)
        if target is None:
            return False
        try:
            rules.check_member_action(principal, target, action, new_role, catalog)
            changed = _apply(target, action, new_role, now, catalog)
        except DomainError:
            return False  # the write refuses the change with the same error
        if not rules.holds_seat(changed) or rules.holds_seat(target):
            return False
        await self._seats.reserve(organization_id, target.id)
        return True

    async def invitation_view(self, invitation_id: str, token: str) -> InvitationView:
        """What a valid, pending, unexpired invitation link offers; NotFound for anything else."""
        async with self._store.read() as tx:
            invitation, organization, member = await self._valid_invitation(tx, invitation_id, token)
        return InvitationView(invitation, organization.display_name, member)

    async def accept_invitation(self, principal: Principal, invitation_id: str, token: str) -> Member:
        """The signed-in person whose email was invited becomes an active member."""
        if principal.actor_type != "user" or not principal.account_id:
            raise PermissionDenied("Sign in to accept an invitation.", reason="SIGN_IN_REQUIRED")
        now = self._clock.now()
        async with self._store.write() as tx:
            invitation, _, member = await self._valid_invitation(tx, invitation_id, token)
            if principal.actor_display.lower() != invitation.email:
                raise PermissionDenied(
                    "This invitation was sent to another email address.", reason="INVITATION_FOR_ANOTHER_EMAIL"
                )
            if await tx.find_member_by_account(invitation.organization_id, principal.account_id) is not None:
                raise AlreadyExists("You are already a member of this organization.", reason="ALREADY_MEMBER")
            accepted = replace(
                member,
                account_id=principal.account_id,
                status=MemberStatus.ACTIVE,
                version=member.version + 1,
                updated_at=now,
            )
            if not await tx.update_member(accepted, expected_version=member.version):
                raise Aborted("The invitation changed concurrently; retry.", reason="CONCURRENT_CHANGE")
            await tx.record_events(MemberChanged(principal, now, "", accepted, "accept", member))
        return accepted

    async def _valid_invitation(
        self, tx: MembershipTransaction, invitation_id: str, token: str
    ) -> tuple[Invitation, Organization, Member]:
        not_found = NotFound("This invitation link is not valid (anymore).", reason="INVITATION_NOT_FOUND")
        if not invitation_id or not token or len(invitation_id) > 64 or len(token) > 128:
            raise not_found
        invitation = await tx.get_invitation(invitation_id)
        if invitation is None or not token_matches(self._invitation_secret, invitation, token):
            raise not_found
        member = await tx.get_member(invitation.organization_id, invitation.member_id)
        organization = await tx.get_organization(invitation.organization_id)
        if member is None or organization is None or member.status is not MemberStatus.INVITED:
            raise not_found
        if self._clock.now() >= invitation.expires_at:
            raise FailedPrecondition("This invitation has expired; ask for a new one.", reason="INVITATION_EXPIRED")
        return invitation, organization, member

    async def _replay_outcomes(
        self, tx: MembershipTransaction, organization_id: str, stored: bytes
    ) -> list[InviteOutcome]:
        outcomes = []
        for item in json.loads(stored):
            member = await tx.get_member(organization_id, item["member_id"]) if item["member_id"] else None
            outcomes.append(InviteOutcome(item["email"], member, item["error_reason"], item["error_message"]))
        return outcomes


async def role_catalog(tx: MembershipTransaction, organization_id: str) -> roles.RoleCatalog:
    """The organization's roles: the built-in ones and its custom roles."""
    return roles.RoleCatalog({role.key: role.permissions for role in await tx.custom_roles(organization_id)})


def _already_member(email: str) -> InviteOutcome:
    return InviteOutcome(email, error_reason="ALREADY_MEMBER", error_message=f"{email} is already invited or a member.")


def _encode_outcomes(outcomes: list[InviteOutcome]) -> bytes:
    return json.dumps(
        [
            {
                "email": o.email,
                "member_id": o.member.id if o.member else "",
                "error_reason": o.error_reason,
                "error_message": o.error_message,
            }
            for o in outcomes
        ]
    ).encode()


def member_etag(member: Member) -> str:
    return f'W/"{member.version}"'


def _apply(member: Member, action: MemberAction, new_role: str, now: datetime, catalog: roles.RoleCatalog) -> Member:
    if action is MemberAction.CHANGE_ROLE:
        return replace(
            member,
            role=new_role,
            custom_role_permissions=catalog.custom_permissions(new_role),
            version=member.version + 1,
            updated_at=now,
        )
    if action is MemberAction.DEACTIVATE:
        if member.status is not MemberStatus.ACTIVE:
            raise FailedPrecondition("Only an active member can be deactivated.", reason="NOT_ACTIVE")
        return replace(member, status=MemberStatus.DEACTIVATED, version=member.version + 1, updated_at=now)
    if action is MemberAction.REACTIVATE:
        if member.status is not MemberStatus.DEACTIVATED:
            raise FailedPrecondition("Only a deactivated member can be reactivated.", reason="NOT_DEACTIVATED")
        return replace(member, status=MemberStatus.ACTIVE, version=member.version + 1, updated_at=now)
    return replace(member, status=MemberStatus.REMOVED, version=member.version + 1, updated_at=now)


def _member_to_json(member: Member) -> dict[str, object]:
    return {
        "id": member.id,
        "organization_id": member.organization_id,
        "account_id": member.account_id,
        "email": member.email,
        "display_name": member.display_name,
        "role": member.role,
        "status": member.status.value,
        "created_at": member.created_at.isoformat(),
        "updated_at": member.updated_at.isoformat(),
        "version": member.version,
        "custom_role_permissions": sorted(member.custom_role_permissions)
        if member.custom_role_permissions is not None
        else None,
    }


def _member_from_json(data: dict[str, Any]) -> Member:
    return Member(
        id=data["id"],
        organization_id=data["organization_id"],
        account_id=data["account_id"],
        email=data["email"],
        display_name=data["display_name"],
        role=data["role"],
        status=MemberStatus(data["status"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
        version=data["version"],
        custom_role_permissions=frozenset(data["custom_role_permissions"])
        if data.get("custom_role_permissions") is not None
        else None,
    )


def organization_etag(organization: Organization) -> str:
    return f'W/"{organization.version}"'
