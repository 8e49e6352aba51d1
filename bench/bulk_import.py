"""Bulk actions and CSV import: time and SQL statements of a 1,000-row import (committed), of a 1,000-member bulk
role change and of adding 1,000 members to 1 and to N groups, on membership's store and use cases in process
(SQLite; seats unlimited, so no billing hop is counted). The statement counts tell whether a cost grows with the
number of groups.

    .venv/bin/python -m bench.bulk_import [--members 1000] [--groups 10] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.permissions import CATALOGUE
from services.common.principal import Principal, system_principal
from services.membership.domain.bulk import BulkUseCases
from services.membership.domain.groups import GroupFields, GroupUseCases
from services.membership.domain.imports import ImportUseCases
from services.membership.domain.invitations import InvitationUseCases
from services.membership.domain.members import MemberUseCases
from services.membership.domain.organizations import OrganizationUseCases
from services.membership.store.sql import SqlMembershipStore
from services.membership.tests.support import membership_store

OWNER_ACCOUNT = "acc-owner"


class StatementCounter:
    """Counts the SQL statements an engine executes."""

    def __init__(self, db: Database):
        self.count = 0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1


async def measured(counter: StatementCounter, work: Callable[[], Awaitable[object]]) -> dict[str, float]:
    before = counter.count
    started = time.perf_counter()
    await work()
    return {"seconds": round(time.perf_counter() - started, 2), "statements": counter.count - before}


async def run(members: int, group_count: int) -> dict[str, dict[str, float]]:
    clock = FrozenClock(datetime.now(UTC))
    with tempfile.TemporaryDirectory(prefix="tenantry-bench-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'membership.db'}"
        async with membership_store(url, clock) as (store, db):
            assert isinstance(store, SqlMembershipStore)
            counter = StatementCounter(db)
            organizations = OrganizationUseCases(store, clock)
            platform = system_principal("bench")
            organization, _ = await organizations.create_organization(
                platform,
                display_name="Bench",
                owner_account_id=OWNER_ACCOUNT,
                owner_email="owner@bench.test",
                owner_display_name="Owner",
            )
            org = organization.id
            owner = Principal(
                actor_type="user",
                actor_id=OWNER_ACCOUNT,
                account_id=OWNER_ACCOUNT,
                organization_id=org,
                permissions=CATALOGUE,
            )
            member_use_cases = MemberUseCases(store, clock)
            groups = GroupUseCases(store, clock)
            invitations = InvitationUseCases(store, clock, invitation_secret="s" * 48)
            imports = ImportUseCases(invitations, store)
            bulk = BulkUseCases(member_use_cases, groups)
            group_ids = [
                (await groups.create_group(owner, org, GroupFields(name=f"Team {n}"))).id for n in range(group_count)
            ]
            rows = "\n".join(f"person{n}@bench.test,Person {n},member" for n in range(members))
            csv = f"email,name,role\n{rows}\n".encode()
            results: dict[str, dict[str, float]] = {}
            imported: list[Any] = []

            async def do_import() -> None:
                imported.extend(await imports.import_invitations(owner, org, csv, dry_run=False))

            results["csv_import_commit"] = await measured(counter, do_import)
            member_ids = [row.member.id for row in imported if row.member is not None]
            assert len(member_ids) == members, [row for row in imported if row.error_reason][:3]
            results["bulk_change_role"] = await measured(
                counter, lambda: bulk.update_members(owner, org, member_ids, "change_role", role="user_admin")
            )
            results["bulk_add_to_1_group"] = await measured(
                counter, lambda: bulk.update_members(owner, org, member_ids, "add_to_groups", group_ids=group_ids[:1])
            )
            results[f"bulk_add_to_{group_count}_groups"] = await measured(
                counter, lambda: bulk.update_members(owner, org, member_ids, "add_to_groups", group_ids=group_ids)
            )
    for figures in results.values():
        figures["statements_per_member"] = round(figures["statements"] / members, 1)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args()
    results = asyncio.run(run(args.members, args.groups))
    print(f"\nBulk actions and CSV import, {args.members} members, {args.groups} groups (SQLite, in process)")
    print(f"{'case':<28}{'seconds':>10}{'statements':>12}{'per member':>12}")
    for name, figures in results.items():
        print(f"{name:<28}{figures['seconds']:>10}{figures['statements']:>12}{figures['statements_per_member']:>12}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
