"""Benchmark of the foundation flow, with baselines measured in the same run on the same machine.

    make bench            (or: .venv/bin/python -m bench.invite_flow [--requests N] [--concurrency C])

Reports requests per second through the gateway for invitations, invite -> audit entry latency
(p50/p99), and the same figures for two baselines: HTTP -> gRPC -> JSON echo, and HTTP -> gRPC -> one
SQLite write. Ratios compare the flow with each baseline. Every loop is bounded in count and time and
talks only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from services.billing.settings import DEFAULT_CATALOGUE_PATH
from services.cli import create_organization
from services.common.nats_server import free_port
from services.suite import Suite, SuitePorts

OWNER_EMAIL = "bench-owner@acme.test"
OWNER_PASSWORD = "benchmark passphrase 1"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


async def load(
    client: httpx.AsyncClient, path: str, body: object, total: int, concurrency: int, headers_for=None
) -> tuple[float, list[float]]:
    """Send `total` POSTs with `concurrency` in flight; returns (requests/s, latencies in ms)."""
    counter = iter(range(total))
    latencies: list[float] = []

    async def worker() -> None:
        for index in counter:
            payload = body(index) if callable(body) else body
            headers = headers_for(index) if headers_for else {}
            started = time.perf_counter()
            response = await client.post(path, json=payload, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code >= 400:
                raise RuntimeError(f"{path} answered {response.status_code}: {response.text}")

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout=600)
    return total / (time.perf_counter() - started), latencies


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.post(url, content=b"{}", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(url)


async def baseline(total: int, concurrency: int, workdir: Path) -> dict[str, dict[str, float]]:
    grpc_port, http_port = free_port(), free_port()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.baseline",
                "grpc",
                "--port",
                str(grpc_port),
                "--database",
                str(workdir / "baseline.db"),
            ]
        ),
        subprocess.Popen(
            [sys.executable, "-m", "bench.baseline", "http", "--port", str(http_port), "--grpc-port", str(grpc_port)]
        ),
    ]
    try:
        wait_http(f"http://127.0.0.1:{http_port}/echo")
        results = {}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http_port}", timeout=30) as client:
            for name in ("echo", "write"):
                await load(client, f"/{name}", {"warm": True}, 100, concurrency)
                rate, latencies = await load(client, f"/{name}", {"n": 1}, total, concurrency)
                results[name] = {
                    "rps": rate,
                    "p50_ms": percentile(latencies, 0.5),
                    "p99_ms": percentile(latencies, 0.99),
                }
        return results
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


WARM_UP = 50


async def flow(suite: Suite, total: int, concurrency: int, samples: int) -> dict[str, dict[str, float]]:
    await create_organization(
        data_dir=suite.data_dir,
        name="Bench",
        owner_email=OWNER_EMAIL,
        owner_password=OWNER_PASSWORD,
        identity_address=f"127.0.0.1:{suite.ports.identity}",
        membership_address=f"127.0.0.1:{suite.ports.membership}",
    )
    async with httpx.AsyncClient(
        base_url=suite.gateway_url, headers={"Origin": suite.gateway_url}, timeout=30
    ) as client:
        deadline = time.monotonic() + 15
        while True:  # the Owner's membership reaches identity through an event
            signed_in = await client.post("/v1/sessions", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
            signed_in.raise_for_status()
            client.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
            if signed_in.json()["session"]["organization_id"] or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        await load(
            client, "/v1/invitations", lambda i: {"invitees": [{"email": f"warm{i}@acme.test"}]}, WARM_UP, concurrency
        )
        rate, latencies = await load(
            client,
            "/v1/invitations",
            lambda i: {"invitees": [{"email": f"person{i}@acme.test"}]},
            total,
            concurrency,
            headers_for=lambda i: {"Idempotency-Key": f"bench-{i}"},
        )
        usage = (await client.get("/v1/billing/seats")).json()
        if usage["invited"] < WARM_UP + total:  # every invitation must have succeeded, or the figures mislead
            raise RuntimeError(f"only {usage['invited']} of {WARM_UP + total} invitations hold a seat: {usage}")
        propagation: list[float] = []
        for index in range(samples):
            response = await client.post("/v1/invitations", json={"invitees": [{"email": f"sample{index}@acme.test"}]})
            started = time.perf_counter()
            member_id = response.json()["results"][0]["member"]["id"]
            deadline = started + 30
            while time.perf_counter() < deadline:
                entries = (await client.get("/v1/audit/entries", params={"target_id": member_id})).json()["entries"]
                if entries:
                    break
                await asyncio.sleep(0.002)
            propagation.append((time.perf_counter() - started) * 1000)
    return {
        "invite": {"rps": rate, "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99)},
        "invite_to_audit": {"p50_ms": percentile(propagation, 0.5), "p99_ms": percentile(propagation, 0.99)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--samples", type=int, default=50, help="invite -> audit latency samples")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tenantry-bench-") as tmp:
        workdir = Path(tmp)
        base = asyncio.run(baseline(args.requests, args.concurrency, workdir))
        # Enough seats for every invitation (each holds one in billing): the shipped catalogue caps the default
        # plan at 500 seats, so the benchmark runs on a copy whose plans allow more.
        catalogue = workdir / "catalogue.toml"
        catalogue.write_text(
            DEFAULT_CATALOGUE_PATH.read_text().replace("maximum_seats = 500", "maximum_seats = 100000")
        )
        seats = {
            "TENANTRY_BILLING_DEFAULT_SEATS": str(WARM_UP + args.requests + args.samples + 1),
            "TENANTRY_BILLING_CATALOGUE_PATH": str(catalogue),
        }
        suite = Suite(data_dir=workdir / "suite", ports=SuitePorts.free(), extra_env=seats, reassign_taken_ports=True)
        suite.start()
        try:
            measured = asyncio.run(flow(suite, args.requests, args.concurrency, args.samples))
        finally:
            suite.stop()
    print(f"\nTenantry invite flow, {args.requests} requests, concurrency {args.concurrency}, 127.0.0.1")
    print(f"{'case':<38}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    rows = [
        ("baseline: HTTP -> gRPC -> JSON echo", base["echo"]),
        ("baseline: HTTP -> gRPC -> 1 DB write", base["write"]),
        ("invite through the gateway", measured["invite"]),
    ]
    for name, figures in rows:
        print(f"{name:<38}{figures['rps']:>10.0f}{figures['p50_ms']:>10.1f}{figures['p99_ms']:>10.1f}")
    audit = measured["invite_to_audit"]
    print(f"{'invite -> audit entry visible':<38}{'':>10}{audit['p50_ms']:>10.1f}{audit['p99_ms']:>10.1f}")
    invite = measured["invite"]["rps"]
    print(f"\nratio invite/echo baseline:  {invite / base['echo']['rps']:.2f}")
    print(f"ratio invite/write baseline: {invite / base['write']['rps']:.2f}")
    if args.json:
        print(json.dumps({"baseline": base, "flow": measured}, indent=2))


if __name__ == "__main__":
    main()
