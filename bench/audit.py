"""The audit log's figures: filtered search pages on a large log, ingest with the chain and fsync against a
one-write baseline, and export throughput.

Search: seeds one organization with N entries (default 10 million; 40 actions over 8 prefixes, 2,000 actors,
500 IPs, N / 50 targets, a year of time, details with words) by the database's bulk path (sqlite3
executemany, PostgreSQL COPY), indexes built after the load as a restore would, then measures p50/p99 of pages
of 50 through the audit store's query for each filter, next to the unfiltered first page. Entries carry
placeholder hashes: search does not read them (the chain is measured by the ingest part).

Ingest: see bench/audit_ingest.py (one event per transaction, the store's batches, and the audit consumer draining
a real nats-server, against a one-write baseline; entry visible after publish).

Export: JSON lines streamed from the database by the ExportLog use case, rows per second; and the export job
(AuditExportService) writing the same rows to its stored file as CSV and as JSON lines, rows per second.

    .venv/bin/python -m bench.audit [--entries 10000000] [--samples 200] [--database-url URL] [--skip-search]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bench.audit_ingest import ingest_figures
from services.audit.domain.export_cases import AuditExports
from services.audit.domain.export_jobs import ExportFilter
from services.audit.domain.ports import EntryQuery
from services.audit.domain.use_cases import AuditUseCases
from services.audit.main import MIGRATIONS_DIR
from services.audit.store.export_jobs import SqlExportStore
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import audit_entries, chain_heads
from services.audit.tests.recorded import put_plan
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.principal import Principal, system_principal

ORG = "00000000-0000-7000-8000-00000000a0d1"
EXPORT_ORG = "00000000-0000-7000-8000-00000000e4f1"
PREFIXES = ["member", "invitation", "group", "role", "session", "api_key", "invoice", "subscription"]
VERBS = ["created", "updated", "deleted", "changed", "revoked"]
ACTIONS = [f"{prefix}.{verb}" for prefix in PREFIXES for verb in VERBS]
WORDS = ["finance", "engineering", "sales", "legal", "support", "design", "ops", "marketing"]
START = datetime(2025, 1, 1, tzinfo=UTC)
COLUMNS = [column.name for column in audit_entries.columns]
SECONDARY_INDEXES = [index for index in audit_entries.indexes if not index.unique]
AUDITOR = Principal(actor_type="user", actor_id="auditor", organization_id=ORG, permissions=frozenset({"audit.read"}))


def targets_of(count: int) -> int:
    """About 50 entries per target (200,000 targets in 10 million entries)."""
    return max(1, count // 50)


def entry_rows(organization_id: str, count: int, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    """Entries in sequence order, about 3 s apart over a year (for 10 M)."""
    rng = random.Random(seed)
    step = timedelta(seconds=365 * 24 * 3600 / max(count, 1))
    placeholder = "0" * 64
    for n in range(1, count + 1):
        at = START + step * n
        action = ACTIONS[rng.randrange(len(ACTIONS))]
        word = WORDS[rng.randrange(len(WORDS))]
        values = {
            "id": f"{organization_id[-4:]}-{n:012d}",
            "organization_id": organization_id,
            "sequence": n,
            "action": action,
            "event_type": f"membership.{action}",
            "actor_type": "user",
            "actor_id": f"acc-{rng.randrange(2000)}",
            "actor_display": "",
            "actor_ip": f"198.51.{rng.randrange(2)}.{rng.randrange(250)}",
            "actor_user_agent": "Mozilla/5.0",
            "target_type": "member",
            "target_id": f"m-{rng.randrange(targets_of(count))}",
            "target_display": "",
            "occurred_at": at,
            "recorded_at": at,
            "request_id": f"req-{n}",
            "details": json.dumps({"note": f"moved to {word} team", "n": n}),
            "prev_hash": placeholder,
            "hash": placeholder,
        }
        yield tuple(values[name] for name in COLUMNS)


def _sqlite_path(url: str) -> str:
    return str(make_url(url).database)


def _sqlite_value(value: Any) -> Any:
    """As SQLAlchemy's SQLite DateTime stores it: naive UTC text with microseconds."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def bulk_load(url: str, organization_id: str, count: int, build_indexes: bool) -> None:
    """Load entries with the database's bulk path, secondary indexes dropped during the load and rebuilt after."""
    if url.startswith("sqlite"):
        _sqlite_load(url, organization_id, count, build_indexes)
        return
    _postgres_load(url, organization_id, count, build_indexes)


