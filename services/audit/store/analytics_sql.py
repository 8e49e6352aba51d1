"""Analytics' SQL: the consumer's incremental roll-up writes and the reads of the analytics use cases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Table, delete, exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.audit.domain.analytics_model import (
    ActivityPeriod,
    GroupActivity,
    MemberActivity,
    MemberState,
    UsageEvent,
    UsageTotal,
)
from services.audit.store.analytics_tables import (
    analytics_group_members,
    analytics_groups,
    analytics_members,
    analytics_seats,
    daily_active,
    daily_activity,
    daily_usage,
    daily_usage_totals,
    group_daily_usage,
    member_last_active,
    pending_sign_ins,
    usage_events,
)
from services.common.db import Database
from services.common.projections import upsert_if_newer

SEATED_STATUSES = ("active",)
# Members looked at per step of a page of member activity.
MEMBER_CHUNK = 200


def _insert(connection: AsyncConnection, table: Table) -> Any:
    """An INSERT that can say ON CONFLICT, in the dialect of the connection (PostgreSQL or SQLite)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


class AnalyticsWrites:
    """Writes inside the caller's transaction (a consumed event, or one ReportUsage call)."""

    def __init__(self, connection: AsyncConnection):
        self._connection = connection

    async def save_member(self, organization_id: str, member: MemberState) -> None:
        applied = await upsert_if_newer(
            self._connection,
            analytics_members,
            {"organization_id": organization_id, "member_id": member.member_id},
            {"account_id": member.account_id, "status": member.status, "seat_consuming": member.seat_consuming},
            member.version,
        )
        if applied:
            table = member_last_active
            await self._connection.execute(
                update(table)
                .where(table.c.organization_id == organization_id, table.c.member_id == member.member_id)
                .values(seat_consuming=member.seat_consuming)
            )

    async def apply_pending_sign_ins(self, organization_id: str, member: MemberState) -> None:
        """Sign-ins that arrived before their member, counted now that the member is known."""
        if not member.account_id or member.status not in SEATED_STATUSES:
            return
        table = pending_sign_ins
        mine = (table.c.organization_id == organization_id, table.c.account_id == member.account_id)
        waiting = (await self._connection.execute(select(table.c.day, table.c.sign_ins).where(*mine))).all()
        for day, count in waiting:
            at = datetime.combine(day, time.min, UTC)
            await self.mark_active(organization_id, member.member_id, day, at, sign_ins=int(count))
        if waiting:
            await self._connection.execute(delete(table).where(*mine))

    async def keep_pending_sign_in(self, organization_id: str, account_id: str, day: date) -> None:
        connection = self._connection
        statement = _insert(connection, pending_sign_ins).values(
            organization_id=organization_id, account_id=account_id, day=day, sign_ins=1
        )
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=["organization_id", "account_id", "day"],
                set_={"sign_ins": pending_sign_ins.c.sign_ins + 1},
            )
        )

    async def save_group(self, organization_id: str, group_id: str, name: str, version: int) -> None:
        key = {"organization_id": organization_id, "group_id": group_id}
        await upsert_if_newer(self._connection, analytics_groups, key, {"name": name}, version)

    async def delete_group(self, organization_id: str, group_id: str) -> None:
        for table in (analytics_group_members, analytics_groups):
            await self._connection.execute(
                delete(table).where(table.c.organization_id == organization_id, table.c.group_id == group_id)
            )

    async def add_group_members(self, organization_id: str, group_id: str, member_ids: Sequence[str]) -> None:
        if not member_ids:
            return
        rows = [{"organization_id": organization_id, "group_id": group_id, "member_id": m} for m in member_ids]
        await self._connection.execute(
            _insert(self._connection, analytics_group_members).on_conflict_do_nothing(), rows
        )

    async def remove_group_members(self, organization_id: str, group_id: str, member_ids: Sequence[str]) -> None:
        table = analytics_group_members
        await self._connection.execute(
            delete(table).where(
                table.c.organization_id == organization_id,
                table.c.group_id == group_id,
                table.c.member_id.in_(member_ids),
            )
        )

    async def save_seats(self, organization_id: str, seats_purchased: int, version: int) -> None:
        key = {"organization_id": organization_id}
        await upsert_if_newer(self._connection, analytics_seats, key, {"seats_purchased": seats_purchased}, version)

    async def members_of_account(self, account_id: str, organization_id: str) -> list[tuple[str, str]]:
        """(organization, member) pairs the account signs in as: in one organization, or in all when empty."""
        table = analytics_members
        query = select(table.c.organization_id, table.c.member_id).where(
            table.c.account_id == account_id, table.c.status.in_(SEATED_STATUSES)
        )
        if organization_id:
            query = query.where(table.c.organization_id == organization_id)
        return [(row[0], row[1]) for row in await self._connection.execute(query)]

    async def mark_active(
        self,
        organization_id: str,
        member_id: str,
        day: date,
        at: datetime,
        sign_ins: int = 0,
        usage_events_count: int = 0,
    ) -> None:
        """Count activity in the member's row of the day; the first of the day also counts one more active
        member in the organization's row of the day. The member's last-active row moves forward to `at`."""
        connection = self._connection
        await self._touch_last_active(organization_id, member_id, day, at)
        key = {"organization_id": organization_id, "day": day, "member_id": member_id}
        created = await connection.execute(
            _insert(connection, daily_activity)
            .values(**key, sign_ins=sign_ins, usage_events=usage_events_count)
            .on_conflict_do_nothing()
            .returning(daily_activity.c.member_id)
        )
        # RETURNING, not rowcount: asyncpg does not report how many rows ON CONFLICT DO NOTHING inserted.
        if created.first() is not None:
            statement = _insert(connection, daily_active).values(
                organization_id=organization_id, day=day, active_members=1
            )
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["organization_id", "day"],
                    set_={"active_members": daily_active.c.active_members + 1},
                )
            )
            return
        table = daily_activity
        await connection.execute(
            update(table)
            .where(table.c.organization_id == organization_id, table.c.day == day, table.c.member_id == member_id)
            .values(sign_ins=table.c.sign_ins + sign_ins, usage_events=table.c.usage_events + usage_events_count)
        )

    async def _touch_last_active(self, organization_id: str, member_id: str, day: date, at: datetime) -> None:
        """One statement: insert the member's last-active row (its seat flag read from the member projection), or
        move it forward when `at` is later; an older event arriving late leaves it as it is."""
        table, members = member_last_active, analytics_members
        seat = (
            select(members.c.seat_consuming)
            .where(members.c.organization_id == organization_id, members.c.member_id == member_id)
            .scalar_subquery()
        )
        statement = _insert(self._connection, table).values(
            organization_id=organization_id,
            member_id=member_id,
            last_active_day=day,
            last_active_at=at,
            seat_consuming=func.coalesce(seat, False),
        )
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=["organization_id", "member_id"],
                set_={
                    "last_active_day": statement.excluded.last_active_day,
                    "last_active_at": statement.excluded.last_active_at,
                },
                where=statement.excluded.last_active_at > table.c.last_active_at,
            )
        )

    async def forget_usage_ids(self, received_before: datetime) -> int:
        result = await self._connection.execute(
            delete(usage_events).where(usage_events.c.received_at < received_before)
        )
        return int(result.rowcount)

    async def record_usage(self, organization_id: str, events: Sequence[UsageEvent], now: datetime) -> list[UsageEvent]:
        """Count the events whose id is new; returns those."""
        connection = self._connection
        fresh: list[UsageEvent] = []
        for event in events:
            inserted = await connection.execute(
                _insert(connection, usage_events)
                .values(organization_id=organization_id, event_id=event.event_id, received_at=now)
                .on_conflict_do_nothing()
                .returning(usage_events.c.event_id)
            )
            if inserted.first() is not None:
                fresh.append(event)
        totals: dict[tuple[date, str, str], int] = defaultdict(int)
        counts: dict[tuple[date, str], int] = defaultdict(int)
        latest: dict[tuple[date, str], datetime] = {}
        for event in fresh:
            day = event.occurred_at.date()
            totals[(day, event.member_id, event.metric)] += event.value
            counts[(day, event.member_id)] += 1
            latest[(day, event.member_id)] = max(
                latest.get((day, event.member_id), event.occurred_at), event.occurred_at
            )
        for (day, member_id, metric), total in sorted(totals.items()):
            await self._add_usage(organization_id, member_id, day, metric, total)
        for (day, member_id), count in sorted(counts.items()):
            await self.mark_active(organization_id, member_id, day, latest[(day, member_id)], usage_events_count=count)
        return fresh

    async def _add_usage(self, organization_id: str, member_id: str, day: date, metric: str, total: int) -> None:
        """Add to the member's total of the day, and to the organization's; a member's first report of the metric
        that day also counts one more member in the organization's row."""
        connection = self._connection
        key = {"organization_id": organization_id, "member_id": member_id, "day": day, "metric": metric}
        created = await connection.execute(
            _insert(connection, daily_usage)
            .values(**key, total=total)
            .on_conflict_do_nothing()
            .returning(daily_usage.c.metric)
        )
        new_member = created.first() is not None
        if not new_member:
            table = daily_usage
            await connection.execute(
                update(table)
                .where(*(table.c[name] == value for name, value in key.items()))
                .values(total=table.c.total + total)
            )
        totals = daily_usage_totals
        statement = _insert(connection, totals).values(
            organization_id=organization_id, day=day, metric=metric, total=total, members=1
        )
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=["organization_id", "day", "metric"],
                set_={"total": totals.c.total + total, "members": totals.c.members + int(new_member)},
            )
        )
        links = analytics_group_members
        group_ids = (
            await connection.execute(
                select(links.c.group_id).where(
                    links.c.organization_id == organization_id, links.c.member_id == member_id
                )
            )
        ).scalars()
        for group_id in group_ids:
            statement = _insert(connection, group_daily_usage).values(
                organization_id=organization_id, group_id=group_id, day=day, metric=metric, total=total
            )
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["organization_id", "group_id", "day", "metric"],
                    set_={"total": group_daily_usage.c.total + total},
                )
            )


