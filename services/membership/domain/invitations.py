"""Invitations: inviting people (each invitee on its own, holding a billing seat first when the role uses
one), sending a pending invitation again, and a link's view and acceptance. The link's token is an HMAC of the
invitation id and its version under the service's secret: nothing secret is stored or published, and resending
(a new version) retires the old link."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from services.common.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unavailable,
)
from services.common.ids import new_id
from services.common.people import clean_display_name, normalise_email
from services.common.principal import Principal
from services.membership.domain import roles, rules
from services.membership.domain.custom_roles import role_catalog
from services.membership.domain.events import InvitationResent, MemberChanged, MemberInvited
from services.membership.domain.groups import check_workspace_limit, join_default_groups, join_groups
from services.membership.domain.model import Group, Invitation, InviteOutcome, Member, MemberStatus, Organization
from services.membership.domain.ports import Clock, MembershipStore, MembershipTransaction, SeatReservations
from services.membership.domain.replays import Replay, all_final, outcome_from_json, outcome_to_json
from services.membership.domain.seats import give_back_seat

MAX_INVITEES_PER_CALL = 100
DEFAULT_INVITATION_TTL = timedelta(days=7)


def invitation_token(secret: str, invitation_id: str, token_version: int) -> str:
    digest = hmac.new(
        hashlib.sha256(("invitation:" + secret).encode()).digest(),
        f"{invitation_id}:{token_version}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_matches(secrets: str | Sequence[str], invitation: Invitation, token: str) -> bool:
    """Any of the service's keys verifies a link, so links sent before a key rotation keep working."""
    keys = [secrets] if isinstance(secrets, str) else secrets
    return any(
        hmac.compare_digest(invitation_token(secret, invitation.id, invitation.token_version), token) for secret in keys
    )


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
    # The organization's welcome (Talkspirit), shown to the person as they join.
    welcome_message: str = ""
    welcome_video_url: str = ""


def already_member(email: str) -> InviteOutcome:
    return InviteOutcome(email, error_reason="ALREADY_MEMBER", error_message=f"{email} is already invited or a member.")


def check_invitee(
    principal: Principal, invitee: Invitee, catalog: roles.RoleCatalog = roles.BUILT_IN_CATALOG
) -> tuple[str, str, str]:
    """(email, role, display name) of a valid invitee; InvalidArgument/PermissionDenied otherwise."""
    email = normalise_email(invitee.email)
    role = invitee.role or roles.MEMBER
    rules.check_grantable(principal, role, catalog)
    if role != roles.MEMBER and not principal.has(roles.MEMBERS_MANAGE_ROLES):
        raise PermissionDenied("You can invite only members of the Member role.", reason="CANNOT_GRANT_PERMISSION")
    return email, role, clean_display_name(invitee.display_name, "display_name")


@dataclass(frozen=True)
class _Planned:
    """A checked invitee, ready to hold a seat and be written."""

    email: str
    role: str
    display_name: str
    groups: tuple[Group, ...]
    member_id: str
    # The member already holding this email, if any.
    existing: Member | None


async def _groups_in(
    tx: MembershipTransaction, principal: Principal, organization_id: str, group_ids: Sequence[str]
) -> list[Group]:
    """The groups an invitation adds its person to; those who manage groups choose them."""
    if not group_ids:
        return []
    if not principal.has(roles.GROUPS_MANAGE):
        raise PermissionDenied("Only those who manage groups invite into groups.", reason="MISSING_PERMISSION")
    wanted = list(dict.fromkeys(group_id[:36] for group_id in group_ids))
    found = await tx.groups_by_ids(organization_id, wanted)  # one query, however many groups
    if any(group_id not in found for group_id in wanted):
        raise NotFound("One of the groups does not exist.", reason="UNKNOWN_GROUP")
    groups = [found[group_id] for group_id in wanted]
    check_workspace_limit(groups)
    return groups


async def _member_id_in(tx: MembershipTransaction, organization_id: str, email: str, idempotency_key: str) -> str:
    """The id a new member gets. With an idempotency key it is remembered (in `tx`, a write transaction) before
    any seat is held, so a retry after a crash holds the same seat again (billing's holds are per member) instead
    of a second one."""
    if not idempotency_key:
        return new_id()
    key = hashlib.sha256(f"{idempotency_key}\n{email}".encode()).hexdigest()
    replay = Replay(organization_id, "InviteMember", key)
    answer = await replay.answer(tx)
    if answer is not None:
        return str(answer["member_id"])
    member_id = new_id()
    await replay.keep(tx, {"member_id": member_id})
    return member_id


