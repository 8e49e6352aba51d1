"""Searching the audit log on real databases: every filter, and pages that stay put while entries arrive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf import struct_pb2
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.audit.domain.model import AuditEntry
from services.audit.domain.ports import EntryQuery
from services.audit.domain.use_cases import AuditUseCases
from services.audit.events.consume import AuditRecorder
from services.audit.main import MIGRATIONS_DIR
from services.audit.store import search
from services.audit.store.sql import SqlAuditStore
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import EventTarget, new_envelope
from services.common.principal import Principal

ORG = "org-1"
AUDITOR = Principal(actor_type="user", actor_id="a", organization_id=ORG, permissions=frozenset({"audit.read"}))
NOON = datetime(2026, 3, 1, 12, tzinfo=UTC)


class Log:
    def __init__(self, db: Database):
        self.db = db
        self.recorder = AuditRecorder(SqlAuditStore(db), FrozenClock(NOON))
        self.use_cases = AuditUseCases(SqlAuditStore(db), FrozenClock(NOON))

    async def add(
        self,
        event_type: str,
        *,
        at: datetime = NOON,
        ip: str = "198.51.100.7",
        actor: str = "acc-1",
        target: str = "m-1",
        note: str = "",
    ) -> None:
        details = struct_pb2.Struct()
        details.update({"note": note})
        envelope: envelope_pb2.Envelope = new_envelope(
            producer="membership",
            event_type=event_type,
            organization_id=ORG,
            actor=common_pb2.Actor(type=common_pb2.ACTOR_TYPE_USER, id=actor, ip_address=ip),
            payload=details if note else membership_events_pb2.MemberInvited(),
            occurred_at=at,
            target=EventTarget("member", target, target),
        )
        async with self.db.write() as connection:
            await self.recorder.record(connection, envelope)

    async def search(self, **filters: object) -> list[AuditEntry]:
        return await self.use_cases.list_entries(AUDITOR, EntryQuery(ORG, limit=50, **filters))  # type: ignore[arg-type]


@pytest.fixture
async def log(database_url: str) -> AsyncIterator[Log]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    yield Log(db)
    await db.dispose()


def actions(entries: list[AuditEntry]) -> list[str]:
    return [e.record.action for e in entries]


async def test_an_action_prefix_finds_every_member_action_and_nothing_else(log: Log) -> None:
    await log.add("member.invited")
    await log.add("member.role_changed")
    await log.add("members.exported")
    await log.add("session.created")
    assert actions(await log.search(action_prefix="member.")) == ["member.role_changed", "member.invited"]


@pytest.mark.parametrize("small_range", [50_000, 1], ids=["read-through-the-time-index", "walked-in-sequence-order"])
async def test_a_time_range_includes_its_start_and_excludes_its_end(
    log: Log, monkeypatch: pytest.MonkeyPatch, small_range: int
) -> None:
    monkeypatch.setattr(search, "SMALL_TIME_RANGE", small_range)
    for hour in (9, 10, 11, 12):
        await log.add(f"member.at_{hour}", at=NOON.replace(hour=hour))
    found = await log.search(start=NOON.replace(hour=10), end=NOON.replace(hour=12))
    assert actions(found) == ["member.at_11", "member.at_10"]


async def test_search_by_actor_ip_and_target_combines_with_and(log: Log) -> None:
    await log.add("member.invited", ip="203.0.113.9", actor="acc-2", target="m-9")
    await log.add("member.invited", ip="203.0.113.9", actor="acc-1", target="m-9")
    await log.add("member.invited", ip="198.51.100.7", actor="acc-2", target="m-9")
    found = await log.search(actor_ip="203.0.113.9", actor_id="acc-2", target_id="m-9")
    assert [e.sequence for e in found] == [1]


async def test_free_text_matches_the_details_in_any_case_and_wildcards_are_literal(log: Log) -> None:
    await log.add("member.noted", note="Moved to the Finance team")
    await log.add("member.noted", note="discount 100% applied")
    await log.add("member.noted", note="discount 1000 applied")
    assert [e.sequence for e in await log.search(text="finance")] == [1]
    assert [e.sequence for e in await log.search(text="100%")] == [2]
    assert [e.sequence for e in await log.search(text="_")] == []


async def test_pages_do_not_shift_while_entries_are_appended(log: Log) -> None:
    for index in range(5):
        await log.add(f"member.step_{index}")
    first_page = await log.search(before_sequence=None)
    assert [e.sequence for e in first_page] == [5, 4, 3, 2, 1]
    page = await log.use_cases.list_entries(AUDITOR, EntryQuery(ORG, limit=2))
    await log.add("member.late", at=NOON - timedelta(days=1))  # a late event, appended mid-reading
    next_page = await log.use_cases.list_entries(AUDITOR, EntryQuery(ORG, limit=2, before_sequence=page[-1].sequence))
    assert [e.sequence for e in page + next_page] == [5, 4, 3, 2]


async def page_through(log: Log, limit: int, **filters: object) -> list[int]:
    """Every page of a search, newest first, each after the last one's cursor."""
    sequences: list[int] = []
    before: int | None = None
    while True:
        query = EntryQuery(ORG, limit=limit, before_sequence=before, **filters)  # type: ignore[arg-type]
        page = await log.use_cases.list_entries(AUDITOR, query)
        if not page:
            return sequences
        sequences += [entry.sequence for entry in page]
        before = page[-1].sequence


async def interleaved(log: Log) -> list[int]:
    """Three member actions taking turns, with a session action between; the member entries' sequences."""
    members: list[int] = []
    for index in range(12):
        await log.add(("member.added", "member.removed", "member.updated")[index % 3], actor=f"acc-{index % 2}")
        members.append(2 * index + 1)
        await log.add("session.created")
    return members


async def test_a_prefix_spanning_several_actions_pages_through_them_in_sequence_order(log: Log) -> None:
    members = await interleaved(log)
    assert await page_through(log, 5, action_prefix="member.") == members[::-1]
    oldest_first = EntryQuery(ORG, limit=4, action_prefix="member.", oldest_first=True, after_sequence=members[3])
    found = await log.use_cases.list_entries(AUDITOR, oldest_first)
    assert [entry.sequence for entry in found] == members[4:8]
    by_actor = await page_through(log, 3, action_prefix="member.", actor_id="acc-1")
    assert by_actor == [sequence for index, sequence in enumerate(members) if index % 2][::-1]
    assert await log.search(action_prefix="members.") == []


async def test_a_prefix_with_more_actions_than_are_merged_reads_the_range_and_finds_the_same(
    log: Log, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = await interleaved(log)
    monkeypatch.setattr(search, "MAX_MERGED_ACTIONS", 2)
    assert await page_through(log, 5, action_prefix="member.") == members[::-1]


@pytest.mark.parametrize("small_range", [50_000, 1], ids=["read-through-the-time-index", "merged-runs"])
async def test_a_prefix_within_a_time_range_finds_the_same_either_way(
    log: Log, monkeypatch: pytest.MonkeyPatch, small_range: int
) -> None:
    monkeypatch.setattr(search, "SMALL_TIME_RANGE", small_range)
    for hour in (9, 10, 11, 12):
        await log.add("member.added", at=NOON.replace(hour=hour))
        await log.add("session.created", at=NOON.replace(hour=hour))
        await log.add("member.removed", at=NOON.replace(hour=hour))
    found = await log.search(action_prefix="member.", start=NOON.replace(hour=10), end=NOON.replace(hour=12))
    assert [entry.sequence for entry in found] == [9, 7, 6, 4]
