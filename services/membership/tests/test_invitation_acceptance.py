"""Accepting an invitation: only with the link's token, before it expires, by the invited email."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import FrozenClock
from services.common.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.invitations import InvitationUseCases, Invitee, invitation_token
from services.membership.domain.model import Invitation, MemberStatus, Organization
from services.membership.domain.organizations import OrganizationUseCases
from services.membership.store.tables import messaging
from services.membership.tests.support import membership_store

ORG = "org-1"
SECRET = "s" * 48
OWNER = Principal(
    actor_type="user",
    actor_id="owner",
    account_id="owner",
    organization_id=ORG,
    permissions=roles.permissions_of("owner"),
)


def person(email: str, account_id: str = "acc-new") -> Principal:
    return Principal(actor_type="user", actor_id=account_id, actor_display=email, account_id=account_id)


@pytest.fixture
async def invited(
    database_url: str,
) -> AsyncIterator[tuple[InvitationUseCases, FrozenClock, Invitation, str, OrganizationUseCases]]:
    clock = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", clock.now()))
        use_cases = InvitationUseCases(store, clock, invitation_secret=SECRET)
        member = (await use_cases.invite_members(OWNER, ORG, [Invitee("Joiner@acme.test")]))[0].member
        assert member is not None
        async with store.write() as tx:
            await tx.insert_member(
                replace(
                    member,
                    id="m-existing",
                    email="existing@acme.test",
                    account_id="owner-account",
                    status=MemberStatus.ACTIVE,
                )
            )
        async with db.read() as connection:
            payload = await connection.scalar(
                select(messaging.outbox.c.payload).where(
                    messaging.outbox.c.subject == "tenantry.membership.member.invited"
                )
            )
        event = membership_events_pb2.MemberInvited()
        envelope_pb2.Envelope.FromString(payload).payload.Unpack(event)
        async with store.read() as tx:
            invitation = await tx.get_invitation(event.invitation_id)
        assert invitation is not None
        token = invitation_token(SECRET, invitation.id, invitation.token_version)
        yield use_cases, clock, invitation, token, OrganizationUseCases(store, clock)


async def test_the_invited_person_accepts_and_becomes_active(invited) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, invitation, token, _ = invited
    view = await use_cases.invitation_view(invitation.id, token)
    assert (view.organization_name, view.invitation.email) == ("Acme", "joiner@acme.test")
    member = await use_cases.accept_invitation(person("joiner@acme.test"), invitation.id, token)
    assert (member.status, member.account_id) == (MemberStatus.ACTIVE, "acc-new")
    with pytest.raises(NotFound):
        await use_cases.accept_invitation(person("joiner@acme.test"), invitation.id, token)


async def test_a_forged_token_is_not_found(invited) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, invitation, _, _ = invited
    with pytest.raises(NotFound):
        await use_cases.invitation_view(invitation.id, invitation_token("another secret", invitation.id, 1))


async def test_someone_with_another_email_cannot_accept(invited) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, invitation, token, _ = invited
    with pytest.raises(PermissionDenied):
        await use_cases.accept_invitation(person("intruder@evil.test"), invitation.id, token)


async def test_an_expired_invitation_cannot_be_accepted(invited) -> None:  # type: ignore[no-untyped-def]
    use_cases, clock, invitation, token, _ = invited
    clock.advance(timedelta(days=7, seconds=1))
    with pytest.raises(FailedPrecondition):
        await use_cases.accept_invitation(person("joiner@acme.test"), invitation.id, token)


async def test_an_account_that_is_already_a_member_cannot_accept_twice(invited) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, invitation, token, _ = invited
    with pytest.raises(AlreadyExists):
        await use_cases.accept_invitation(person("joiner@acme.test", account_id="owner-account"), invitation.id, token)


async def test_a_resent_invitation_has_a_new_link_and_the_old_one_stops_working(invited) -> None:  # type: ignore[no-untyped-def]
    use_cases, clock, invitation, old_token, _ = invited
    clock.advance(timedelta(days=6))
    member, renewed = await use_cases.resend_invitation(OWNER, ORG, invitation.member_id)
    assert renewed.expires_at == clock.now() + timedelta(days=7)
    with pytest.raises(NotFound):
        await use_cases.invitation_view(invitation.id, old_token)
    view = await use_cases.invitation_view(invitation.id, invitation_token(SECRET, renewed.id, renewed.token_version))
    assert view.member.id == member.id


async def test_only_a_pending_invitation_is_resent_and_the_organization_sets_the_expiry(invited) -> None:  # type: ignore[no-untyped-def]
    use_cases, clock, _, _, organizations = invited
    with pytest.raises(FailedPrecondition):
        await use_cases.resend_invitation(OWNER, ORG, "m-existing")
    await organizations.update_organization(OWNER, ORG, {"invitation_ttl_days": "2"})
    outcome = (await use_cases.invite_members(OWNER, ORG, [Invitee("short@acme.test")]))[0]
    assert outcome.member is not None
    _, renewed = await use_cases.resend_invitation(OWNER, ORG, outcome.member.id)
    assert renewed.expires_at == clock.now() + timedelta(days=2)


async def test_a_retried_invitation_whose_answer_was_lost_is_the_same_member(invited) -> None:  # type: ignore[no-untyped-def]
    use_cases, _, _, _, _ = invited
    first = await use_cases.invite_one(OWNER, ORG, "retry@acme.test", "member", "", "req-7")
    # As if the answer and the call's stored result were lost: the same request asks for the same person again.
    again = await use_cases.invite_one(OWNER, ORG, "retry@acme.test", "member", "", "req-7")
    assert first.member is not None and again.member is not None and again.member.id == first.member.id
    other = await use_cases.invite_one(OWNER, ORG, "retry@acme.test", "member", "", "req-8")
    assert other.error_reason == "ALREADY_MEMBER"
