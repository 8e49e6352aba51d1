"""Analytics against a running audit service: events arrive over real NATS, figures are read over gRPC."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import pytest
from google.protobuf.message import Message
from pydantic import SecretStr
from tenantry.audit.v1 import analytics_service_pb2 as pb
from tenantry.audit.v1 import analytics_service_pb2_grpc as pb_grpc
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import (
    billing_events_pb2,
    entitlement_events_pb2,
    identity_events_pb2,
    membership_events_pb2,
)

from services.audit.main import MIGRATIONS_DIR, build
from services.audit.settings import AuditSettings
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.keys import ensure_local_keys, public_key_path, signing_key_path
from services.common.messaging import Bus, new_envelope
from services.common.messaging.envelope import subject_of
from services.common.nats_server import NatsServer, free_port
from services.common.permissions import ANALYTICS_READ, ANALYTICS_REPORT
from services.common.principal import Principal, PrincipalSigner, outgoing_metadata
from services.common.testing import eventually

ORG = "org-1"
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
TODAY = NOW.date().isoformat()
ADMIN = Principal(actor_type="user", actor_id="acc-admin", organization_id=ORG, permissions=frozenset({ANALYTICS_READ}))
PRODUCT = Principal(
    actor_type="api_key", actor_id="key-1", organization_id=ORG, permissions=frozenset({ANALYTICS_REPORT})
)
SYSTEM_ACTOR = common_pb2.Actor(type=common_pb2.ACTOR_TYPE_SYSTEM, id="test")


@dataclass
class RunningAnalytics:
    address: str
    signer: PrincipalSigner
    bus: Bus

    async def publish(self, producer: str, event_type: str, payload: Message, organization_id: str = ORG) -> None:
        envelope = new_envelope(
            producer=producer,
            event_type=event_type,
            organization_id=organization_id,
            actor=SYSTEM_ACTOR,
            payload=payload,
            occurred_at=NOW,
        )
        await self.bus.ensure_stream(producer)
        await self.bus.jetstream.publish(
            subject_of(envelope.type), envelope.SerializeToString(), headers={"Nats-Msg-Id": envelope.event_id}
        )

    def stub(self, channel: grpc.aio.Channel) -> pb_grpc.AnalyticsServiceStub:
        return pb_grpc.AnalyticsServiceStub(channel)

    def metadata(self, principal: Principal) -> tuple[tuple[str, str], ...]:
        return outgoing_metadata(self.signer.mint(principal)[0])

    async def report(self, *events: pb.UsageEvent) -> pb.ReportUsageResponse:
        async with grpc.aio.insecure_channel(self.address) as channel:
            return await self.stub(channel).ReportUsage(
                pb.ReportUsageRequest(organization_id=ORG, events=events), metadata=self.metadata(PRODUCT), timeout=10
            )

    async def adoption(self, principal: Principal = ADMIN, days: int = 7) -> pb.GetAdoptionResponse:
        async with grpc.aio.insecure_channel(self.address) as channel:
            return await self.stub(channel).GetAdoption(
                pb.GetAdoptionRequest(organization_id=ORG, days=days), metadata=self.metadata(principal), timeout=10
            )

    async def members(self) -> pb.ListMemberActivityResponse:
        async with grpc.aio.insecure_channel(self.address) as channel:
            return await self.stub(channel).ListMemberActivity(
                pb.ListMemberActivityRequest(organization_id=ORG), metadata=self.metadata(ADMIN), timeout=10
            )

    async def groups(self) -> pb.ListGroupActivityResponse:
        async with grpc.aio.insecure_channel(self.address) as channel:
            return await self.stub(channel).ListGroupActivity(
                pb.ListGroupActivityRequest(organization_id=ORG), metadata=self.metadata(ADMIN), timeout=10
            )

    async def daily_usage(self, member_id: str = "") -> pb.ListDailyUsageResponse:
        async with grpc.aio.insecure_channel(self.address) as channel:
            return await self.stub(channel).ListDailyUsage(
                pb.ListDailyUsageRequest(organization_id=ORG, member_id=member_id),
                metadata=self.metadata(ADMIN),
                timeout=10,
            )


@pytest.fixture
async def analytics(database_url: str, nats_server: NatsServer, tmp_path: Path) -> AsyncIterator[RunningAnalytics]:
    ensure_local_keys(tmp_path)
    settings = AuditSettings(
        data_dir=tmp_path,
        database_url=database_url,
        nats_url=nats_server.url,
        grpc_port=free_port(),
        principal_public_key=SecretStr(public_key_path(tmp_path).read_text()),
        shutdown_grace_seconds=1,
    )
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    runtime = build(settings, FrozenClock(NOW))
    port = await runtime.start()
    bus = Bus(nats_server.url, name="analytics-test")
    bus.start()
    try:
        await eventually(lambda: bus.is_connected)
        yield RunningAnalytics(f"127.0.0.1:{port}", PrincipalSigner(signing_key_path(tmp_path).read_text()), bus)
    finally:
        await bus.close()
        await runtime.stop()


def member(member_id: str, account_id: str, status: str, seated: bool) -> membership_events_pb2.MemberChanged:
    return membership_events_pb2.MemberChanged(
        member_id=member_id, account_id=account_id, status=status, seat_consuming=seated, version=1
    )


def usage(event_id: str, member_id: str, metric: str, value: int, at: datetime = NOW) -> pb.UsageEvent:
    event = pb.UsageEvent(event_id=event_id, member_id=member_id, metric=metric, value=value)
    event.occur_time.FromDatetime(at)
    return event


async def organization_with_plan(analytics: RunningAnalytics, modules: list[str], seats: int = 4) -> None:
    """Billing's plan and seats, and three members: two seated, one whose invitation is still pending."""
    await analytics.publish(
        "billing",
        "entitlements.changed",
        entitlement_events_pb2.EntitlementsChanged(
            entitlements=entitlement_events_pb2.EntitlementSet(
                organization_id=ORG, plan_id="business", active=True, modules=modules, version=1
            )
        ),
    )
    await analytics.publish(
        "billing",
        "subscription.opened",
        billing_events_pb2.SubscriptionChanged(organization_id=ORG, seats_purchased=seats, version=1),
    )
    await analytics.publish("membership", "member.added", member("m-ana", "acc-ana", "active", True))
    await analytics.publish("membership", "member.added", member("m-bo", "acc-bo", "active", True))
    invited = membership_events_pb2.MemberInvited(member=member("m-cy", "", "invited", False), invitation_id="i-1")
    await analytics.publish("membership", "member.invited", invited)
    await analytics.publish(
        "membership", "group.created", membership_events_pb2.GroupChanged(group_id="g-1", name="Sales", version=1)
    )
    await analytics.publish(
        "membership",
        "group.members_added",
        membership_events_pb2.GroupMembersChanged(group_id="g-1", group_name="Sales", member_ids=["m-ana", "m-bo"]),
    )

    async def projected() -> bool:
        try:
            reply = await analytics.adoption()
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.FAILED_PRECONDITION  # the plan has not arrived yet
            return False
        return reply.seats_purchased == seats and reply.seats_assigned == 2

    await eventually(projected)