def _sqlite_load(url: str, organization_id: str, count: int, build_indexes: bool) -> None:
    columns = ", ".join(COLUMNS)
    connection = sqlite3.connect(_sqlite_path(url))
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    for index in SECONDARY_INDEXES:
        connection.execute(f"DROP INDEX IF EXISTS {index.name}")
    marks = ", ".join("?" for _ in COLUMNS)
    rows = (tuple(_sqlite_value(value) for value in row) for row in entry_rows(organization_id, count))
    connection.executemany(f"INSERT INTO audit_entries ({columns}) VALUES ({marks})", rows)
    connection.commit()
    if build_indexes:
        for index in SECONDARY_INDEXES:
            names = ", ".join(column.name for column in index.columns)
            connection.execute(f"CREATE INDEX {index.name} ON audit_entries ({names})")
        connection.execute("ANALYZE")
    connection.commit()
    connection.close()


def _postgres_load(url: str, organization_id: str, count: int, build_indexes: bool) -> None:
    columns = ", ".join(COLUMNS)
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        for index in SECONDARY_INDEXES:
            connection.execute(f"DROP INDEX IF EXISTS {index.name}")
        with connection.cursor() as cursor, cursor.copy(f"COPY audit_entries ({columns}) FROM STDIN") as copy:
            for row in entry_rows(organization_id, count):
                copy.write_row(
                    tuple(value.replace(tzinfo=None) if isinstance(value, datetime) else value for value in row)
                )
        if build_indexes:
            for index in SECONDARY_INDEXES:
                names = ", ".join(column.name for column in index.columns)
                connection.execute(f"CREATE INDEX {index.name} ON audit_entries ({names})")
            connection.execute("ANALYZE audit_entries")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(call: Callable[[], Awaitable[object]], samples: int) -> dict[str, float]:
    for _ in range(3):
        await call()
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        await call()
        timings.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(statistics.median(timings), 2), "p99_ms": round(percentile(timings, 0.99), 2)}


