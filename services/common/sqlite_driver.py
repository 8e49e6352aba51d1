"""SQLite through aiosqlite with one thread hop per statement.

aiosqlite runs each call of a cursor in its connection's thread, and SQLAlchemy's adapter makes four of them per
statement (make the cursor, execute, fetch the rows, close it), each a queue put, a thread wake-up and an event-loop
wake-up. A read transaction of one SELECT took nine hops, 2.7 ms of CPU on this machine; the hops were most of it.
Here a statement runs whole in the thread, in one hop: its rows, description, row count and last row id come back
together, and the cursor is closed there. The event loop still never waits on SQLite itself.

Server-side cursors (results streamed in pages, as exports read them) keep aiosqlite's own cursor.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any, cast

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncIODBAPIConnection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

# (description, rowcount, lastrowid, rows) of one statement.
Outcome = tuple[Any, int, int | None, list[Any]]


def _run_statement(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    """In aiosqlite's thread: the whole statement, on a cursor of its own that is closed before returning."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        return description, cursor.rowcount, cursor.lastrowid, cursor.fetchall() if description else []
    finally:
        cursor.close()


class _Finished:
    """What a statement left behind, as the attributes of a DB-API cursor; closing it costs nothing."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, description: Any = None, rowcount: int = -1, lastrowid: int | None = None):
        self.description = description
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self.arraysize = 1

    def close(self) -> None:
        return None


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor, running each statement in one hop to aiosqlite's thread."""

    __slots__ = ()
    _awaitable_cursor_close = False  # nothing is left open in the thread

    def __init__(self, adapt_connection: Any):
        # No aiosqlite cursor is made here (a hop of its own): each statement makes and closes one in the thread.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Finished()  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._in_thread(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        await self._in_thread(operation, seq_of_parameters, many=True)

    async def _in_thread(self, operation: Any, parameters: Any, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            connection = cast(aiosqlite.Connection, self._connection)
            description, rowcount, lastrowid, rows = await connection._execute(
                _run_statement, connection._conn, operation, parameters, many
            )
        self._cursor = _Finished(description, rowcount, lastrowid)  # type: ignore[assignment]
        self._rows = collections.deque(rows)


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneHopCursor

    def rollback(self) -> None:
        """No hop when there is nothing to roll back: the pool rolls back every connection it gets back, most of
        them just committed."""
        connection = self._connection._connection
        if connection is not None and not connection.in_transaction:
            return
        super().rollback()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DB-API module SQLAlchemy's aiosqlite dialect is given (`create_async_engine(..., module=...)`)."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy's adapter does: an open connection never holds up exit
        return OneHopConnection(self, cast(AsyncIODBAPIConnection, await_(connection)))
