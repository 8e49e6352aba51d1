"""The audit log's search, as statements both databases answer from an index whatever the log's size.

A page is found in two steps: the sequences of the page (a walk of one index, reading no entry), then those
entries. Sorting a day's entries (tens of thousands on a large log) by sequence then sorts integers, not rows.

An action prefix (`member.`) matches a handful of actions, each with its own run in the action index, in sequence
order: the page merges the first entries of each run instead of sorting every entry the prefix matches (a
million on a 10-million-entry log). The actions come from a walk of the index, one seek each.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from services.audit.domain.ports import EntryQuery
from services.audit.store.tables import audit_entries

# Past this many actions under one prefix, the merge costs more than a sort: the prefix is read as a range.
MAX_MERGED_ACTIONS = 64
# A time range holding fewer entries than this is read through the time index and sorted (a bounded count says
# so, in a few milliseconds): walking the sequence index, or a prefix's runs, from the newest entry back to an old
# range would read every entry since. A larger range is walked in sequence order.
SMALL_TIME_RANGE = 50_000
entries = audit_entries.c


def prefix_end(prefix: str) -> str:
    """The smallest string above every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def in_time(query: EntryQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.start is not None:
        conditions.append(entries.occurred_at >= query.start)
    if query.end is not None:
        conditions.append(entries.occurred_at < query.end)
    return conditions


def conditions_of(query: EntryQuery) -> list[ColumnElement[bool]]:
    """Every filter of the query but the action prefix."""
    conditions: list[ColumnElement[bool]] = [entries.organization_id == query.organization_id]
    if query.action:
        conditions.append(entries.action == query.action)
    if query.actor_id:
        conditions.append(entries.actor_id == query.actor_id)
    if query.target_id:
        conditions.append(entries.target_id == query.target_id)
    if query.actor_ip:
        conditions.append(entries.actor_ip == query.actor_ip)
    conditions += in_time(query)
    if query.text:
        conditions.append(entries.details.ilike(f"%{escape_like(query.text)}%", escape="\\"))
    if query.before_sequence is not None:
        conditions.append(entries.sequence < query.before_sequence)
    if query.after_sequence is not None:
        conditions.append(entries.sequence > query.after_sequence)
    return conditions


async def actions_with_prefix(connection: AsyncConnection, organization_id: str, prefix: str) -> list[str]:
    """The organization's distinct actions starting with `prefix`, up to one more than MAX_MERGED_ACTIONS: from
    each, a seek to the next one in the action index (neither database skips through an index by itself)."""
    end = prefix_end(prefix)
    first = select(func.min(entries.action).label("action")).where(
        entries.organization_id == organization_id, entries.action >= prefix, entries.action < end
    )
    found = first.cte("prefixed_actions", recursive=True)
    following = (
        select(func.min(entries.action))
        .where(entries.organization_id == organization_id, entries.action > found.c.action, entries.action < end)
        .scalar_subquery()
    )
    found = found.union_all(select(following).where(found.c.action.is_not(None)))
    rows = await connection.execute(
        select(found.c.action).where(found.c.action.is_not(None)).limit(MAX_MERGED_ACTIONS + 1)
    )
    return [row[0] for row in rows]


async def small_time_range(connection: AsyncConnection, query: EntryQuery) -> bool:
    """Whether the query has a time range with fewer than SMALL_TIME_RANGE entries (counted up to that)."""
    if query.start is None and query.end is None:
        return False
    bounded = (
        select(entries.occurred_at)
        .where(entries.organization_id == query.organization_id, *in_time(query))
        .limit(SMALL_TIME_RANGE)
        .subquery()
    )
    return int(await connection.scalar(select(func.count()).select_from(bounded)) or 0) < SMALL_TIME_RANGE


async def page_sequences(connection: AsyncConnection, query: EntryQuery) -> Select[tuple[int]] | None:
    """The statement selecting the sequences of the query's page (None: the page is empty)."""
    conditions = conditions_of(query)
    newest_first = not query.oldest_first
    order = entries.sequence.desc() if newest_first else entries.sequence.asc()
    in_prefix = (
        [entries.action >= query.action_prefix, entries.action < prefix_end(query.action_prefix)]
        if query.action_prefix
        else []
    )
    if await small_time_range(connection, query):
        # Through the time index, sorting what it holds. Ordering by `sequence + 0` keeps PostgreSQL from walking
        # the sequence index back through every newer entry (it did: 0.7 s for a day a few months back).
        by_value = entries.sequence + 0
        unindexed = by_value.desc() if newest_first else by_value.asc()
        return select(entries.sequence).where(*conditions, *in_prefix).order_by(unindexed).limit(query.limit)
    if not query.action_prefix:
        return select(entries.sequence).where(*conditions).order_by(order).limit(query.limit)
    as_range = select(entries.sequence).where(*conditions, *in_prefix).order_by(order).limit(query.limit)
    actions = await actions_with_prefix(connection, query.organization_id, query.action_prefix)
    if not actions:
        return None
    if len(actions) > MAX_MERGED_ACTIONS:
        return as_range
    runs = [
        select(entries.sequence).where(*conditions, entries.action == action).order_by(order).limit(query.limit)
        for action in actions
    ]
    merged = union_all(*(select(run.subquery().c.sequence) for run in runs)).subquery()
    merged_order = merged.c.sequence.desc() if newest_first else merged.c.sequence.asc()
    return select(merged.c.sequence).order_by(merged_order).limit(query.limit)
