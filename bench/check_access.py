"""Benchmark of CheckAccess, the call the rest of the product makes most, next to a gRPC echo measured in the same
run on the same machine.

Starts membership in this process (its real runtime: gRPC server with principal verification, SQLite, NATS) and, beside
it, a gRPC server whose one method echoes its request (the cost of a Python gRPC hop and nothing else). Seeds N
organizations of M members each, with their entitlements, then measures with C calls in flight:

- echo: the baseline, a CheckAccessRequest's bytes sent and returned;
- CheckAccess: one member and module per call, answered from the 2-second cache (warm: the first calls fill it);
- BatchCheckAccess: 50 checks per call, reported as checks per second.

    .venv/bin/python -m bench.check_access [--organizations 50] [--members 100] [--requests 3000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
from pydantic import SecretStr
from tenantry.membership.v1 import access_service_pb2 as pb
from tenantry.membership.v1 import access_service_pb2_grpc as pb_grpc

from bench.billing import rate
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.keys import generate_principal_key_pair
from services.common.messaging import Outbox
from services.common.nats_server import NatsServer, free_port
from services.common.principal import Principal, PrincipalSigner, outgoing_metadata
from services.common.tests.entitlement_events import deliver_entitlements, entitlements_changed
from services.membership.domain.model import Member, MemberStatus, Organization
from services.membership.events.publish import to_envelope
from services.membership.main import MIGRATIONS_DIR, build
from services.membership.settings import MembershipSettings
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import entitlements, messaging

MODULES = ("dictation", "templates", "analytics", "integrations")
BATCH = 50


def org_id(index: int) -> str:
    return f"00000000-0000-7000-8000-{index:012d}"


def member_id(organization: int, index: int) -> str:
    return f"00000000-0000-7000-9{organization:03d}-{index:012d}"


async def seed(url: str, organizations: int, members: int) -> None:
    now = datetime.now(UTC)
    clock = FrozenClock(now)
    db = Database(url)
    store = SqlMembershipStore(db, Outbox(messaging, clock), clock, to_envelope)
    try:
        for organization in range(organizations):
            async with store.write() as tx:
                await tx.insert_organization(Organization(org_id(organization), f"Org {organization}", now))
                for index in range(members):
                    mid = member_id(organization, index)
                    await tx.insert_member(
                        Member(mid, org_id(organization), None, f"m{index}@org{organization}.test", f"M {index}",
                               "member", MemberStatus.ACTIVE, now, now)
                    )  # fmt: skip
            await deliver_entitlements(db, entitlements, entitlements_changed(org_id(organization), version=2))
    finally:
        await db.dispose()


async def serve_echo() -> tuple[grpc.aio.Server, int]:
    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return request

    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "bench.Baseline", {"Echo": grpc.unary_unary_rpc_method_handler(echo, lambda b: b, lambda b: b)}
            )
        ]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, port


async def run(organizations: int, members: int, requests: int, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tenantry-access-bench-") as tmp:
        nats = NatsServer(Path(tmp) / "nats")
        nats.start()
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'membership.db'}"
        migrations.upgrade(MIGRATIONS_DIR, url)
        await seed(url, organizations, members)
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
        echo_server, echo_port = await serve_echo()
        signer = PrincipalSigner(private_key, ttl=timedelta(hours=1))
        product_of = {
            org_id(index): outgoing_metadata(
                signer.mint(
                    Principal(
                        actor_type="service_account",
                        actor_id="bench-product",
                        organization_id=org_id(index),
                        permissions=frozenset({"members.read"}),
                    )
                )[0]
            )
            for index in range(organizations)
        }
        chooser = random.Random(7)

        def question() -> pb.CheckAccessRequest:
            organization = chooser.randrange(organizations)
            return pb.CheckAccessRequest(
                organization_id=org_id(organization),
                member_id=member_id(organization, chooser.randrange(members)),
                module_id=chooser.choice(MODULES),
            )

        try:
            async with (
                grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel,
                grpc.aio.insecure_channel(f"127.0.0.1:{echo_port}") as echo_channel,
            ):
                stub = pb_grpc.AccessServiceStub(channel)
                echo = echo_channel.unary_unary("/bench.Baseline/Echo")
                payload = question().SerializeToString()

                async def echo_call() -> object:
                    return await echo(payload, metadata=product_of[org_id(0)], timeout=10)

                async def check() -> object:
                    request = question()
                    reply = await stub.CheckAccess(request, metadata=product_of[request.organization_id], timeout=10)
                    assert reply.decision.member_id == request.member_id
                    return reply

                async def batch() -> object:
                    organization = chooser.randrange(organizations)
                    checks = [
                        pb.AccessCheck(
                            member_id=member_id(organization, chooser.randrange(members)),
                            module_id=chooser.choice(MODULES),
                        )
                        for _ in range(BATCH)
                    ]
                    return await stub.BatchCheckAccess(
                        pb.BatchCheckAccessRequest(organization_id=org_id(organization), checks=checks),
                        metadata=product_of[org_id(organization)],
                        timeout=10,
                    )

                await rate(check, min(requests, 500), concurrency)  # warm the caches and the channel
                await rate(echo_call, 200, concurrency)
                baseline = await rate(echo_call, requests, concurrency)
                checks = await rate(check, requests, concurrency)
                batches = await rate(batch, max(requests // BATCH * 4, 20), concurrency)
        finally:
            await echo_server.stop(0)
            await runtime.stop()
            nats.stop()
    batch_checks = round(batches["per_second"] * BATCH, 1)
    return {
        "organizations": organizations,
        "members_per_organization": members,
        "concurrency": concurrency,
        "echo_baseline": baseline,
        "check_access": {**checks, "ratio_to_baseline": round(checks["per_second"] / baseline["per_second"], 2)},
        "batch_check_access": {
            **batches,
            "checks_per_second": batch_checks,
            "ratio_to_baseline": round(batch_checks / baseline["per_second"], 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organizations", type=int, default=50)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    started = time.perf_counter()
    result = asyncio.run(run(args.organizations, args.members, args.requests, args.concurrency))
    baseline, checks, batches = result["echo_baseline"], result["check_access"], result["batch_check_access"]
    print(
        f"CheckAccess on SQLite, {result['organizations']} organizations x {result['members_per_organization']} "
        f"members, {result['concurrency']} calls in flight ({time.perf_counter() - started:.0f} s in all)"
    )
    print(f"{'':34} {'calls/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'checks/s':>9} {'/ echo':>7}")
    print(f"{'gRPC echo (baseline)':34} {baseline['per_second']:>9} {baseline['p50_ms']:>8} {baseline['p99_ms']:>8}")
    print(
        f"{'CheckAccess':34} {checks['per_second']:>9} {checks['p50_ms']:>8} {checks['p99_ms']:>8} "
        f"{checks['per_second']:>9} {checks['ratio_to_baseline']:>7}"
    )
    print(
        f"{f'BatchCheckAccess ({BATCH} per call)':34} {batches['per_second']:>9} {batches['p50_ms']:>8} "
        f"{batches['p99_ms']:>8} {batches['checks_per_second']:>9} {batches['ratio_to_baseline']:>7}"
    )


if __name__ == "__main__":
    main()
