"""Usage event ids are kept only as long as they can matter: an id older than 90 days and an hour can only come back
with an event that is refused anyway, so the retention job drops it, and a late replay still counts nothing. On
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from services.audit.domain.analytics import AnalyticsUseCases
from services.audit.domain.analytics_model import USAGE_ID_RETENTION, UsageEvent
from services.audit.main import MIGRATIONS_DIR
from services.audit.store.analytics_sql import SqlAnalyticsStore
from services.audit.store.tables import entitlements
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.entitlements import Entitlements
from services.common.errors import InvalidArgument
from services.common.principal import Principal

ORG = "org-1"
NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
PRODUCT = Principal(
    actor_type="api_key", actor_id="key-1", organization_id=ORG, permissions=frozenset({"analytics.report"})
)


@pytest.fixture
async def analytics(database_url: str) -> AsyncIterator[tuple[AnalyticsUseCases, FrozenClock]]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(NOW)
    yield AnalyticsUseCases(SqlAnalyticsStore(db), Entitlements(db, entitlements), clock), clock
    await db.dispose()


def dictated(event_id: str, at: datetime) -> UsageEvent:
    return UsageEvent(event_id, "m-1", "words_dictated", 120, at)


async def test_old_usage_ids_are_dropped_and_a_late_replay_still_counts_nothing(
    analytics: tuple[AnalyticsUseCases, FrozenClock],
) -> None:
    use_cases, clock = analytics
    first = dictated("evt-old", NOW)
    assert (await use_cases.report_usage(PRODUCT, ORG, [first])).accepted == 1
    clock.advance(timedelta(days=30))
    assert (await use_cases.report_usage(PRODUCT, ORG, [dictated("evt-recent", clock.now())])).accepted == 1
    assert await use_cases.forget_old_usage_ids() == 0  # both may still come back

    clock.advance(USAGE_ID_RETENTION - timedelta(days=30) + timedelta(seconds=1))
    assert await use_cases.forget_old_usage_ids() == 1  # the first is past any acceptable replay
    with pytest.raises(InvalidArgument):  # its replay is refused, not counted again
        await use_cases.report_usage(PRODUCT, ORG, [first])
    duplicate = await use_cases.report_usage(PRODUCT, ORG, [dictated("evt-recent", clock.now() - timedelta(days=60))])
    assert (duplicate.accepted, duplicate.duplicates) == (0, 1)  # the recent id is still known