async def test_a_sign_in_and_reported_usage_make_members_active_and_adoption_counts_seats_in_use(
    analytics: RunningAnalytics,
) -> None:
    await organization_with_plan(analytics, ["analytics"], seats=4)
    await analytics.publish(
        "identity",
        "session.started",
        identity_events_pb2.SessionStarted(session_id="s-1", account_id="acc-ana", method="password"),
    )
    reply = await analytics.report(
        usage("u-1", "m-bo", "words_dictated", 120),
        usage("u-2", "m-bo", "words_dictated", 30),
        usage("u-3", "m-bo", "x-acme.templates_used", 1, NOW - timedelta(days=2)),
    )
    assert (reply.accepted, reply.duplicates) == (3, 0)

    async def both_active() -> pb.GetAdoptionResponse | None:
        found = await analytics.adoption()
        return found if found.active_users_this_week == 2 else None

    adoption = await eventually(both_active)
    assert isinstance(adoption, pb.GetAdoptionResponse)
    # Two of four purchased seats in use; the pending invitation is not adoption.
    assert (adoption.seats_active, adoption.seats_purchased, adoption.adoption) == (2, 4, 0.5)
    assert [(p.day, p.active_members) for p in adoption.trend][-3:] == [
        ("2026-03-08", 1),
        ("2026-03-09", 0),
        (TODAY, 2),
    ]
    assert len((await analytics.adoption(days=90)).trend) == 90

    members = {m.member_id: m for m in (await analytics.members()).members}
    assert set(members) == {"m-ana", "m-bo"}
    assert (members["m-ana"].sign_ins, members["m-ana"].active_days) == (1, 1)
    assert members["m-bo"].active_days == 2
    assert {(u.metric, u.total) for u in members["m-bo"].usage} == {
        ("words_dictated", 150),
        ("x-acme.templates_used", 1),
    }
    (sales,) = (await analytics.groups()).groups
    assert (sales.name, sales.members, sales.active_members) == ("Sales", 2, 2)
    assert {(u.metric, u.total) for u in sales.usage} == {("words_dictated", 150), ("x-acme.templates_used", 1)}
    daily = [(u.day, u.metric, u.total, u.members) for u in (await analytics.daily_usage("m-bo")).usage]
    assert daily == [("2026-03-08", "x-acme.templates_used", 1, 1), (TODAY, "words_dictated", 150, 1)]


