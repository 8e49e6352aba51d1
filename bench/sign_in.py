"""Benchmark of identity: sign-in throughput against raw argon2id verification measured in the same run,
and the authentication overhead per request at the gateway.

    make bench            (or: .venv/bin/python -m bench.sign_in [--requests N] [--concurrency C])

- raw argon2id: `PasswordHasher().verify` (argon2-cffi defaults) in a thread pool sized like identity's,
  the floor any password sign-in pays.
- sign-in: POST /v1/sessions through the gateway (HTTP -> gRPC -> argon2id -> SQLite session insert).
- authentication overhead: GET /healthz (no authentication) against GET /v1/me with a session cookie
  (cached at the gateway) and with an API key, p50/p99; the difference is what authenticating costs.
Everything runs on 127.0.0.1; loops are bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from argon2 import PasswordHasher

from bench.invite_flow import OWNER_EMAIL, OWNER_PASSWORD, percentile
from services.cli import create_organization
from services.suite import Suite, SuitePorts


def raw_argon2(total: int, concurrency: int) -> dict[str, float]:
    hasher = PasswordHasher()
    stored = hasher.hash(OWNER_PASSWORD)
    workers = min(concurrency, (os.cpu_count() or 1) + 4)  # asyncio.to_thread's default pool size
    latencies: list[float] = []

    def one(_: int) -> None:
        started = time.perf_counter()
        hasher.verify(stored, OWNER_PASSWORD)
        latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, range(total)))
    elapsed = time.perf_counter() - started
    return {"rps": total / elapsed, "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99)}


async def timed_gets(client: httpx.AsyncClient, path: str, total: int, concurrency: int) -> dict[str, float]:
    counter = iter(range(total))
    latencies: list[float] = []

    async def worker() -> None:
        for _ in counter:
            started = time.perf_counter()
            response = await client.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout=600)
    elapsed = time.perf_counter() - started
    return {"rps": total / elapsed, "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99)}


async def measure(suite: Suite, sign_ins: int, requests: int, concurrency: int) -> dict[str, dict[str, float]]:
    await create_organization(
        data_dir=suite.data_dir,
        name="Bench",
        owner_email=OWNER_EMAIL,
        owner_password=OWNER_PASSWORD,
        owner_name="Bench Owner",
        identity_address=f"127.0.0.1:{suite.ports.identity}",
        membership_address=f"127.0.0.1:{suite.ports.membership}",
    )
    origin = {"Origin": suite.gateway_url}
    async with httpx.AsyncClient(base_url=suite.gateway_url, headers=origin, timeout=60) as client:
        deadline = time.monotonic() + 15
        while True:  # the Owner's membership reaches identity through an event
            signed_in = await client.post("/v1/sessions", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
            signed_in.raise_for_status()
            if signed_in.json()["session"]["organization_id"] or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        client.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
        key = await client.post("/v1/api-keys", json={"name": "bench", "permissions": ["members.read"]})
        key.raise_for_status()
        secret = key.json()["secret"]

        counter = iter(range(sign_ins))
        latencies: list[float] = []

        async def sign_in_worker() -> None:
            async with httpx.AsyncClient(base_url=suite.gateway_url, headers=origin, timeout=60) as fresh:
                for _ in counter:
                    started = time.perf_counter()
                    response = await fresh.post("/v1/sessions", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
                    latencies.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                    fresh.cookies.clear()

        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(sign_in_worker() for _ in range(concurrency))), timeout=600)
        sign_in = {
            "rps": sign_ins / (time.perf_counter() - started),
            "p50_ms": percentile(latencies, 0.5),
            "p99_ms": percentile(latencies, 0.99),
        }
        unauthenticated = await timed_gets(client, "/healthz", requests, concurrency)
        by_cookie = await timed_gets(client, "/v1/me", requests, concurrency)
    async with httpx.AsyncClient(
        base_url=suite.gateway_url, headers={"Authorization": f"Bearer {secret}"}, timeout=60
    ) as program:
        by_key = await timed_gets(program, "/v1/me", requests, concurrency)
    return {
        "sign_in": sign_in,
        "healthz": unauthenticated,
        "me_cookie": by_cookie,
        "me_api_key": by_key,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sign-ins", type=int, default=200)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    raw = raw_argon2(args.sign_ins, args.concurrency)
    with tempfile.TemporaryDirectory(prefix="tenantry-bench-") as tmp:
        suite = Suite(data_dir=Path(tmp) / "suite", ports=SuitePorts.free(), reassign_taken_ports=True)
        suite.start()
        try:
            measured = asyncio.run(measure(suite, args.sign_ins, args.requests, args.concurrency))
        finally:
            suite.stop()
    print(f"\nTenantry sign-in and authentication, concurrency {args.concurrency}, 127.0.0.1")
    print(f"{'case':<44}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    rows = [
        (f"baseline: raw argon2id verify (x{args.sign_ins})", raw),
        (f"sign-in through the gateway (x{args.sign_ins})", measured["sign_in"]),
        (f"GET /healthz, no authentication (x{args.requests})", measured["healthz"]),
        (f"GET /v1/me with a session cookie (x{args.requests})", measured["me_cookie"]),
        (f"GET /v1/me with an API key (x{args.requests})", measured["me_api_key"]),
    ]
    for name, figures in rows:
        print(f"{name:<44}{figures['rps']:>10.1f}{figures['p50_ms']:>10.1f}{figures['p99_ms']:>10.1f}")
    print(f"\nratio sign-in/raw argon2id: {measured['sign_in']['rps'] / raw['rps']:.2f}")
    for label, case in (("cookie", "me_cookie"), ("API key", "me_api_key")):
        p50 = measured[case]["p50_ms"] - measured["healthz"]["p50_ms"]
        p99 = measured[case]["p99_ms"] - measured["healthz"]["p99_ms"]
        print(f"authentication overhead ({label}): p50 {p50:+.1f} ms, p99 {p99:+.1f} ms over /healthz")
    if args.json:
        print(json.dumps({"raw_argon2id": raw, **measured}, indent=2))


if __name__ == "__main__":
    main()
