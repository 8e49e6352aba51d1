"""Each member's last-active row: "active this week" is a range count on it, kept right by every activity and
member change, and built from the daily roll-up by the migration."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from services.audit.domain.analytics_model import MemberState, UsageEvent
from services.audit.main import MIGRATIONS_DIR
from services.audit.store.analytics_sql import SqlAnalyticsStore
from services.audit.store.analytics_tables import member_last_active
from services.common import migrations
from services.common.db import Database

ORG = "org-1"
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
TODAY = NOW.date()
WEEK_START = TODAY - timedelta(days=6)


def seated(member_id: str, seat: bool = True, version: int = 1) -> MemberState:
    return MemberState(member_id, f"acc-{member_id}", "active", seat, version)


async def test_active_this_week_counts_members_whose_latest_activity_is_in_the_week(database_url: str) -> None:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    store = SqlAnalyticsStore(db)
    try:
        async with store.write() as tx:
            for member_id in ("m-1", "m-2", "m-3"):
                await tx.save_member(ORG, seated(member_id, seat=member_id != "m-3"))
            await tx.mark_active(ORG, "m-1", TODAY, NOW, sign_ins=1)
            await tx.mark_active(ORG, "m-2", TODAY - timedelta(days=10), NOW - timedelta(days=10), sign_ins=1)
            await tx.mark_active(ORG, "m-3", WEEK_START, NOW - timedelta(days=6), sign_ins=1)
        async with store.read() as reads:
            assert await reads.active_since(ORG, WEEK_START) == 2  # m-1 and m-3
            assert await reads.active_since(ORG, WEEK_START, seated_only=True) == 1  # m-3 holds no seat
            assert await reads.active_since("org-other", WEEK_START) == 0

        # A usage report of two days ago arriving late leaves m-1's latest day alone; m-2 comes back this week.
        events = [
            UsageEvent("e-1", "m-1", "sessions", 1, NOW - timedelta(days=2)),
            UsageEvent("e-2", "m-2", "sessions", 1, NOW - timedelta(hours=1)),
        ]
        async with store.write() as tx:
            await tx.record_usage(ORG, events, NOW)
        async with db.read() as connection:
            rows = {
                row.member_id: (row.last_active_day, row.last_active_at)
                for row in await connection.execute(select(member_last_active))
            }
        assert rows["m-1"] == (TODAY, NOW)
        assert rows["m-2"] == (TODAY, NOW - timedelta(hours=1))
        async with store.read() as reads:
            assert await reads.active_since(ORG, WEEK_START) == 3

        # The seat flag follows the member: m-3 takes a seat, m-1 gives its up (a newer version of each).
        async with store.write() as tx:
            await tx.save_member(ORG, seated("m-3", seat=True, version=2))
            await tx.save_member(ORG, seated("m-1", seat=False, version=2))
            await tx.save_member(ORG, seated("m-2", seat=False, version=1))  # not newer: ignored
        async with store.read() as reads:
            assert await reads.active_since(ORG, WEEK_START, seated_only=True) == 2  # m-2 and m-3
    finally:
        await db.dispose()


async def test_usage_before_the_member_is_known_takes_the_seat_when_the_member_arrives(database_url: str) -> None:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    store = SqlAnalyticsStore(db)
    try:
        async with store.write() as tx:
            await tx.record_usage(ORG, [UsageEvent("e-1", "m-9", "sessions", 1, NOW)], NOW)
        async with store.read() as reads:
            assert (await reads.active_since(ORG, WEEK_START), await reads.active_since(ORG, WEEK_START, True)) == (
                1,
                0,
            )
        async with store.write() as tx:
            await tx.save_member(ORG, seated("m-9"))
        async with store.read() as reads:
            assert await reads.active_since(ORG, WEEK_START, seated_only=True) == 1
    finally:
        await db.dispose()


async def test_the_migration_builds_last_active_rows_from_the_daily_roll_up(database_url: str) -> None:
    command.upgrade(
        migrations.alembic_config(MIGRATIONS_DIR, migrations.make_parent_dir(database_url)), "logstreams_0001"
    )
    db = Database(database_url)
    try:
        async with db.write() as connection:
            await connection.execute(
                sa.text("INSERT INTO analytics_members VALUES (:o, 'm-1', 'a-1', 'active', true, 1)"), {"o": ORG}
            )
            for member_id, day in (("m-1", date(2026, 3, 1)), ("m-1", date(2026, 3, 8)), ("m-2", date(2026, 2, 20))):
                await connection.execute(
                    sa.text("INSERT INTO analytics_daily_activity VALUES (:o, :m, :d, 1, 0)"),
                    {"o": ORG, "m": member_id, "d": day},
                )
        await db.dispose()
        migrations.upgrade(MIGRATIONS_DIR, database_url)
        db = Database(database_url)
        async with db.read() as connection:
            rows = {
                row.member_id: (row.last_active_day, row.last_active_at, row.seat_consuming)
                for row in await connection.execute(select(member_last_active))
            }
        assert rows == {
            "m-1": (date(2026, 3, 8), datetime(2026, 3, 8, tzinfo=UTC), True),
            "m-2": (date(2026, 2, 20), datetime(2026, 2, 20, tzinfo=UTC), False),
        }
    finally:
        await db.dispose()
