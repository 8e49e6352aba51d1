"""The audit log against real databases: every event recorded once, in a chain that reveals tampering."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, update
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2, identity_events_pb2, membership_events_pb2
from tenantry.identity.v1 import identity_service_pb2

from services.audit.domain.model import GENESIS_HASH, AuditEntry, entry_hash
from services.audit.domain.ports import EntryQuery
from services.audit.domain.use_cases import AuditUseCases
from services.audit.events.consume import AUDIT_CONSUMER, AuditRecorder
from services.audit.main import MIGRATIONS_DIR
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import audit_entries, chain_heads, messaging
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import NotFound
from services.common.messaging import Bus, EventConsumer, EventTarget, new_envelope
from services.common.principal import Principal, system_principal

ORG = "org-1"
AUDITOR = Principal(actor_type="user", actor_id="a", organization_id=ORG, permissions=frozenset({"audit.read"}))


@dataclass
class Audit:
    consumer: EventConsumer
    use_cases: AuditUseCases
    recorder: AuditRecorder
    db: Database


@pytest.fixture
async def audit(database_url: str) -> AsyncIterator[Audit]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    recorder = AuditRecorder(SqlAuditStore(db), clock)
    consumer = EventConsumer(
        name=AUDIT_CONSUMER,
        db=db,
        tables=messaging,
        bus=Bus("nats://127.0.0.1:4222", name="audit-test"),  # never started: apply() does not publish
        producers=[],
        handlers={},
        fallback_handler=recorder.record,  # type: ignore[arg-type]
    )
    yield Audit(consumer, AuditUseCases(SqlAuditStore(db), clock), recorder, db)
    await db.dispose()


def invited(email: str, organization_id: str = ORG, actor_display: str = "owner@acme.test") -> envelope_pb2.Envelope:
    return new_envelope(
        producer="membership",
        event_type="member.invited",
        organization_id=organization_id,
        actor=common_pb2.Actor(
            type=common_pb2.ACTOR_TYPE_USER, id="acc-1", display=actor_display, ip_address="198.51.100.7"
        ),
        payload=membership_events_pb2.MemberInvited(),
        occurred_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        target=EventTarget("member", f"m-{email}", email),
    )


async def first_broken(audit: Audit) -> int | None:
    """The verifier's answer to an operator: the first broken sequence of ORG's chain, or None."""
    return (await audit.use_cases.verify_chain(system_principal("operator"), ORG)).first_broken_sequence


async def record(audit: Audit, *envelopes: envelope_pb2.Envelope) -> None:
    for envelope in envelopes:
        await audit.consumer.apply(envelope, audit.recorder.record)


async def test_audit_log_lists_member_invited_with_actor_ip_and_target(audit: Audit) -> None:
    await record(audit, invited("a@acme.test"), invited("b@acme.test"))
    entries = await audit.use_cases.list_entries(AUDITOR, EntryQuery(ORG, limit=10, action="member.invited"))
    assert [e.record.target_display for e in entries] == ["b@acme.test", "a@acme.test"]
    newest = entries[0].record
    assert (newest.actor_type, newest.actor_display, newest.actor_ip) == ("user", "owner@acme.test", "198.51.100.7")
    assert entries[0].sequence == 2


async def test_a_redelivered_event_is_recorded_once(audit: Audit) -> None:
    envelope = invited("a@acme.test")
    await record(audit, envelope, envelope)
    assert len(await audit.use_cases.list_entries(AUDITOR, EntryQuery(ORG, limit=10))) == 1


async def test_another_organization_cannot_read_the_log(audit: Audit) -> None:
    await record(audit, invited("a@acme.test"))
    outsider = Principal(
        actor_type="user", actor_id="x", organization_id="org-2", permissions=frozenset({"audit.read"})
    )
    with pytest.raises(NotFound):
        await audit.use_cases.list_entries(outsider, EntryQuery(ORG, limit=10))


async def test_control_characters_in_actor_fields_are_stored_verbatim_not_interpreted(audit: Audit) -> None:
    hostile = "evil\r\nFAKE ENTRY\x1b[31m"
    await record(audit, invited("a@acme.test", actor_display=hostile))
    entry = (await audit.use_cases.list_entries(AUDITOR, EntryQuery(ORG, limit=1)))[0]
    assert entry.record.actor_display == hostile
    assert await first_broken(audit) is None


@pytest.mark.parametrize("tampering", ["edit", "delete", "reorder", "truncate-middle"])
async def test_tampering_with_entries_in_the_database_is_detected_by_the_verifier(audit: Audit, tampering: str) -> None:
    await record(audit, *(invited(f"p{i}@acme.test") for i in range(5)))
    assert await first_broken(audit) is None
    table = audit_entries
    async with audit.db.write() as connection:
        if tampering == "edit":
            await connection.execute(update(table).where(table.c.sequence == 3).values(actor_display="someone else"))
        elif tampering == "delete":
            await connection.execute(delete(table).where(table.c.sequence == 3))
        elif tampering == "reorder":
            await connection.execute(update(table).where(table.c.sequence == 2).values(sequence=99))
            await connection.execute(update(table).where(table.c.sequence == 3).values(sequence=2))
            await connection.execute(update(table).where(table.c.sequence == 99).values(sequence=3))
        else:
            await connection.execute(delete(table).where(table.c.sequence.in_([2, 3])))
    expected = {"edit": 3, "delete": 3, "reorder": 2, "truncate-middle": 2}[tampering]
    assert await first_broken(audit) == expected


def policy_updated(before_domains: list[str], after_domains: list[str]) -> envelope_pb2.Envelope:
    policy = identity_service_pb2.SecurityPolicy
    return new_envelope(
        producer="identity",
        event_type="security_policy.updated",
        organization_id=ORG,
        actor=common_pb2.Actor(type=common_pb2.ACTOR_TYPE_USER, id="acc-1"),
        payload=identity_events_pb2.SecurityPolicyUpdated(
            before=policy(organization_id=ORG, allowed_invitation_domains=before_domains),
            after=policy(organization_id=ORG, allowed_invitation_domains=after_domains),
            version=2,
        ),
        occurred_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        target=EventTarget("security_policy", ORG),
    )


async def test_a_policy_change_is_recorded_with_before_and_after_and_an_edit_of_them_is_detected(
    audit: Audit,
) -> None:
    await record(audit, policy_updated([], ["acme.test"]))
    entry = (await audit.use_cases.list_entries(AUDITOR, EntryQuery(ORG, limit=1)))[0]
    details = json.loads(entry.record.details)
    assert details["before"].get("allowed_invitation_domains", []) == []
    assert details["after"]["allowed_invitation_domains"] == ["acme.test"]
    assert await first_broken(audit) is None
    async with audit.db.write() as connection:
        forged = entry.record.details.replace("acme.test", "evil.test")
        await connection.execute(update(audit_entries).where(audit_entries.c.sequence == 1).values(details=forged))
    assert await first_broken(audit) == 1


async def test_entries_recorded_before_details_existed_still_verify(audit: Audit) -> None:
    await record(audit, invited("a@acme.test"), invited("b@acme.test"))
    async with audit.db.write() as connection:
        await connection.execute(update(audit_entries).values(details=""))
    # Their hashes were computed when entries had no details: recompute the chain as an old version would have.
    entries = [e async for e in _entries(audit)]
    previous = GENESIS_HASH
    async with audit.db.write() as connection:
        for entry in entries:
            old_hash = entry_hash(replace(entry.record, details=""), entry.sequence, previous)
            await connection.execute(
                update(audit_entries)
                .where(audit_entries.c.sequence == entry.sequence)
                .values(prev_hash=previous, hash=old_hash)
            )
            previous = old_hash
        # ... and the head it recorded as it appended them.
        await connection.execute(update(chain_heads).where(chain_heads.c.organization_id == ORG).values(hash=previous))
    assert await first_broken(audit) is None


async def _entries(audit: Audit) -> AsyncIterator[AuditEntry]:
    async with SqlAuditStore(audit.db).read() as tx:
        async for entry in tx.entries_in_order(ORG):
            yield entry
