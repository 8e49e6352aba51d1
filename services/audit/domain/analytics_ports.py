"""What analytics' use cases need from storage (implemented in store/analytics_sql.py)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Protocol

from services.audit.domain.analytics_model import ActivityPeriod, GroupActivity, MemberActivity, UsageEvent


class AnalyticsWriter(Protocol):
    async def record_usage(
        self, organization_id: str, events: Sequence[UsageEvent], now: datetime
    ) -> list[UsageEvent]: ...

    async def forget_usage_ids(self, received_before: datetime) -> int:
        """Drop the ids of usage events received before then; returns how many."""
        ...


class AnalyticsReader(Protocol):
    async def active_since(self, organization_id: str, first: date, seated_only: bool = False) -> int: ...

    async def seats(self, organization_id: str) -> tuple[int, int]: ...

    async def daily_active(self, organization_id: str, first: date, last: date) -> dict[date, int]: ...

    async def member_activity(self, period: ActivityPeriod, after: str, limit: int) -> list[MemberActivity]: ...

    async def group_activity(self, period: ActivityPeriod, after: str, limit: int) -> list[GroupActivity]: ...

    async def daily_usage(self, period: ActivityPeriod, member_id: str) -> list[tuple[date, str, int, int]]: ...


class AnalyticsStore(Protocol):
    def write(self) -> AbstractAsyncContextManager[AnalyticsWriter]: ...

    def read(self) -> AbstractAsyncContextManager[AnalyticsReader]: ...


class EntitlementCheck(Protocol):
    """Whether the organization's plan includes a module (services.common.entitlements.Entitlements)."""

    async def require(self, organization_id: str, entitlement: str) -> None: ...