async def test_usage_reported_twice_over_grpc_and_nats_counts_once(analytics: RunningAnalytics) -> None:
    await organization_with_plan(analytics, ["analytics"])
    assert (await analytics.report(usage("u-1", "m-ana", "sessions", 1))).accepted == 1
    again = await analytics.report(usage("u-1", "m-ana", "sessions", 1), usage("u-2", "m-ana", "sessions", 1))
    assert (again.accepted, again.duplicates) == (1, 1)
    batch = pb.ReportUsageRequest(
        organization_id=ORG, events=[usage("u-2", "m-ana", "sessions", 1), usage("u-3", "m-ana", "sessions", 1)]
    )
    await analytics.publish("product", "usage.reported", batch)
    await analytics.publish("product", "usage.reported", batch)

    async def three_sessions() -> bool:
        rows = (await analytics.daily_usage()).usage
        return [(u.metric, u.total) for u in rows] == [("sessions", 3)]

    assert await eventually(three_sessions)
    await asyncio.sleep(0.5)  # the second copy has been consumed too, and changed nothing
    assert [(u.metric, u.total) for u in (await analytics.daily_usage()).usage] == [("sessions", 3)]
    (ana,) = (await analytics.members()).members
    assert ana.active_days == 1


async def test_a_batch_with_a_bad_event_or_too_many_events_is_refused_whole(analytics: RunningAnalytics) -> None:
    await organization_with_plan(analytics, ["analytics"])
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await analytics.report(usage("u-1", "m-ana", "sessions", 1), usage("u-2", "m-ana", "keystrokes", 5))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "events[1].metric" in str(refused.value.trailing_metadata())
    too_many = [usage(f"u-{n}", "m-ana", "sessions", 1) for n in range(501)]
    with pytest.raises(grpc.aio.AioRpcError) as too_large:
        await analytics.report(*too_many)
    assert too_large.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as too_old:
        await analytics.report(usage("u-9", "m-ana", "sessions", 1, NOW - timedelta(days=91)))
    assert too_old.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert (await analytics.daily_usage()).usage == []
    assert (await analytics.report(usage("u-1", "m-ana", "sessions", 1))).accepted == 1


async def test_analytics_need_the_permission_and_the_plans_analytics_module(analytics: RunningAnalytics) -> None:
    await organization_with_plan(analytics, ["analytics"])
    member_only = Principal(actor_type="user", actor_id="acc-bo", organization_id=ORG, permissions=frozenset())
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await analytics.adoption(member_only)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    await analytics.publish(
        "billing",
        "entitlements.changed",
        entitlement_events_pb2.EntitlementsChanged(
            entitlements=entitlement_events_pb2.EntitlementSet(
                organization_id=ORG, plan_id="team", active=True, modules=["dictation"], version=2
            )
        ),
    )

    async def refused_by_plan() -> bool:
        try:
            await analytics.adoption()
        except grpc.aio.AioRpcError as error:
            return error.code() == grpc.StatusCode.FAILED_PRECONDITION
        return False

    assert await eventually(refused_by_plan)


async def test_a_sign_in_that_arrives_before_its_member_is_counted_when_the_member_arrives(
    analytics: RunningAnalytics,
) -> None:
    await organization_with_plan(analytics, ["analytics"])
    await analytics.publish(
        "identity",
        "session.started",
        identity_events_pb2.SessionStarted(session_id="s-2", account_id="acc-dee", method="password"),
    )
    await asyncio.sleep(0.5)  # consumed while membership has said nothing of acc-dee yet
    await analytics.publish("membership", "member.added", member("m-dee", "acc-dee", "active", True))

    async def dee_signed_in() -> bool:
        return [(m.member_id, m.sign_ins) for m in (await analytics.members()).members] == [("m-dee", 1)]

    assert await eventually(dee_signed_in)
