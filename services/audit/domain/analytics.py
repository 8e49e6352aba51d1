"""Analytics' use cases: count reported usage once, and answer adoption and activity questions from roll-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.audit.domain.analytics_model import (
    USAGE_ID_RETENTION,
    WEEK_DAYS,
    ActivityPeriod,
    Adoption,
    GroupActivity,
    MemberActivity,
    UsageEvent,
    filled_trend,
    trend_days,
    validate_batch,
)
from services.audit.domain.analytics_ports import AnalyticsStore, EntitlementCheck
from services.common.clock import Clock
from services.common.entitlements import MODULE_ANALYTICS
from services.common.permissions import ANALYTICS_READ, ANALYTICS_REPORT
from services.common.principal import Principal


@dataclass(frozen=True)
class UsageReport:
    accepted: int
    duplicates: int


class AnalyticsUseCases:
    def __init__(self, store: AnalyticsStore, entitlements: EntitlementCheck, clock: Clock):
        self._store = store
        self._entitlements = entitlements
        self._clock = clock

    async def _authorize_read(self, principal: Principal, organization_id: str) -> None:
        principal.authorize(ANALYTICS_READ, organization_id)
        await self._entitlements.require(organization_id, MODULE_ANALYTICS)

    def today(self) -> date:
        return self._clock.now().date()

    async def report_usage(self, principal: Principal, organization_id: str, events: list[UsageEvent]) -> UsageReport:
        principal.authorize(ANALYTICS_REPORT, organization_id)
        now = self._clock.now()
        validate_batch(events, now)
        async with self._store.write() as tx:
            fresh = await tx.record_usage(organization_id, events, now)
        return UsageReport(len(fresh), len(events) - len(fresh))

    async def forget_old_usage_ids(self) -> int:
        """The retention job's step: ids kept to count events once are dropped once no event could reuse them."""
        async with self._store.write() as tx:
            return await tx.forget_usage_ids(self._clock.now() - USAGE_ID_RETENTION)

    async def adoption(self, principal: Principal, organization_id: str, days: int) -> Adoption:
        await self._authorize_read(principal, organization_id)
        window = trend_days(days)
        today = self.today()
        week_start = today - timedelta(days=WEEK_DAYS - 1)
        async with self._store.read() as tx:
            # "Active since the week's first day" is "active this week": reports are at most an hour ahead.
            active = await tx.active_since(organization_id, week_start)
            seats_active = await tx.active_since(organization_id, week_start, seated_only=True)
            purchased, assigned = await tx.seats(organization_id)
            counts = await tx.daily_active(organization_id, today - timedelta(days=window - 1), today)
        return Adoption(active, seats_active, purchased, assigned, filled_trend(counts, today, window))

    async def member_activity(
        self, principal: Principal, period: ActivityPeriod, after: str, limit: int
    ) -> list[MemberActivity]:
        await self._authorize_read(principal, period.organization_id)
        async with self._store.read() as tx:
            return await tx.member_activity(period, after, limit)

    async def group_activity(
        self, principal: Principal, period: ActivityPeriod, after: str, limit: int
    ) -> list[GroupActivity]:
        await self._authorize_read(principal, period.organization_id)
        async with self._store.read() as tx:
            return await tx.group_activity(period, after, limit)

    async def daily_usage(
        self, principal: Principal, period: ActivityPeriod, member_id: str
    ) -> list[tuple[date, str, int, int]]:
        await self._authorize_read(principal, period.organization_id)
        async with self._store.read() as tx:
            return await tx.daily_usage(period, member_id)
