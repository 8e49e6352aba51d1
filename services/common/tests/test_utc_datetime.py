"""Timestamps go in as aware UTC and come back as aware UTC, on both databases, whatever text SQLite holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text

from services.common.db import Database, UTCDateTime

stamps = Table(
    "stamps", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime(), nullable=True)
)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.write() as connection:
        await connection.run_sync(stamps.metadata.create_all)
    yield database
    await database.dispose()


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 30, 5, tzinfo=UTC),  # no microseconds
        datetime(2026, 3, 1, 14, 30, 5, 7, tzinfo=timezone(timedelta(hours=2))),  # another offset, stored as UTC
    ],
)
async def test_a_timestamp_reads_back_as_the_same_aware_utc_moment(db: Database, moment: datetime) -> None:
    async with db.write() as connection:
        await connection.execute(insert(stamps).values(id=1, at=moment))
        await connection.execute(insert(stamps).values(id=2, at=None))
    async with db.read() as connection:
        rows = {row[0]: row[1] for row in await connection.execute(select(stamps.c.id, stamps.c.at))}
    assert rows[1] == moment and rows[1].tzinfo is UTC
    assert rows[2] is None


async def test_sqlite_text_written_by_sql_itself_reads_as_utc(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/stamps.db")
    async with db.write() as connection:
        await connection.run_sync(stamps.metadata.create_all)
        # CURRENT_TIMESTAMP's text, and the ISO form with a T a hand-made row might hold.
        await connection.execute(text("INSERT INTO stamps (id, at) VALUES (1, '2026-03-01 12:30:05')"))
        await connection.execute(text("INSERT INTO stamps (id, at) VALUES (2, '2026-03-01T12:30:05.5')"))
    async with db.read() as connection:
        rows = {row[0]: row[1] for row in await connection.execute(select(stamps.c.id, stamps.c.at))}
    assert rows[1] == datetime(2026, 3, 1, 12, 30, 5, tzinfo=UTC)
    assert rows[2] == datetime(2026, 3, 1, 12, 30, 5, 500000, tzinfo=UTC)
    await db.dispose()
