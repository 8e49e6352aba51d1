"""Membership's use cases: every rule about organizations, members and invitations lives here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email

from services.common.clock import Clock
from services.common.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied, Violations
from services.common.ids import new_id
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.events import MemberAdded, MemberInvited, OrganizationCreated
from services.membership.domain.model import (
    Invitation,
    InviteOutcome,
    Member,
    MemberCounts,
    MemberQuery,
    MemberStatus,
    Organization,
)
from services.membership.domain.ports import MembershipStore, MembershipTransaction

MAX_DISPLAY_NAME = 200
MAX_INVITEES_PER_CALL = 100
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
    if len(name) > MAX_DISPLAY_NAME or any(ord(ch) < 32 for ch in name):
        raise InvalidArgument(
            f"{field_name} is too long or has control characters.",
            [FieldViolation(field_name, f"at most {MAX_DISPLAY_NAME} printable characters")],
        )
    return name


@dataclass(frozen=True)
class Invitee:
    email: str
    role: str = roles.MEMBER
    display_name: str = ""


@dataclass(frozen=True)
class OrganizationOverview:
    organization: Organization
    counts: MemberCounts


class MembershipUseCases:
    def __init__(self, store: MembershipStore, clock: Clock, invitation_ttl: timedelta = DEFAULT_INVITATION_TTL):
        self._store = store
        self._clock = clock
        self._invitation_ttl = invitation_ttl

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

    async def list_members(self, principal: Principal, query: MemberQuery) -> list[Member]:
        principal.authorize(roles.MEMBERS_READ, query.organization_id)
        if query.role is not None and query.role not in roles.BUILT_IN_ROLES:
            raise InvalidArgument(f"Unknown role {query.role!r}.", [FieldViolation("filter", "unknown role")])
        if query.status is not None and query.status not in {s.value for s in MemberStatus}:
            raise InvalidArgument(f"Unknown status {query.status!r}.", [FieldViolation("filter", "unknown status")])
        async with self._store.read() as tx:
            return await tx.list_members(query)

    def _check_invitee(self, principal: Principal, invitee: Invitee) -> tuple[str, str, str]:
        """(email, role, display name) of a valid invitee; InvalidArgument/PermissionDenied otherwise."""
        email = normalize_email(invitee.email)
        role = invitee.role or roles.MEMBER
        if role not in roles.BUILT_IN_ROLES:
            raise InvalidArgument(f"Unknown role {role!r}.", [FieldViolation("role", "unknown role")])
        missing = roles.permissions_of(role) - principal.permissions
        if missing and not principal.has("platform.admin"):
            raise PermissionDenied(
                f"You can grant only permissions you hold; role {role!r} needs {sorted(missing)}.",
                reason="CANNOT_GRANT_PERMISSION",
            )
        return email, role, _display_name(invitee.display_name, "display_name")

    async def invite_members(
        self, principal: Principal, organization_id: str, invitees: list[Invitee], request_id: str = ""
    ) -> list[InviteOutcome]:
        principal.authorize(roles.MEMBERS_INVITE, organization_id)
        if not 1 <= len(invitees) <= MAX_INVITEES_PER_CALL:
            raise InvalidArgument(
                f"Invite between 1 and {MAX_INVITEES_PER_CALL} people per call.",
                [FieldViolation("invitees", f"1 to {MAX_INVITEES_PER_CALL} entries")],
            )
        now = self._clock.now()
        async with self._store.write() as tx:
            if await tx.get_organization(organization_id) is None:
                raise NotFound("No such organization.")
            if request_id:
                stored = await tx.load_idempotent(organization_id, "InviteMembers", request_id)
                if stored is not None:
                    return await self._replay_outcomes(tx, organization_id, stored)
            outcomes: list[InviteOutcome] = []
            seen: set[str] = set()
            for invitee in invitees:
                try:
                    email, role, display_name = self._check_invitee(principal, invitee)
                except (InvalidArgument, PermissionDenied) as exc:
                    outcomes.append(InviteOutcome(invitee.email, error_reason=exc.reason, error_message=exc.message))
                    continue
                if email in seen or await tx.find_member_by_email(organization_id, email) is not None:
                    outcomes.append(
                        InviteOutcome(
                            email,
                            error_reason="ALREADY_MEMBER",
                            error_message=f"{email} is already invited or a member.",
                        )
                    )
                    continue
                seen.add(email)
                member = Member(
                    id=new_id(),
                    organization_id=organization_id,
                    account_id=None,
                    email=email,
                    display_name=display_name,
                    role=role,
                    status=MemberStatus.INVITED,
                    created_at=now,
                    updated_at=now,
                )
                invitation = Invitation(
                    id=new_id(),
                    organization_id=organization_id,
                    member_id=member.id,
                    email=email,
                    role=role,
                    invited_by=principal.actor_id,
                    created_at=now,
                    expires_at=now + self._invitation_ttl,
                )
                await tx.insert_member(member)
                await tx.insert_invitation(invitation)
                await tx.record_events(MemberInvited(principal, now, request_id, member, invitation))
                outcomes.append(InviteOutcome(email, member=member))
            if request_id:
                await tx.save_idempotent(organization_id, "InviteMembers", request_id, _encode_outcomes(outcomes))
        return outcomes

    async def _replay_outcomes(
        self, tx: MembershipTransaction, organization_id: str, stored: bytes
    ) -> list[InviteOutcome]:
        outcomes = []
        for item in json.loads(stored):
            member = await tx.get_member(organization_id, item["member_id"]) if item["member_id"] else None
            outcomes.append(InviteOutcome(item["email"], member, item["error_reason"], item["error_message"]))
        return outcomes


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
