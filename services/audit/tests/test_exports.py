"""Audit exports: a job writes the matching entries up to the log's head page by page, with progress; one at a
time per organization, behind the plan's audit_export; asking and downloading are themselves audited; files
expire. Over a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from services.audit.domain import export_jobs
from services.audit.domain.export import parse_export
from services.audit.domain.export_cases import AuditExports
from services.audit.domain.export_jobs import EXPIRED, ORGANIZATION, RUNNING, SUCCEEDED, ExportFilter
from services.audit.domain.model import AuditEntry, AuditRecord
from services.audit.domain.ports import EntryQuery
from services.audit.main import MIGRATIONS_DIR
from services.audit.store.export_jobs import SqlExportStore
from services.audit.store.sql import SqlAuditStore
from services.audit.tests.recorded import put_plan, record_invitations
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import DomainError, InvalidArgument, NotFound, PermissionDenied
from services.common.principal import Principal

ORG, OTHER_ORG = "org-1", "org-2"
NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
AUDITOR = Principal(
    actor_type="user", actor_id="acc-aud", organization_id=ORG, permissions=frozenset({"audit.read"}),
    ip_address="203.0.113.7",
)  # fmt: skip
MEMBER = Principal(actor_type="user", actor_id="acc-m", organization_id=ORG, permissions=frozenset())


@dataclass
class Exports:
    db: Database
    clock: FrozenClock
    use_cases: AuditExports

    async def all_pages(self) -> None:
        while await self.use_cases.write_next_page():
            pass

    async def file(self, export_id: str, principal: Principal = AUDITOR) -> bytes:
        data, index = b"", 0
        while True:
            chunk = await self.use_cases.read_chunk(principal, ORG, export_id, index)
            data += chunk.data
            if chunk.next_index is None:
                return data
            index = chunk.next_index

    async def actions(self) -> list[str]:
        async with SqlAuditStore(self.db).read() as tx:
            entries = await tx.list_entries(EntryQuery(ORG, 1000, oldest_first=True))
        return [entry.record.action for entry in entries]


@pytest.fixture
async def exports(database_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Exports]:
    monkeypatch.setattr(export_jobs, "PAGE_ENTRIES", 4)  # several pages out of a few entries
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(NOW)
    await put_plan(db, clock, ORG, features=("audit_log", "audit_export"))
    await record_invitations(db, clock, ORG, range(1, 11))
    yield Exports(db, clock, AuditExports(SqlExportStore(db, clock), clock))
    await db.dispose()


async def test_an_export_writes_the_matching_entries_page_by_page_with_its_progress(exports: Exports) -> None:
    export = await exports.use_cases.create(AUDITOR, ORG, "csv", ExportFilter(action_prefix="member."), "")
    assert (export.state, export.last_sequence, export.percent_complete) == ("queued", 10, 0)
    await exports.use_cases.write_next_page()
    halfway = await exports.use_cases.get(AUDITOR, ORG, export.id)
    assert (halfway.state, halfway.scanned_sequence, halfway.rows_written) == (RUNNING, 4, 4)
    assert halfway.percent_complete == 40
    await record_invitations(exports.db, exports.clock, ORG, range(11, 14))  # after the request: not in it
    await exports.all_pages()

    done = await exports.use_cases.get(AUDITOR, ORG, export.id)
    assert (done.state, done.rows_written, done.percent_complete) == (SUCCEEDED, 10, 100)
    assert done.expires_at == NOW + timedelta(hours=24)
    rows = list(csv.DictReader(io.StringIO((await exports.file(export.id)).decode())))
    assert [row["target_id"] for row in rows] == [f"m-{n}" for n in range(1, 11)]
    assert [int(row["sequence"]) for row in rows] == list(range(1, 11))
    assert done.size_bytes == len(await exports.file(export.id))


async def test_a_jsonl_export_holds_entries_a_verifier_can_read(exports: Exports) -> None:
    window = ExportFilter(start=NOW - timedelta(minutes=1), end=NOW + timedelta(minutes=1))
    export = await exports.use_cases.create(AUDITOR, ORG, "jsonl", window, "")
    await exports.all_pages()
    entries, checkpoints = parse_export((await exports.file(export.id)).decode().splitlines())
    assert [entry.sequence for entry in entries] == list(range(1, 11)) and checkpoints == []


async def test_a_filter_that_matches_nothing_gives_a_csv_with_only_its_header(exports: Exports) -> None:
    export = await exports.use_cases.create(AUDITOR, ORG, "csv", ExportFilter(action="member.removed"), "")
    await exports.all_pages()
    lines = (await exports.file(export.id)).decode().splitlines()
    assert lines == [",".join(export_jobs.CSV_COLUMNS)]


async def test_one_export_at_a_time_and_a_retry_returns_the_same_export(exports: Exports) -> None:
    first = await exports.use_cases.create(AUDITOR, ORG, "csv", ExportFilter(), "req-1")
    assert (await exports.use_cases.create(AUDITOR, ORG, "jsonl", ExportFilter(), "req-1")).id == first.id
    with pytest.raises(DomainError) as busy:
        await exports.use_cases.create(AUDITOR, ORG, "csv", ExportFilter(), "req-2")
    assert busy.value.reason == "EXPORT_IN_PROGRESS"
    with pytest.raises(DomainError) as early:
        await exports.use_cases.read_chunk(AUDITOR, ORG, first.id, 0)
    assert early.value.reason == "EXPORT_NOT_READY"
    await exports.all_pages()
    second = await exports.use_cases.create(AUDITOR, ORG, "csv", ExportFilter(), "req-2")
    assert second.id != first.id
    assert [e.id for e in await exports.use_cases.list(AUDITOR, ORG)] == [second.id, first.id]


async def test_an_export_needs_the_plans_audit_export_and_audit_read(exports: Exports) -> None:
    await put_plan(exports.db, exports.clock, ORG, features=("audit_log",), version=2)
    with pytest.raises(DomainError) as plan:
        await exports.use_cases.create(AUDITOR, ORG, "csv", ExportFilter(), "")
    assert plan.value.reason == "ENTITLEMENT_REQUIRED" and "audit_export" in str(plan.value)
    with pytest.raises(PermissionDenied):
        await exports.use_cases.create(MEMBER, ORG, "csv", ExportFilter(), "")
    with pytest.raises(NotFound):  # another organization's log is not even there
        await exports.use_cases.create(AUDITOR, OTHER_ORG, "csv", ExportFilter(), "")


async def test_bad_formats_and_ranges_are_refused_with_the_field_named(exports: Exports) -> None:
    with pytest.raises(InvalidArgument):
        await exports.use_cases.create(AUDITOR, ORG, "xlsx", ExportFilter(), "")
    backwards = ExportFilter(start=NOW, end=NOW - timedelta(days=1))
    with pytest.raises(InvalidArgument) as reversed_range:
        await exports.use_cases.create(AUDITOR, ORG, "csv", backwards, "")
    assert [v.field for v in reversed_range.value.violations] == ["filter.end_time"]
    assert await exports.use_cases.list(AUDITOR, ORG) == []


async def test_asking_for_and_downloading_an_export_are_audited(exports: Exports) -> None:
    export = await exports.use_cases.create(AUDITOR, ORG, "csv", ExportFilter(action_prefix="member."), "")
    await exports.all_pages()
    await exports.file(export.id)
    actions = await exports.actions()
    assert actions[-2:] == ["audit_export.requested", "audit_export.downloaded"]
    async with SqlAuditStore(exports.db).read() as tx:
        [downloaded] = await tx.list_entries(EntryQuery(ORG, 1, action="audit_export.downloaded"))
    assert (downloaded.record.actor_id, downloaded.record.actor_ip) == ("acc-aud", "203.0.113.7")
    assert '"rows":10' in downloaded.record.details and '"action_prefix":"member."' in downloaded.record.details


def test_cells_a_spreadsheet_would_run_are_neutralised() -> None:
    record = AuditRecord(
        "e", ORG, "member.invited", "membership.member.invited", "user", "a", "=HYPERLINK(\"x\")", "", "",
        "member", "m", "@SUM(1)", NOW, "",
    )  # fmt: skip
    text = export_jobs.rendered("csv", [AuditEntry(record, 1, "0", "h", NOW)], with_header=False).decode()
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text


async def test_an_expired_export_is_refused_and_its_file_dropped(exports: Exports) -> None:
    export = await exports.use_cases.create(AUDITOR, ORG, "csv", ExportFilter(), "")
    await exports.all_pages()
    exports.clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(DomainError) as expired:
        await exports.use_cases.read_chunk(AUDITOR, ORG, export.id, 0)
    assert expired.value.reason == "EXPORT_EXPIRED"
    assert await exports.use_cases.expire() == 1
    gone = await exports.use_cases.get(AUDITOR, ORG, export.id)
    assert gone.state == EXPIRED
    async with SqlAuditStore(exports.db).read() as tx:
        left = (await tx.connection.exec_driver_sql("SELECT COUNT(*) FROM audit_export_chunks")).scalar_one()
    assert left == 0
    with pytest.raises(NotFound):
        await exports.use_cases.get(AUDITOR, ORG, "nope")


async def test_another_organizations_export_is_not_there(exports: Exports) -> None:
    export = await exports.use_cases.create(AUDITOR, ORG, "csv", ExportFilter(), "")
    await exports.all_pages()
    outsider = Principal(
        actor_type="user", actor_id="acc-x", organization_id=OTHER_ORG, permissions=frozenset({"audit.read"})
    )
    with pytest.raises(NotFound):
        await exports.use_cases.get(outsider, OTHER_ORG, export.id)
    with pytest.raises(NotFound):
        await exports.use_cases.read_chunk(outsider, OTHER_ORG, export.id, 0)
    assert await exports.use_cases.list(outsider, OTHER_ORG) == []


async def test_an_organizations_data_export_takes_the_whole_log_on_any_plan(exports: Exports) -> None:
    """An organization may always take its data away: the log part of its data export needs no audit_export."""
    await put_plan(exports.db, exports.clock, ORG, features=(), version=2)
    export = await exports.use_cases.create(AUDITOR, ORG, "jsonl", ExportFilter(), "", scope=ORGANIZATION)
    assert export.file_name.startswith("organization-audit-log-")
    await exports.all_pages()
    entries, _ = parse_export((await exports.file(export.id)).decode().splitlines())
    assert [entry.sequence for entry in entries] == list(range(1, 11))
    with pytest.raises(InvalidArgument):  # the whole log, as JSON lines: no filter, no CSV
        await exports.use_cases.create(AUDITOR, ORG, "csv", ExportFilter(), "", scope=ORGANIZATION)
    with pytest.raises(InvalidArgument):
        await exports.use_cases.create(AUDITOR, ORG, "jsonl", ExportFilter(action="member.invited"), "", ORGANIZATION)
    with pytest.raises(PermissionDenied):
        await exports.use_cases.create(MEMBER, ORG, "jsonl", ExportFilter(), "", scope=ORGANIZATION)