async def search_figures(url: str, count: int, samples: int) -> dict[str, Any]:
    store = SqlAuditStore(Database(url))
    rng = random.Random(11)
    middle = START + timedelta(days=180)

    def page(**filters: Any) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            async with store.read() as tx:
                return await tx.list_entries(EntryQuery(ORG, limit=51, **filters))

        return call

    def varying(make: Callable[[], dict[str, Any]]) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            return await page(**make())()

        return call

    cases: dict[str, Callable[[], Awaitable[object]]] = {
        "first page, newest first (baseline)": page(),
        "deep page (before the middle sequence)": page(before_sequence=count // 2),
        "action = one of 40": varying(lambda: {"action": rng.choice(ACTIONS)}),
        "action prefix 'member.' (1/8)": page(action_prefix="member."),
        "action prefix, deep page": page(action_prefix="invoice.", before_sequence=count // 2),
        "actor_id = one of 2,000": varying(lambda: {"actor_id": f"acc-{rng.randrange(2000)}"}),
        "actor_ip = one of 500": varying(lambda: {"actor_ip": f"198.51.{rng.randrange(2)}.{rng.randrange(250)}"}),
        "target_id = one of N / 50 (about 50 each)": varying(
            lambda: {"target_id": f"m-{rng.randrange(targets_of(count))}"}
        ),
        "one day's range": varying(
            lambda: {"start": (day := middle + timedelta(days=rng.randrange(150))), "end": day + timedelta(days=1)}
        ),
        "one day's range, deep page": varying(
            lambda: {
                "start": (day := START + timedelta(days=1 + rng.randrange(150))),
                "end": day + timedelta(days=1),
                "before_sequence": count // 2,
            }
        ),
        "one hour, action prefix 'member.'": varying(
            lambda: {
                "start": (hour := middle + timedelta(hours=rng.randrange(3000))),
                "end": hour + timedelta(hours=1),
                "action_prefix": "member.",
            }
        ),
        "text 'finance' (1/8 of details)": page(text="finance"),
        "text + actor": varying(lambda: {"text": "legal", "actor_id": f"acc-{rng.randrange(2000)}"}),
    }
    figures = {name: await measure(call, samples) for name, call in cases.items()}
    await store._db.dispose()
    base = figures["first page, newest first (baseline)"]
    for values in figures.values():
        values["p99_ratio"] = round(values["p99_ms"] / max(base["p99_ms"], 0.01), 2)
    return figures


async def export_figures(url: str, rows: int) -> dict[str, Any]:
    db = Database(url)
    use_cases = AuditUseCases(SqlAuditStore(db), FrozenClock())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    written = 0
    async for chunk in use_cases.export_log(system_principal("bench"), EXPORT_ORG):
        written += len(chunk)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    await db.dispose()
    return {
        "rows": rows,
        "rows_per_s": round(rows / seconds),
        # On a shared machine the wall clock includes waiting for a core; this is the rate per core of our process.
        "rows_per_cpu_s": round(rows / cpu_seconds),
        "mb": round(written / 1e6, 1),
        "peak_rss_growth_mb": round((after - before) / 1024, 1),
    }


async def export_job_figures(url: str, rows: int) -> dict[str, Any]:
    """The job that writes an export's stored file, page by page with its progress, per format."""
    db = Database(url)
    clock = FrozenClock()
    await put_plan(db, clock, EXPORT_ORG, features=("audit_export",))
    async with db.write() as connection:  # the bulk load wrote entries only: the head the service appends after
        await connection.execute(insert(chain_heads).values(organization_id=EXPORT_ORG, sequence=rows, hash="0" * 64))
    exports = AuditExports(SqlExportStore(db, clock), clock)
    auditor = Principal(
        actor_type="user", actor_id="bench", organization_id=EXPORT_ORG, permissions=frozenset({"audit.read"})
    )
    figures: dict[str, Any] = {"rows": rows}
    for format_name in ("csv", "jsonl"):
        export = await exports.create(auditor, EXPORT_ORG, format_name, ExportFilter(), "")
        started, cpu_started = time.perf_counter(), time.process_time()
        more = True
        while more:
            _, more = await exports.write_pending()
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        done = await exports.get(auditor, EXPORT_ORG, export.id)
        assert done.state == "succeeded" and done.rows_written >= rows, done
        figures[format_name] = {
            "rows_per_s": round(done.rows_written / seconds),
            "rows_per_cpu_s": round(done.rows_written / cpu_seconds),
            "mb": round(done.size_bytes / 1e6, 1),
        }
    await db.dispose()
    return figures


async def run(count: int, samples: int, database_url: str | None, skip_search: bool, events: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tenantry-audit-bench-") as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'audit.db'}"
        migrations.upgrade(MIGRATIONS_DIR, url)
        result: dict[str, Any] = {"database": "postgresql" if database_url else "sqlite"}
        export_rows = min(300_000, max(count // 10, 10_000))
        started = time.perf_counter()
        bulk_load(url, EXPORT_ORG, export_rows, build_indexes=skip_search)
        if not skip_search:
            bulk_load(url, ORG, count, build_indexes=True)
            result["entries"] = count
            result["load_seconds"] = round(time.perf_counter() - started, 1)
            result["search"] = await search_figures(url, count, samples)
        result["export"] = await export_figures(url, export_rows)
        result["export_job"] = await export_job_figures(url, export_rows)
        result["ingest"] = await ingest_figures(url, events, Path(tmp))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--events", type=int, default=2000, help="events for the ingest figures")
    parser.add_argument("--database-url", default=None, help="e.g. postgresql+psycopg://postgres@127.0.0.1/bench")
    parser.add_argument("--skip-search", action="store_true", help="only ingest and export (no large load)")
    args = parser.parse_args()
    result = asyncio.run(run(args.entries, args.samples, args.database_url, args.skip_search, args.events))
    print(json.dumps(result, indent=2))
    if "search" in result:
        print(f"\nAudit search, pages of 50, {result['entries']} entries on {result['database']}")
        print(f"{'query':42} {'p50 ms':>8} {'p99 ms':>8} {'p99 / baseline':>15}")
        for name, values in result["search"].items():
            print(f"{name:42} {values['p50_ms']:>8} {values['p99_ms']:>8} {values['p99_ratio']:>15}")


if __name__ == "__main__":
    main()
