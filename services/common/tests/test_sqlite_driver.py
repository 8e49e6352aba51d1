"""SQLite statements run whole in aiosqlite's thread, one hop each (services/common/sqlite_driver.py), and behave as
through SQLAlchemy's own aiosqlite cursor: rows, row counts, row ids, errors, rollbacks and streamed results."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.common.db import Database

metadata = MetaData()
people = Table(
    "people",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=True),
    Column("email", String, unique=True, nullable=False),
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def test_rows_row_counts_and_row_ids_come_back_from_one_statement(db: Database) -> None:
    async with db.write() as connection:
        first = await connection.execute(insert(people).values(email="ada@acme.test"))
        await connection.execute(insert(people), [{"email": f"p{n}@acme.test"} for n in range(3)])
        changed = await connection.execute(update(people).where(people.c.number > 1).values(email=people.c.email + "x"))
    assert first.inserted_primary_key == (1,)
    assert changed.rowcount == 3
    async with db.read() as connection:
        rows = (await connection.execute(select(people.c.number, people.c.email).order_by(people.c.number))).all()
        columns = list((await connection.execute(select(people))).keys())
    assert [tuple(row) for row in rows] == [
        (1, "ada@acme.test"),
        (2, "p0@acme.testx"),
        (3, "p1@acme.testx"),
        (4, "p2@acme.testx"),
    ]
    assert columns == ["number", "email"]


async def test_a_failed_statement_raises_the_database_error_and_its_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.write() as connection:
            await connection.execute(insert(people).values(email="bob@acme.test"))
            await connection.execute(insert(people).values(email="bob@acme.test"))
    async with db.read() as connection:
        assert (await connection.execute(select(people))).all() == []
    async with db.write() as connection:  # the connection it failed on is usable again
        await connection.execute(insert(people).values(email="bob@acme.test"))


async def test_results_streamed_in_pages_still_arrive_whole(db: Database) -> None:
    async with db.write() as connection:
        await connection.execute(insert(people), [{"email": f"s{n:04}@acme.test"} for n in range(2500)])
    async with db.read() as connection:
        streamed = await connection.stream(select(people.c.email).order_by(people.c.email))
        emails = [email async for email in streamed.scalars()]
    assert len(emails) == 2500 and emails[0] == "s0000@acme.test" and emails[-1] == "s2499@acme.test"


async def test_a_read_transaction_of_one_select_takes_three_hops_to_the_sqlite_thread(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with db.read() as connection:  # the pool's connection is open before counting
        await connection.execute(select(people))
    hops: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    async with db.read() as connection:
        await connection.execute(select(people).where(people.c.number == 1))
    assert len(hops) == 3, hops  # BEGIN, the SELECT, COMMIT; no rollback of a committed connection
