"""Security events identity publishes about an account land in the logs of the organizations it belongs to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf.message import Message
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2, identity_events_pb2, membership_events_pb2

from services.audit.domain.ports import EntryQuery
from services.audit.domain.use_cases import AuditUseCases
from services.audit.events.consume import AUDIT_CONSUMER, AuditRecorder
from services.audit.main import MIGRATIONS_DIR
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import messaging
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import Bus, EventConsumer, EventTarget, new_envelope, timestamp
from services.common.principal import Principal, system_principal

ACME, GLOBEX = "org-acme", "org-globex"
ACCOUNT = "acc-9"
ATTACKER_IP, ATTACKER_AGENT = "203.0.113.66", "curl/8.5"
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


def auditor(organization_id: str) -> Principal:
    return Principal(
        actor_type="user", actor_id="admin", organization_id=organization_id, permissions=frozenset({"audit.read"})
    )


@dataclass
class Audit:
    consumer: EventConsumer
    recorder: AuditRecorder
    use_cases: AuditUseCases

    async def record(self, *envelopes: envelope_pb2.Envelope) -> None:
        for envelope in envelopes:
            await self.consumer.apply(envelope, self.recorder.record)

    async def actions(self, organization_id: str) -> list[str]:
        entries = await self.use_cases.list_entries(auditor(organization_id), EntryQuery(organization_id, limit=50))
        return [entry.record.action for entry in reversed(entries)]


@pytest.fixture
async def audit(database_url: str) -> AsyncIterator[Audit]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(AT)
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
    yield Audit(consumer, recorder, AuditUseCases(SqlAuditStore(db), clock))
    await db.dispose()


def member_event(
    verb: str, organization_id: str, status: str, version: int, member_id: str = "m-1"
) -> envelope_pb2.Envelope:
    return new_envelope(
        producer="membership",
        event_type=f"member.{verb}",
        organization_id=organization_id,
        actor=common_pb2.Actor(type=common_pb2.ACTOR_TYPE_USER, id="owner"),
        payload=membership_events_pb2.MemberChanged(
            member_id=member_id, account_id=ACCOUNT, email="pat@acme.test", status=status, version=version
        ),
        occurred_at=AT,
        target=EventTarget("member", member_id, "pat@acme.test"),
    )


def identity_event(event_type: str, payload: Message, organization_id: str = "") -> envelope_pb2.Envelope:
    return new_envelope(
        producer="identity",
        event_type=event_type,
        organization_id=organization_id,
        actor=common_pb2.Actor(
            type=common_pb2.ACTOR_TYPE_UNSPECIFIED, ip_address=ATTACKER_IP, user_agent=ATTACKER_AGENT
        ),
        payload=payload,
        occurred_at=AT,
        target=EventTarget("account", ACCOUNT, "pat@acme.test"),
    )


def failed() -> envelope_pb2.Envelope:
    return identity_event(
        "sign_in.failed", identity_events_pb2.SignInFailed(email="pat@acme.test", account_id=ACCOUNT, reason="password")
    )


def locked() -> envelope_pb2.Envelope:
    until = timestamp(AT + timedelta(minutes=15))
    return identity_event("login.locked", identity_events_pb2.LoginLocked(account_id=ACCOUNT, locked_until=until))


async def test_a_member_locked_out_after_failures_shows_up_in_their_organization_log(audit: Audit) -> None:
    await audit.record(member_event("added", ACME, "active", 1))
    await audit.record(failed(), failed(), failed(), locked())
    assert await audit.actions(ACME) == [
        "member.added",
        "sign_in.failed",
        "sign_in.failed",
        "sign_in.failed",
        "login.locked",
    ]
    lockout = (await audit.use_cases.list_entries(auditor(ACME), EntryQuery(ACME, limit=1, action="login.locked")))[0]
    record = lockout.record
    assert (record.actor_ip, record.actor_user_agent, record.target_id) == (ATTACKER_IP, ATTACKER_AGENT, ACCOUNT)
    assert '"locked_until"' in record.details
    verdict = await audit.use_cases.verify_chain(system_principal("operator"), ACME)
    assert verdict.intact


async def test_an_organization_the_account_does_not_belong_to_sees_nothing(audit: Audit) -> None:
    await audit.record(member_event("added", ACME, "active", 1))
    await audit.record(failed(), locked())
    assert await audit.actions(GLOBEX) == []


async def test_every_organization_of_the_account_gets_its_own_copy(audit: Audit) -> None:
    await audit.record(member_event("added", ACME, "active", 1), member_event("added", GLOBEX, "active", 1, "m-2"))
    await audit.record(locked())
    assert (await audit.actions(ACME))[-1] == "login.locked"
    assert (await audit.actions(GLOBEX))[-1] == "login.locked"


async def test_a_redelivered_lockout_is_copied_once(audit: Audit) -> None:
    await audit.record(member_event("added", ACME, "active", 1))
    lockout = locked()
    await audit.record(lockout, lockout)
    assert (await audit.actions(ACME)).count("login.locked") == 1


async def test_a_removed_member_security_events_stay_out_of_the_former_organization_log(audit: Audit) -> None:
    await audit.record(member_event("added", ACME, "active", 1), member_event("removed", ACME, "removed", 2))
    await audit.record(locked())
    assert "login.locked" not in await audit.actions(ACME)


async def test_an_older_member_state_delivered_late_does_not_bring_a_removed_member_back(audit: Audit) -> None:
    await audit.record(member_event("removed", ACME, "removed", 2), member_event("added", ACME, "active", 1))
    await audit.record(locked())
    assert "login.locked" not in await audit.actions(ACME)


async def test_password_mfa_and_session_changes_of_a_member_are_in_the_log(audit: Audit) -> None:
    await audit.record(member_event("added", ACME, "active", 1))
    await audit.record(
        identity_event("password.changed", identity_events_pb2.PasswordChanged(account_id=ACCOUNT, method="reset")),
        identity_event("mfa.enabled", identity_events_pb2.MfaChanged(account_id=ACCOUNT, factor="totp")),
        identity_event("session.ended", identity_events_pb2.SessionEnded(session_id="s-1", account_id=ACCOUNT)),
    )
    assert (await audit.actions(ACME))[1:] == ["password.changed", "mfa.enabled", "session.ended"]


async def test_an_event_already_in_an_organization_is_not_copied_again(audit: Audit) -> None:
    await audit.record(member_event("added", ACME, "active", 1), member_event("added", GLOBEX, "active", 1, "m-2"))
    started = identity_events_pb2.SessionStarted(session_id="s-1", account_id=ACCOUNT, method="password")
    await audit.record(identity_event("session.started", started, organization_id=ACME))
    assert (await audit.actions(ACME)).count("session.started") == 1
    assert "session.started" not in await audit.actions(GLOBEX)
