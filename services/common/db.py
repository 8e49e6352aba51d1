"""Database engine and transactions: SQLite (WAL) by default, PostgreSQL by URL.

Write transactions on SQLite start with BEGIN IMMEDIATE so concurrent writers queue on the lock
instead of failing on an upgrade deadlock; reads start deferred and never block writers (WAL).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.types import TypeDecorator

from services.common.sqlite_driver import OneHopDBAPI

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sync_url(url: str) -> str:
    """The same database through a synchronous driver, for Alembic."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def async_url(url: str) -> str:
    """Accept plain `sqlite:///` or `postgresql://` URLs and pick the async drivers."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _use_wal(cursor: Any) -> None:
    """Put the file in WAL mode (it stays so) unless it already is.

    Opening a connection while others write can meet a lock that SQLite reports at once rather than
    through the busy handler (the WAL index being rebuilt, or the mode switch itself), so the check
    is retried for up to the busy timeout before the connection is given up.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_SECONDS
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode")
            (mode,) = cursor.fetchone()
            if str(mode).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if ("locked" not in str(error) and "busy" not in str(error)) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions would defeat BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


_tracer = trace.get_tracer("tenantry.db")


def trace_statements(engine: AsyncEngine) -> None:
    """A CLIENT span per SQL statement, in the trace of the call or event that runs it (the SQLAlchemy
    instrumentation package instruments one engine per process; each service here has its own)."""
    system = engine.dialect.name

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _start(connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if not trace.get_current_span().is_recording():
            return  # no trace is being recorded: a statement span would be thrown away
        verb = statement.lstrip().split(" ", 1)[0].upper()
        span = _tracer.start_span(
            verb, kind=SpanKind.CLIENT, attributes={"db.system": system, "db.statement": statement[:2000]}
        )
        context._tenantry_span = span

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _end(connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        span = getattr(context, "_tenantry_span", None)
        if span is not None:
            span.end()

    @event.listens_for(engine.sync_engine, "handle_error")
    def _failed(exception_context: Any) -> None:
        span = getattr(exception_context.execution_context, "_tenantry_span", None)
        if span is not None:
            span.record_exception(exception_context.original_exception)
            span.end()


class Database:
    """One service's database: an async engine plus read and write transactions."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10):
        self.url = async_url(url)
        self.sqlite = is_sqlite(self.url)
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if self.sqlite else None
        if self.sqlite:
            database = make_url(self.url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_async_engine(
                self.url,
                echo=echo,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                module=OneHopDBAPI(),  # a statement in one hop to aiosqlite's thread (see sqlite_driver)
            )
            _configure_sqlite(self.engine)
        else:
            self.engine = create_async_engine(self.url, echo=echo, pool_size=pool_size, pool_pre_ping=True)
        trace_statements(self.engine)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A transaction that commits when the block ends and rolls back on any exception."""
        if self._write_lock is None:
            async with self.engine.begin() as connection:
                yield connection
            return
        # SQLite has one writer at a time; queueing writers here, not in SQLite's busy handler (which
        # sleeps in steps of up to 100 ms), keeps the tail latency of concurrent writes low.
        async with self._write_lock, self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only snapshot; on SQLite it takes no write lock."""
        async with self.engine.connect() as connection:
            if self.sqlite:
                connection = await connection.execution_options(sqlite_begin="DEFERRED")
            async with connection.begin():
                yield connection

    async def dispose(self) -> None:
        await self.engine.dispose()


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as naive UTC in every database and always returned timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use the clock (UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], datetime | None] | None:
        """On SQLite, the stored text parsed as UTC in one C call: the generic path (a regex parse, then
        `replace(tzinfo=...)`) costs 6 times more, and exports read two timestamps per row by the hundred thousand."""
        generic = super().result_processor(dialect, coltype)
        if generic is None or dialect.name != "sqlite":
            return generic

        def from_sqlite_text(value: Any) -> datetime | None:
            if value is None:
                return None
            try:
                return datetime.fromisoformat(value + "+00:00")  # "YYYY-MM-DD HH:MM:SS[.ffffff]", naive UTC
            except (TypeError, ValueError):
                return generic(value)

        return from_sqlite_text