class SqlAnalyticsStore:
    def __init__(self, db: Database):
        self._db = db

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AnalyticsWrites]:
        async with self._db.write() as connection:
            yield AnalyticsWrites(connection)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AnalyticsReads]:
        async with self._db.read() as connection:
            yield AnalyticsReads(connection)


class AnalyticsReads:
    def __init__(self, connection: AsyncConnection):
        self._connection = connection

    async def active_since(self, organization_id: str, first: date, seated_only: bool = False) -> int:
        """Members whose latest activity is on or after `first`: a range count on the last-active index (one row
        per member), not a distinct count over every member-day since."""
        table = member_last_active
        query = select(func.count()).where(table.c.organization_id == organization_id, table.c.last_active_day >= first)
        if seated_only:
            query = query.where(table.c.seat_consuming.is_(True))
        return int(await self._connection.scalar(query) or 0)

    async def seats(self, organization_id: str) -> tuple[int, int]:
        """(seats purchased, members holding a seat)."""
        purchased = await self._connection.scalar(
            select(analytics_seats.c.seats_purchased).where(analytics_seats.c.organization_id == organization_id)
        )
        members = analytics_members
        assigned = await self._connection.scalar(
            select(func.count()).where(members.c.organization_id == organization_id, members.c.seat_consuming.is_(True))
        )
        return int(purchased or 0), int(assigned or 0)

    async def daily_active(self, organization_id: str, first: date, last: date) -> dict[date, int]:
        table = daily_active
        rows = await self._connection.execute(
            select(table.c.day, table.c.active_members).where(
                table.c.organization_id == organization_id, table.c.day >= first, table.c.day <= last
            )
        )
        return {row[0]: int(row[1]) for row in rows}

    async def member_activity(self, period: ActivityPeriod, after: str, limit: int) -> list[MemberActivity]:
        """Members in id order, walked along the member-first key in chunks (a filter on days alone would make
        the database read every active member of the period before the first page)."""
        table = daily_activity
        rows: list[Any] = []
        cursor = after
        while len(rows) < limit:
            candidates = list(
                (
                    await self._connection.execute(
                        select(table.c.member_id)
                        .where(table.c.organization_id == period.organization_id, table.c.member_id > cursor)
                        .group_by(table.c.member_id)
                        .order_by(table.c.member_id)
                        .limit(max(limit, MEMBER_CHUNK))
                    )
                ).scalars()
            )
            if not candidates:
                break
            rows += (
                await self._connection.execute(
                    select(table.c.member_id, func.count(), func.max(table.c.day), func.sum(table.c.sign_ins))
                    .where(*_in_period(table, period), table.c.member_id.in_(candidates))
                    .group_by(table.c.member_id)
                    .order_by(table.c.member_id)
                )
            ).all()
            cursor = candidates[-1]
        rows = rows[:limit]
        usage = await self._usage_by(period, [row[0] for row in rows])
        return [MemberActivity(row[0], int(row[1]), row[2], int(row[3] or 0), usage.get(row[0], ())) for row in rows]

    async def _usage_by(self, period: ActivityPeriod, member_ids: list[str]) -> dict[str, tuple[UsageTotal, ...]]:
        if not member_ids:
            return {}
        table = daily_usage
        rows = await self._connection.execute(
            select(table.c.member_id, table.c.metric, func.sum(table.c.total))
            .where(*_in_period(table, period), table.c.member_id.in_(member_ids))
            .group_by(table.c.member_id, table.c.metric)
            .order_by(table.c.member_id, table.c.metric)
        )
        by_member: dict[str, list[UsageTotal]] = defaultdict(list)
        for member_id, metric, total in rows:
            by_member[member_id].append(UsageTotal(metric, int(total)))
        return {member: tuple(totals) for member, totals in by_member.items()}

    async def group_activity(self, period: ActivityPeriod, after: str, limit: int) -> list[GroupActivity]:
        groups, links, activity = analytics_groups, analytics_group_members, daily_activity
        page = (
            await self._connection.execute(
                select(groups.c.group_id, groups.c.name)
                .where(groups.c.organization_id == period.organization_id, groups.c.group_id > after)
                .order_by(groups.c.group_id)
                .limit(limit)
            )
        ).all()
        result: list[GroupActivity] = []
        for group_id, name in page:
            in_group = (links.c.organization_id == period.organization_id, links.c.group_id == group_id)
            members = await self._connection.scalar(select(func.count()).where(*in_group))
            # Driven by the group's members, each probed along the member-first key.
            active = await self._connection.scalar(
                select(func.count()).where(
                    *in_group,
                    exists().where(*_in_period(activity, period), activity.c.member_id == links.c.member_id),
                )
            )
            usage_rows = await self._connection.execute(
                select(group_daily_usage.c.metric, func.sum(group_daily_usage.c.total))
                .where(*_in_period(group_daily_usage, period), group_daily_usage.c.group_id == group_id)
                .group_by(group_daily_usage.c.metric)
                .order_by(group_daily_usage.c.metric)
            )
            totals = tuple(UsageTotal(metric, int(total)) for metric, total in usage_rows)
            result.append(GroupActivity(group_id, name, int(members or 0), int(active or 0), totals))
        return result

    async def daily_usage(self, period: ActivityPeriod, member_id: str) -> list[tuple[date, str, int, int]]:
        """(day, metric, total, members reporting it), from the organization's totals or one member's rows."""
        if member_id:
            table = daily_usage
            query = select(table.c.day, table.c.metric, table.c.total, literal(1)).where(
                *_in_period(table, period), table.c.member_id == member_id
            )
        else:
            table = daily_usage_totals
            query = select(table.c.day, table.c.metric, table.c.total, table.c.members).where(
                *_in_period(table, period)
            )
        rows = await self._connection.execute(query.order_by(table.c.day, table.c.metric))
        return [(row[0], row[1], int(row[2]), int(row[3])) for row in rows]


def _in_period(table: Table, period: ActivityPeriod) -> tuple[Any, ...]:
    return (table.c.organization_id == period.organization_id, table.c.day >= period.first, table.c.day <= period.last)
