"""Listing members of a 100,000-member organization through membership's gRPC server.

Seeds one organization with N members (mixed roles and statuses, names and emails, a tenth of them in one
group) straight into membership's own database, starts membership in this process (real gRPC server, real
SQLite or PostgreSQL, real NATS), and measures p50/p99 of pages of 50 for each query, next to the baseline
of the same server answering the plain first page (newest first, no filter). Prints the ratios.

    .venv/bin/python -m bench.members_list [--members 100000] [--samples 200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
from pydantic import SecretStr
from sqlalchemy import insert, text
from tenantry.membership.v1 import membership_service_pb2 as pb
from tenantry.membership.v1 import membership_service_pb2_grpc as pb_grpc

from services.common import migrations
from services.common.db import Database
from services.common.ids import new_id
from services.common.keys import generate_principal_key_pair
from services.common.nats_server import NatsServer, free_port
from services.common.principal import Principal, PrincipalSigner, outgoing_metadata
from services.membership.domain import roles
from services.membership.main import MIGRATIONS_DIR, build
from services.membership.settings import MembershipSettings
from services.membership.store.tables import group_members, groups, members, organizations

ORG = "00000000-0000-7000-8000-000000000001"
GROUP = "00000000-0000-7000-8000-000000000002"
FIRST = ["Ann", "Bob", "Carla", "Dmitri", "Eve", "Farah", "Goran", "Hana", "Ivan", "Julia", "Kofi", "Lena"]
LAST = ["Lee", "Stone", "Berg", "Chen", "Adams", "Okafor", "Novak", "Silva", "Tanaka", "Weber"]


async def seed(database_url: str, count: int, organization_id: str = ORG, new_organization: bool = True) -> None:
    """`count` members (and a group holding a tenth of them) in `organization_id`, created first unless it exists
    (`new_organization=False`: an organization made through the services, as the gateway bench does)."""
    ORG = organization_id
    db = Database(database_url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rng = random.Random(7)
    async with db.write() as connection:
        if new_organization:
            await connection.execute(
                insert(organizations).values(id=ORG, display_name="Big", created_at=now, version=1)
            )
        await connection.execute(
            insert(groups).values(
                id=GROUP,
                organization_id=ORG,
                name="Engineering",
                name_key="engineering",
                description="",
                kind="team",
                category="",
                is_default=False,
                locked=False,
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
        batch: list[dict[str, object]] = []
        grouped: list[dict[str, object]] = []
        for n in range(count):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
            member_id = new_id()
            batch.append(
                {
                    "id": member_id,
                    "organization_id": ORG,
                    "account_id": f"acc-{n}" if n % 5 else None,
                    "email": f"user{n}@big.test",
                    "display_name": name,
                    "display_name_key": name.lower(),
                    "role": rng.choices(list(roles.BUILT_IN_ROLES), weights=[1, 1, 3, 95])[0],
                    "status": "active" if n % 5 else rng.choice(["invited", "deactivated"]),
                    "created_at": now + timedelta(seconds=n),
                    "updated_at": now + timedelta(seconds=n),
                    "version": 1,
                }
            )
            if n % 10 == 0:
                grouped.append(
                    {
                        "group_id": GROUP,
                        "member_id": member_id,
                        "organization_id": ORG,
                        "is_admin": False,
                        "added_at": now,
                    }
                )
            if len(batch) == 5000:
                await connection.execute(insert(members), batch)
                batch = []
        if batch:
            await connection.execute(insert(members), batch)
        await connection.execute(insert(group_members), grouped)
    if not db.sqlite:
        # PostgreSQL's autovacuum analyzes a table soon after a bulk load; do it now rather than wait for it.
        async with db.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("ANALYZE members"))
            await connection.execute(text("ANALYZE group_members"))
    await db.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(call: Callable[[], Awaitable[object]], samples: int) -> dict[str, float]:
    for _ in range(5):
        await call()  # warm caches and connections
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        await call()
        timings.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(statistics.median(timings), 2), "p99_ms": round(percentile(timings, 0.99), 2)}


async def run(count: int, samples: int, database_url: str | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="tenantry-members-bench-") as tmp:
        nats = NatsServer(Path(tmp) / "nats")
        nats.start()
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'membership.db'}"
        migrations.upgrade(MIGRATIONS_DIR, url)
        started = time.perf_counter()
        await seed(url, count)
        seeded_seconds = time.perf_counter() - started
        private_key, public_key = generate_principal_key_pair()
        settings = MembershipSettings(
            data_dir=Path(tmp),
            database_url=url,
            grpc_port=free_port(),
            nats_url=nats.url,
            principal_public_key=SecretStr(public_key),
            secret_key=SecretStr("bench" * 10),
            shutdown_grace_seconds=1,
        )
        runtime = build(settings)
        port = await runtime.start()
        admin = Principal(
            actor_type="user", actor_id="acc-admin", organization_id=ORG, permissions=roles.permissions_of("owner")
        )
        token, _ = PrincipalSigner(private_key, ttl=timedelta(hours=1)).mint(admin)
        metadata = outgoing_metadata(token)
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = pb_grpc.MembershipServiceStub(channel)

                def page(**fields: object) -> Callable[[], Awaitable[object]]:
                    request = pb.ListMembersRequest(organization_id=ORG, page_size=50, **fields)  # type: ignore[arg-type]

                    async def call() -> object:
                        reply = await stub.ListMembers(request, metadata=metadata, timeout=30)
                        assert reply.members, fields
                        return reply

                    return call

                deep_token = ""
                for _ in range(20):  # the 21st page by name, through keyset tokens
                    reply = await stub.ListMembers(
                        pb.ListMembersRequest(
                            organization_id=ORG, page_size=50, order_by="name", page_token=deep_token
                        ),
                        metadata=metadata,
                    )
                    deep_token = reply.next_page_token
                cases = {
                    "first page, newest first (baseline)": page(),
                    "status = active": page(filter='status = "active"'),
                    "role = member, by name": page(filter='role = "member"', order_by="name"),
                    "status = invited, by email": page(filter='status = "invited"', order_by="email"),
                    "group_id = one group (10%)": page(filter=f'group_id = "{GROUP}"'),
                    "search 'user123' (email prefix)": page(search="user123"),
                    "search 'hana' (name prefix), by name": page(search="hana", order_by="name"),
                    "21st page by name (keyset)": page(order_by="name", page_token=deep_token),
                }
                await measure(cases["first page, newest first (baseline)"], samples)  # settle after seeding
                figures = {name: await measure(call, samples) for name, call in cases.items()}
        finally:
            await runtime.stop()
            nats.stop()
    base = figures["first page, newest first (baseline)"]
    for values in figures.values():
        values["p50_ratio"] = round(values["p50_ms"] / base["p50_ms"], 2)
    return {
        "members": count,
        "database": "postgresql" if database_url else "sqlite",
        "seeded_seconds": round(seeded_seconds, 1),
        "samples": samples,
        "cases": figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--database-url", default=None, help="e.g. postgresql+psycopg://postgres@127.0.0.1/bench")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.members, args.samples, args.database_url))
    print(
        f"ListMembers, pages of 50, {result['members']} members on {result['database']} ({result['samples']} samples)"
    )
    print(f"{'query':42} {'p50 ms':>8} {'p99 ms':>8} {'p50 / baseline':>15}")
    cases = result["cases"]
    assert isinstance(cases, dict)
    for name, values in cases.items():
        print(f"{name:42} {values['p50_ms']:>8} {values['p99_ms']:>8} {values['p50_ratio']:>15}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
