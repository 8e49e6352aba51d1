"""Analytics' figures: the trend and activity queries on a 100,000-member organization.

Loads the daily roll-ups analytics' consumer keeps (migrated schema, sqlite3 executemany): N members (default
100,000, all holding a seat, 50 groups), each active on a share of the last 90 days (default 0.5), with the
per-day counters, each member's last-active row and two usage metrics on active days; then measures p50/p99 of
each read the API makes ("active this week" counts last-active rows of the week, by range on their index).

    .venv/bin/python -m bench.analytics [--members 100000] [--days 90] [--active-share 0.5] [--samples 50]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.audit import measure
from services.audit.domain.analytics_model import ActivityPeriod
from services.audit.main import MIGRATIONS_DIR
from services.audit.store.analytics_sql import SqlAnalyticsStore
from services.common import migrations
from services.common.db import Database

ORG = "bench-org"
TODAY = date(2026, 3, 31)
GROUPS = 50


def activity(members: int, days: int, share: float, seed: int = 13) -> Iterator[tuple[date, str]]:
    rng = random.Random(seed)
    for n in range(members):
        member_id = f"m-{n:07d}"
        for offset in range(days):
            if rng.random() < share:
                yield TODAY - timedelta(days=offset), member_id


def load(path: str, members: int, days: int, share: float) -> int:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    with connection:
        connection.executemany(
            "INSERT INTO analytics_members VALUES (?, ?, ?, 'active', 1, 1)",
            ((ORG, f"m-{n:07d}", f"acc-{n:07d}") for n in range(members)),
        )
        connection.executemany(
            "INSERT INTO analytics_groups VALUES (?, ?, ?, 1)",
            ((ORG, f"g-{g:03d}", f"Group {g}") for g in range(GROUPS)),
        )
        connection.executemany(
            "INSERT INTO analytics_group_members VALUES (?, ?, ?)",
            ((ORG, f"g-{n % GROUPS:03d}", f"m-{n:07d}") for n in range(members)),
        )
        connection.execute("INSERT INTO analytics_seats VALUES (?, ?, 1)", (ORG, members))
        per_day: Counter[date] = Counter()
        last_active: dict[str, date] = {}
        rows = 0
        batch: list[tuple[str, str, str, int, int]] = []
        usage: list[tuple[str, str, str, str, int]] = []
        for day, member_id in activity(members, days, share):
            per_day[day] += 1
            last_active[member_id] = max(day, last_active.get(member_id, day))
            batch.append((ORG, member_id, day.isoformat(), 1, 2))
            usage.append((ORG, member_id, day.isoformat(), "words_dictated", 250))
            usage.append((ORG, member_id, day.isoformat(), "sessions", 2))
            if len(batch) >= 50_000:
                connection.executemany("INSERT INTO analytics_daily_activity VALUES (?, ?, ?, ?, ?)", batch)
                connection.executemany("INSERT INTO analytics_daily_usage VALUES (?, ?, ?, ?, ?)", usage)
                rows += len(batch)
                batch, usage = [], []
        connection.executemany("INSERT INTO analytics_daily_activity VALUES (?, ?, ?, ?, ?)", batch)
        connection.executemany("INSERT INTO analytics_daily_usage VALUES (?, ?, ?, ?, ?)", usage)
        rows += len(batch)
        connection.executemany(
            "INSERT INTO analytics_member_last_active VALUES (?, ?, ?, ?, 1)",
            (
                (ORG, member_id, day.isoformat(), f"{day.isoformat()} 09:00:00.000000")
                for member_id, day in last_active.items()
            ),
        )
        connection.executemany(
            "INSERT INTO analytics_daily_active VALUES (?, ?, ?)",
            ((ORG, day.isoformat(), count) for day, count in per_day.items()),
        )
        connection.executemany(
            "INSERT INTO analytics_group_daily_usage VALUES (?, ?, ?, ?, ?)",
            (
                (ORG, f"g-{g:03d}", day.isoformat(), metric, count * value // GROUPS)
                for day, count in per_day.items()
                for g in range(GROUPS)
                for metric, value in (("sessions", 2), ("words_dictated", 250))
            ),
        )
        connection.executemany(
            "INSERT INTO analytics_daily_usage_totals VALUES (?, ?, ?, ?, ?)",
            (
                (ORG, day.isoformat(), metric, count * value, count)
                for day, count in per_day.items()
                for metric, value in (("sessions", 2), ("words_dictated", 250))
            ),
        )
    connection.execute("ANALYZE")
    connection.close()
    return rows


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-analytics-") as folder:
        path = str(Path(folder) / "audit.db")
        url = f"sqlite+aiosqlite:///{path}"
        migrations.upgrade(MIGRATIONS_DIR, url)
        started = time.perf_counter()
        rows = load(path, args.members, args.days, args.active_share)
        print(
            f"loaded {rows:,} member-day rows ({args.members:,} members x {args.days} days) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        db = Database(url)
        store = SqlAnalyticsStore(db)
        week = TODAY - timedelta(days=6)

        async def read(name: str, days: int = 0) -> object:
            async with store.read() as tx:
                period = ActivityPeriod(ORG, TODAY - timedelta(days=days - 1), TODAY)
                if name == "active this week":
                    return await tx.active_since(ORG, week)
                if name == "seats active this week":
                    return await tx.active_since(ORG, week, seated_only=True)
                if name == "trend":
                    return await tx.daily_active(ORG, period.first, TODAY)
                if name == "members page":
                    return await tx.member_activity(period, "", 51)
                if name == "groups page":
                    return await tx.group_activity(period, "", 11)
                return await tx.daily_usage(period, "")

        cases = [
            ("active this week", 7),
            ("seats active this week", 7),
            ("trend", 7),
            ("trend", 30),
            ("trend", 90),
            ("members page", 30),
            ("members page", 90),
            ("daily usage", 30),
            ("groups page", 30),
        ]
        print(f"{'query':32} {'p50 ms':>9} {'p99 ms':>9}")
        for name, days in cases:
            samples = args.samples if name not in {"groups page"} else max(3, args.samples // 10)
            figures = await measure(lambda name=name, days=days: read(name, days), samples)  # type: ignore[misc]
            print(f"{name + f' ({days} d)':32} {figures['p50_ms']:>9} {figures['p99_ms']:>9}")
        await db.dispose()
    print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--active-share", type=float, default=0.5)
    parser.add_argument("--samples", type=int, default=50)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
