"""Rows written by key in one statement, on SQLite and PostgreSQL: a projection keeps the newest version whatever
the order of deliveries, and an insert of a taken key changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, UniqueConstraint, select

from services.common.db import Database
from services.common.projections import insert_new, upsert_if_newer

metadata = MetaData()
holders = Table(
    "holders",
    metadata,
    Column("organization_id", String(36), primary_key=True),
    Column("member_id", String(36), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
)
names = Table(
    "names",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(50), nullable=False),
    UniqueConstraint("name"),
)
KEY = {"organization_id": "org-1", "member_id": "member-1"}


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def held(db: Database) -> tuple[str, int]:
    async with db.read() as connection:
        row = (await connection.execute(select(holders.c.status, holders.c.version))).one()
    return row.status, row.version


async def test_a_projection_keeps_the_newest_version_whatever_the_delivery_order(db: Database) -> None:
    async with db.write() as connection:
        assert await upsert_if_newer(connection, holders, KEY, {"status": "invited"}, 2)
        assert not await upsert_if_newer(connection, holders, KEY, {"status": "absent"}, 1)  # older: ignored
        assert not await upsert_if_newer(connection, holders, KEY, {"status": "replayed"}, 2)  # same: ignored
    assert await held(db) == ("invited", 2)
    async with db.write() as connection:
        assert await upsert_if_newer(connection, holders, KEY, {"status": "active"}, 3)
    assert await held(db) == ("active", 3)


async def test_inserting_a_taken_key_or_unique_value_changes_nothing_and_says_so(db: Database) -> None:
    async with db.write() as connection:
        assert await insert_new(connection, names, {"id": "n-1", "name": "Ada"})
        assert not await insert_new(connection, names, {"id": "n-1", "name": "Grace"})  # the primary key
        assert not await insert_new(connection, names, {"id": "n-2", "name": "Ada"})  # the unique name
        assert not await insert_new(connection, names, {"id": "n-1", "name": "Other"}, key=["id"])
        rows = (await connection.execute(select(names.c.id, names.c.name))).all()
    assert [tuple(row) for row in rows] == [("n-1", "Ada")]
