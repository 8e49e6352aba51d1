"""Analytics' consumer: keeps the member, group and seat projections and the daily roll-ups, one event at a time.

Activity is a sign-in (identity's session.started and sso.sign_in) or product usage (tenantry.product.usage.*,
whose payload is the ReportUsageRequest of AnalyticsService.ReportUsage). The consumer records each event id
before applying it (services.common.messaging), so a redelivery counts nothing twice.
"""

from __future__ import annotations

from datetime import UTC

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.audit.v1 import analytics_service_pb2
from tenantry.events.v1 import billing_events_pb2, envelope_pb2, identity_events_pb2, membership_events_pb2

from services.audit.domain.analytics_model import MemberState, UsageEvent, validate_batch
from services.audit.domain.organization_deletion import DELETED_EVENT_TYPE
from services.audit.store.analytics_sql import AnalyticsWrites
from services.audit.store.organization_deletion import delete_analytics
from services.common.clock import Clock
from services.common.messaging import unpack_known

ANALYTICS_CONSUMER = "audit-analytics"
ANALYTICS_PRODUCERS = ["identity", "membership", "billing", "product"]
SIGN_IN_TYPES = frozenset({"identity.session.started", "identity.sso.sign_in"})
USAGE_PREFIX = "product.usage."


def usage_events_of(request: analytics_service_pb2.ReportUsageRequest) -> list[UsageEvent]:
    return [
        UsageEvent(
            event_id=event.event_id,
            member_id=event.member_id,
            metric=event.metric,
            value=event.value,
            occurred_at=event.occur_time.ToDatetime(tzinfo=UTC),
        )
        for event in request.events
    ]


def member_state(member: membership_events_pb2.MemberChanged) -> MemberState:
    return MemberState(member.member_id, member.account_id, member.status, member.seat_consuming, member.version)


class AnalyticsProjection:
    def __init__(self, clock: Clock):
        self._clock = clock

    async def apply(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        """Every event of the four streams comes here; those that say nothing about adoption are ignored."""
        if envelope.type == DELETED_EVENT_TYPE:
            # The organization's deletion: its roll-ups go, in this consumer's order (none arrives after it).
            await delete_analytics(connection, envelope.organization_id)
            return
        payload = unpack_known(envelope)
        if payload is None:
            return
        writes = AnalyticsWrites(connection)
        organization_id = envelope.organization_id
        if envelope.type in SIGN_IN_TYPES:
            await self._signed_in(writes, envelope, payload)
        elif envelope.type.startswith(USAGE_PREFIX) and isinstance(payload, analytics_service_pb2.ReportUsageRequest):
            events = usage_events_of(payload)
            # A bad batch fails here, is redelivered a few times and is then parked where operators see it.
            validate_batch(events, self._clock.now())
            await writes.record_usage(organization_id, events, self._clock.now())
        elif isinstance(payload, membership_events_pb2.MemberChanged | membership_events_pb2.MemberInvited):
            state = member_state(
                payload if isinstance(payload, membership_events_pb2.MemberChanged) else payload.member
            )
            await writes.save_member(organization_id, state)
            await writes.apply_pending_sign_ins(organization_id, state)
        elif isinstance(payload, membership_events_pb2.GroupChanged):
            if envelope.type.endswith(".deleted"):
                await writes.delete_group(organization_id, payload.group_id)
            else:
                await writes.save_group(organization_id, payload.group_id, payload.name, payload.version)
        elif isinstance(payload, membership_events_pb2.GroupMembersChanged):
            if envelope.type.endswith(".members_removed"):
                await writes.remove_group_members(organization_id, payload.group_id, list(payload.member_ids))
            else:
                await writes.add_group_members(organization_id, payload.group_id, list(payload.member_ids))
        elif isinstance(payload, billing_events_pb2.SubscriptionChanged):
            await writes.save_seats(organization_id, payload.seats_purchased, payload.version)

    async def _signed_in(self, writes: AnalyticsWrites, envelope: envelope_pb2.Envelope, payload: Message) -> None:
        if not isinstance(payload, identity_events_pb2.SessionStarted | identity_events_pb2.SsoSignedIn):
            return
        at = envelope.occurred_at.ToDatetime(tzinfo=UTC)
        day = at.date()
        # A session names its organization when it has one; otherwise the account is active in each it belongs to.
        members = await writes.members_of_account(payload.account_id, envelope.organization_id)
        for organization_id, member_id in members:
            await writes.mark_active(organization_id, member_id, day, at, sign_ins=1)
        if not members and envelope.organization_id:
            await writes.keep_pending_sign_in(envelope.organization_id, payload.account_id, day)
