"""ProvisionMember with a role from the identity provider's group mapping: an existing member's role follows it
under the rules of any role change (a seat held first, an Owner kept, member.role_changed with before and after,
the SSO sign-in as actor); a refused change keeps the role and says why; a default role never changes anyone's.
Membership and billing in process against a real nats-server and database."""

from __future__ import annotations

from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2
from tenantry.membership.v1 import provisioning_service_pb2 as prov_pb

from services.common.db import Database
from services.common.principal import ACTOR_SYSTEM, Principal
from services.membership.store.tables import messaging
from services.membership.tests.test_provisioning import Suite, full_suite, suite

# The fixtures are used by name below.
__all__ = ["full_suite", "suite"]

SSO_ACTOR = "identity-sso"


def sso(suite: Suite) -> tuple[tuple[str, str], ...]:
    """What identity's SSO sign-in calls membership as (services/identity/adapters/provisioning.py)."""
    return suite.as_(
        Principal(
            actor_type=ACTOR_SYSTEM,
            actor_id=SSO_ACTOR,
            actor_display="Single sign-on",
            organization_id=suite.organization_id,
            permissions=frozenset({"members.invite"}),
        )
    )


async def provision(suite: Suite, email: str, role: str, from_mapping: bool) -> prov_pb.ProvisionMemberResponse:
    return await suite.provisioning.ProvisionMember(
        prov_pb.ProvisionMemberRequest(
            organization_id=suite.organization_id,
            email=email,
            external_id=f"idp|{email}",
            role=role,
            role_from_mapping=from_mapping,
        ),
        metadata=sso(suite),
    )


async def role_changes(database_url: str) -> list[envelope_pb2.Envelope]:
    database = Database(database_url)
    try:
        async with database.read() as connection:
            payloads = await connection.scalars(
                select(messaging.outbox.c.payload)
                .where(messaging.outbox.c.subject == "tenantry.membership.member.role_changed")
                .order_by(messaging.outbox.c.id)
            )
            return [envelope_pb2.Envelope.FromString(payload) for payload in payloads]
    finally:
        await database.engine.dispose()


async def test_a_mapped_role_changes_an_existing_members_role_and_a_default_role_never_does(
    suite: Suite, database_url: str
) -> None:
    created = await provision(suite, "bo@acme.test", "member", from_mapping=False)
    assert created.created and created.member.role == "member"

    kept = await provision(suite, "bo@acme.test", "user_admin", from_mapping=False)
    assert (kept.member.role, kept.role_refused) == ("member", "")
    assert await role_changes(database_url) == []

    followed = await provision(suite, "bo@acme.test", "user_admin", from_mapping=True)
    assert (followed.created, followed.member.role, followed.role_refused) == (False, "user_admin", "")
    [change] = await role_changes(database_url)
    event = membership_events_pb2.MemberChanged()
    change.payload.Unpack(event)
    assert (event.previous_role, event.role, event.member_id) == ("member", "user_admin", created.member.id)
    assert change.actor.id == SSO_ACTOR

    # The next sign-in with the same mapping changes nothing more.
    again = await provision(suite, "bo@acme.test", "user_admin", from_mapping=True)
    assert again.member.role == "user_admin"
    assert len(await role_changes(database_url)) == 1


async def test_the_last_owner_keeps_the_owner_role_whatever_the_mapping_says(suite: Suite, database_url: str) -> None:
    refused = await provision(suite, "o@acme.test", "member", from_mapping=True)
    assert (refused.created, refused.member.role, refused.role_refused) == (False, "owner", "last_owner")
    assert await role_changes(database_url) == []


async def test_a_mapped_role_with_a_seat_and_none_free_keeps_the_role_and_holds_nothing(
    full_suite: Suite, database_url: str
) -> None:
    suite = full_suite
    # Billing admins hold no seat: Bo is created without one, then Cy takes the last free seat.
    bo = await provision(suite, "bo@acme.test", "billing_admin", from_mapping=True)
    assert bo.created and bo.member.role == "billing_admin"
    await provision(suite, "cy@acme.test", "member", from_mapping=True)
    assert await suite.seats_in_use() == 2

    refused = await provision(suite, "bo@acme.test", "member", from_mapping=True)
    assert (refused.member.role, refused.role_refused) == ("billing_admin", "no_seat")
    assert await suite.seats_in_use() == 2
    assert await role_changes(database_url) == []


async def test_a_mapping_to_a_role_that_no_longer_exists_keeps_the_role(suite: Suite) -> None:
    await provision(suite, "dee@acme.test", "member", from_mapping=False)
    kept = await provision(suite, "dee@acme.test", "deleted_custom_role", from_mapping=True)
    assert (kept.member.role, kept.role_refused) == ("member", "unknown_role")