class InvitationUseCases:
    def __init__(
        self,
        store: MembershipStore,
        clock: Clock,
        invitation_ttl: timedelta = DEFAULT_INVITATION_TTL,
        invitation_secret: str | Sequence[str] = "",
        seats: SeatReservations | None = None,
    ):
        self._store = store
        self._clock = clock
        self._invitation_ttl = invitation_ttl
        # Verifies invitation links (see invitation_token).
        self._invitation_secret = invitation_secret
        # Billing's seats; None where seats are not limited (tests of other rules).
        self._seats = seats

    async def invite_members(
        self,
        principal: Principal,
        organization_id: str,
        invitees: list[Invitee],
        idempotency_key: str = "",
        request_fingerprint: str = "",
    ) -> list[InviteOutcome]:
        """Each invitee succeeds or fails on its own, in its own transaction. With an idempotency key, one first
        transaction checks for a kept answer (refusing the key if it was used with another request, see
        `request_fingerprint`) and remembers every invitee's member id, and a final one keeps the answer."""
        principal.authorize(roles.MEMBERS_INVITE, organization_id)
        if not 1 <= len(invitees) <= MAX_INVITEES_PER_CALL:
            raise InvalidArgument(
                f"Invite between 1 and {MAX_INVITEES_PER_CALL} people per call.",
                [FieldViolation("invitees", f"1 to {MAX_INVITEES_PER_CALL} entries")],
            )
        replay = Replay(organization_id, "InviteMembers", idempotency_key, request_fingerprint)
        planned: list[InviteOutcome | _Planned] = []
        async with self._store.write() if idempotency_key else self._store.read() as tx:
            organization = await tx.get_organization(organization_id)
            if organization is None:
                raise NotFound("No such organization.")
            answer = await replay.answer(tx)
            if answer is not None:
                return [outcome_from_json(item) for item in answer["outcomes"]]
            allowed_domains = await tx.get_allowed_invitation_domains(organization_id)
            catalog = await role_catalog(tx, organization_id)
            seen: set[str] = set()
            for invitee in invitees:
                try:
                    email, role, display_name = check_invitee(principal, invitee, catalog)
                    rules.check_invitation_domain(email, allowed_domains)
                    groups = await _groups_in(tx, principal, organization_id, invitee.group_ids)
                except (InvalidArgument, PermissionDenied, NotFound) as exc:
                    planned.append(InviteOutcome(invitee.email, error_reason=exc.reason, error_message=exc.message))
                    continue
                if email in seen:
                    planned.append(already_member(email))
                    continue
                seen.add(email)
                planned.append(
                    await self._plan(tx, organization_id, email, role, display_name, idempotency_key, groups)
                )
        outcomes: list[InviteOutcome] = []
        kept = False
        for index, plan in enumerate(planned):
            if isinstance(plan, InviteOutcome):
                outcomes.append(plan)
                continue
            # The last invitee's transaction also keeps the answer when it succeeds (one transaction less).
            keeps_answer = bool(replay.idempotency_key) and index == len(planned) - 1 and all_final(outcomes)
            written = [False]

            async def keep_answer(
                tx: MembershipTransaction, outcome: InviteOutcome, done: list[bool] = written
            ) -> None:
                await replay.keep(tx, {"outcomes": [outcome_to_json(o) for o in [*outcomes, outcome]]})
                done[0] = True

            outcome = await self._invite_planned(
                principal, organization, catalog, plan, keep_answer if keeps_answer else None
            )
            outcomes.append(outcome)
            kept = written[0] and outcome.member is not None  # its transaction committed
        if replay.idempotency_key and not kept and all_final(outcomes):
            async with self._store.write() as tx:
                await replay.keep(tx, {"outcomes": [outcome_to_json(o) for o in outcomes]})
        return outcomes

    async def invitation_groups(
        self, principal: Principal, organization_id: str, group_ids: Sequence[str]
    ) -> list[Group]:
        """The groups an invitation adds its person to; those who manage groups choose them."""
        if not group_ids:
            return []
        async with self._store.read() as tx:
            return await _groups_in(tx, principal, organization_id, group_ids)

    async def invite_one(
        self,
        principal: Principal,
        organization_id: str,
        email: str,
        role: str,
        display_name: str,
        idempotency_key: str,
        groups: Sequence[Group] = (),
    ) -> InviteOutcome:
        """Invite one checked person in its own transaction, holding a seat first when the role uses one (and
        giving it back if the invitation is then not written)."""
        async with self._store.write() if idempotency_key else self._store.read() as tx:
            organization = await tx.get_organization(organization_id)
            if organization is None:
                raise NotFound("No such organization.")
            catalog = await role_catalog(tx, organization_id)
            plan = await self._plan(tx, organization_id, email, role, display_name, idempotency_key, groups)
        return await self._invite_planned(principal, organization, catalog, plan)

    async def _plan(
        self,
        tx: MembershipTransaction,
        organization_id: str,
        email: str,
        role: str,
        display_name: str,
        idempotency_key: str,
        groups: Sequence[Group],
    ) -> _Planned:
        """What inviting a checked person needs from the database before a seat is held: the id the member gets
        (remembered under the key in `tx`, a write transaction when there is a key) and who holds the email."""
        member_id = await _member_id_in(tx, organization_id, email, idempotency_key)
        existing = await tx.find_member_by_email(organization_id, email)
        return _Planned(email, role, display_name, tuple(groups), member_id, existing)

    async def _invite_planned(
        self,
        principal: Principal,
        organization: Organization,
        catalog: roles.RoleCatalog,
        plan: _Planned,
        also_in_transaction: Callable[[MembershipTransaction, InviteOutcome], Awaitable[None]] | None = None,
    ) -> InviteOutcome:
        """Hold the seat and write the invitation; `also_in_transaction` runs in the same transaction with the
        success it is about to commit."""
        email, role, organization_id = plan.email, plan.role, organization.id
        if plan.existing is not None:
            # The same request already invited this person (its answer was lost): the same success again.
            return (
                InviteOutcome(email, member=plan.existing)
                if plan.existing.id == plan.member_id
                else already_member(email)
            )
        now = self._clock.now()
        member = Member(
            id=plan.member_id,
            organization_id=organization_id,
            account_id=None,
            email=email,
            display_name=plan.display_name,
            role=role,
            status=MemberStatus.INVITED,
            created_at=now,
            updated_at=now,
            custom_role_permissions=catalog.custom_permissions(role),
        )
        seats = self._seats if rules.holds_seat(member) else None
        if seats is not None:
            try:
                await seats.reserve(organization_id, member.id)
            except Unavailable as exc:
                return InviteOutcome(email, error_reason=exc.reason, error_message=exc.message, retryable=True)
            except FailedPrecondition as exc:
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
                    raise Aborted("The role changed meanwhile; invite again.", reason="ROLE_CHANGED")
                if await tx.find_member_by_email(organization_id, email) is not None:
                    raise AlreadyExists(f"{email} is already invited or a member.", reason="ALREADY_MEMBER")
                await tx.insert_member(member)
                await tx.insert_invitation(invitation)
                await tx.record_events(MemberInvited(principal, now, member, invitation))
                await join_default_groups(tx, principal, [member], now)
                chosen = [group for group in plan.groups if not group.is_default]  # defaults were joined above
                await join_groups(tx, principal, chosen, [member.id], now)
                if also_in_transaction is not None:
                    await also_in_transaction(tx, InviteOutcome(email, member=member))
        except BaseException as exc:
            if seats is not None:
                await give_back_seat(seats, organization_id, member.id)
            if isinstance(exc, AlreadyExists):
                return already_member(email)
            if isinstance(exc, Aborted):
                return InviteOutcome(email, error_reason=exc.reason, error_message=exc.message, retryable=True)
            raise
        return InviteOutcome(email, member=member)

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
            await tx.record_events(InvitationResent(principal, now, member, renewed))
        return member, renewed

    async def invitation_view(self, invitation_id: str, token: str) -> InvitationView:
        """What a valid, pending, unexpired invitation link offers; NotFound for anything else."""
        async with self._store.read() as tx:
            invitation, organization, member = await self._valid_invitation(tx, invitation_id, token)
        return InvitationView(
            invitation, organization.display_name, member, organization.welcome_message, organization.welcome_video_url
        )

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
            await tx.record_events(MemberChanged(principal, now, accepted, "accept", member))
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
