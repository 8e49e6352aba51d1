"""An organization's deletion in identity (membership's organization.deleted, as identity's consumer receives it),
on SQLite and PostgreSQL: the organization's memberships, sessions and policy go; a person who belongs to another
organization keeps their account and their sign-in there; a person who belonged only to it loses their account."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, insert, select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.errors import Unauthenticated
from services.common.messaging import actor_from_principal, new_envelope, timestamp
from services.common.principal import system_principal
from services.identity.events.consume import MembershipProjection
from services.identity.store.tables import (
    accounts,
    memberships,
    metadata,
    sso_connections,
    sso_domains,
    sso_idp_certificates,
    sso_pending_sign_ins,
    sso_sp_keys,
)
from services.identity.tests.harness import PASSWORD, Identity, identity_on

MEMBER = ["members.read", "seat.use"]


@pytest.fixture
async def identity(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Identity]:
    async with identity_on(database_url, principal_keys) as harness:
        yield harness


def organization_deleted(identity: Identity, organization_id: str) -> envelope_pb2.Envelope:
    return new_envelope(
        producer="membership",
        event_type="organization.deleted",
        organization_id=organization_id,
        actor=actor_from_principal(system_principal("membership-deletion")),
        payload=membership_events_pb2.OrganizationDeleted(
            organization_id=organization_id, deleted_time=timestamp(identity.clock.now())
        ),
        occurred_at=identity.clock.now(),
    )


async def deliver(identity: Identity, envelope: envelope_pb2.Envelope) -> None:
    async with identity.db.write() as connection:
        await MembershipProjection(identity.store, identity.clock).on_organization_deleted(connection, envelope)


async def join(identity: Identity, email: str, *organization_ids: str) -> str:
    account = await identity.use_cases.accounts.create_account(system_principal(), email=email, password=PASSWORD)
    for organization_id in organization_ids:
        await identity.member_joined(account.id, organization_id, permissions=MEMBER, role="member")
    return account.id


async def rows_naming(identity: Identity, organization_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with identity.db.read() as connection:
        for table in metadata.sorted_tables:
            if "organization_id" in table.c:
                count = await connection.scalar(
                    select(func.count()).select_from(table).where(table.c.organization_id == organization_id)
                )
                if count:
                    counts[table.name] = int(count)
    return counts


async def test_the_organizations_data_goes_and_only_people_of_no_other_organization_lose_their_account(
    identity: Identity,
) -> None:
    alone = await join(identity, "alone@acme.test", "org-1")
    both = await join(identity, "both@acme.test", "org-1", "org-2")
    other = await join(identity, "other@globex.test", "org-2")
    await identity.sign_in("alone@acme.test", organization_id="org-1")
    await identity.sign_in("both@acme.test", organization_id="org-1")
    await identity.sign_in("other@globex.test", organization_id="org-2")
    assert {"memberships", "sessions"} <= set(await rows_naming(identity, "org-1"))
    org_2_before = await rows_naming(identity, "org-2")

    await deliver(identity, organization_deleted(identity, "org-1"))

    assert await rows_naming(identity, "org-1") == {}
    assert await rows_naming(identity, "org-2") == org_2_before
    async with identity.db.read() as connection:
        kept = set(await connection.scalars(select(accounts.c.id)))
        both_memberships = list(
            await connection.scalars(select(memberships.c.organization_id).where(memberships.c.account_id == both))
        )
    assert alone not in kept
    assert {both, other} <= kept
    assert both_memberships == ["org-2"]
    token, _ = await identity.sign_in("both@acme.test", organization_id="org-2")
    assert (await identity.principal(token)).organization_id == "org-2"
    with pytest.raises(Unauthenticated):
        await identity.sign_in("alone@acme.test")

    org_2_now = await rows_naming(identity, "org-2")
    await deliver(identity, organization_deleted(identity, "org-1"))  # a redelivery deletes nothing more
    assert await rows_naming(identity, "org-2") == org_2_now
    assert await rows_naming(identity, "org-1") == {}


async def add_connection(identity: Identity, organization_id: str) -> str:
    """An SSO connection with its own rows (certificate, our key, a pending sign-in) and a claimed domain."""
    now, connection_id = identity.clock.now(), f"conn-{organization_id}"
    async with identity.db.write() as connection:
        await connection.execute(
            insert(sso_connections).values(
                id=connection_id,
                organization_id=organization_id,
                name="Okta",
                protocol="saml",
                enabled=True,
                settings="{}",
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        await connection.execute(
            insert(sso_idp_certificates).values(
                id=f"cert-{organization_id}",
                connection_id=connection_id,
                certificate_pem="pem",
                fingerprint_sha256="f" * 64,
                created_at=now,
            )
        )
        await connection.execute(
            insert(sso_sp_keys).values(
                id=f"key-{organization_id}",
                connection_id=connection_id,
                private_key_pem="sealed",
                certificate_pem="pem",
                created_at=now,
            )
        )
        await connection.execute(
            insert(sso_pending_sign_ins).values(
                id=f"pending-{organization_id}",
                connection_id=connection_id,
                browser_binding_hash="b" * 64,
                created_at=now,
                expires_at=now,
            )
        )
        await connection.execute(
            insert(sso_domains)
            .values(organization_id=organization_id, domain=f"{organization_id}.test", state="pending", token="t")
            .values(created_at=now)
        )
    return connection_id


async def rows_of_connection(identity: Identity, connection_id: str) -> int:
    async with identity.db.read() as connection:
        total = 0
        for table in (sso_idp_certificates, sso_sp_keys, sso_pending_sign_ins):
            total += int(
                await connection.scalar(
                    select(func.count()).select_from(table).where(table.c.connection_id == connection_id)
                )
                or 0
            )
        return total


async def test_the_organizations_sso_connections_go_with_their_certificates_keys_and_domains(
    identity: Identity,
) -> None:
    deleted, kept = await add_connection(identity, "org-1"), await add_connection(identity, "org-2")
    assert await rows_of_connection(identity, deleted) == 3

    await deliver(identity, organization_deleted(identity, "org-1"))

    assert await rows_of_connection(identity, deleted) == 0
    assert await rows_naming(identity, "org-1") == {}
    assert await rows_of_connection(identity, kept) == 3
    assert await rows_naming(identity, "org-2") == {"sso_connections": 1, "sso_domains": 1}
