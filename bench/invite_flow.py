"""Benchmark of the foundation flow, with baselines measured in the same run on the same machine.

    make bench            (or: .venv/bin/python -m bench.invite_flow [--requests N] [--concurrency C])

Reports requests per second through the gateway for invitations, invite -> audit entry latency
(p50/p99), and the same figures for two baselines: HTTP -> gRPC -> JSON echo, and HTTP -> gRPC -> one
SQLite write. Ratios compare the flow with each baseline. Every loop is bounded in count and time and
talks only to 127.0.0.1.

Two load generators: `--generator python` (httpx, `--requests` at `--concurrency`; its CPU competes with the
servers') and `--generator wrk` (compiled, `--seconds` at `--concurrency` connections; the default when wrk is
installed). With wrk the invite -> audit latency is sampled while the invitations load runs at full rate.
`--profile-dir` records py-spy profiles of every process of the suite during the invitations load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.wrk import WrkFigures, run_wrk, wrk_available
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


async def baseline(total: int, concurrency: int, workdir: Path, wrk_seconds: float = 0) -> dict[str, dict[str, float]]:
    """The echo and one-write baselines; with `wrk_seconds`, measured by wrk for that long each."""
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
        results: dict[str, dict[str, float]] = {}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http_port}", timeout=30) as client:
            for name in ("echo", "write"):
                await load(client, f"/{name}", {"warm": True}, 100, concurrency)
                if wrk_seconds:
                    figures = await asyncio.to_thread(
                        run_wrk,
                        f"http://127.0.0.1:{http_port}/{name}",
                        method="POST",
                        body='{"n": 1}',
                        connections=concurrency,
                        seconds=wrk_seconds,
                    )
                    results[name] = figures.as_dict()
                    continue
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
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far (Linux /proc), in seconds; 0 once it has exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def suite_cpu(suite: Suite) -> dict[str, float]:
    """CPU seconds so far of each process of the suite, NATS included."""
    pids = {name: process.pid for name, process in suite.processes.items()}
    if suite.nats is not None and suite.nats.process is not None:
        pids["nats"] = suite.nats.process.pid
    return {name: cpu_seconds(pid) for name, pid in pids.items()}


@dataclass
class AuditSamples:
    """Invite -> audit entry, per sample: milliseconds until a GET listed it, and the wall-clock time the
    invitation was answered (to compare with the entry's own recording time, read from audit's database)."""

    listed_ms: list[float] = field(default_factory=list)
    answered_at: dict[str, float] = field(default_factory=dict)  # member id -> time.time() at the answer


async def audit_latency(client: httpx.AsyncClient, samples: int, tag: str) -> AuditSamples:
    """Invite `samples` people one after another, each time polling the audit log until its entry is listed."""
    measured = AuditSamples()
    for index in range(samples):
        response = await client.post(
            "/v1/invitations", json={"invitees": [{"email": f"sample-{tag}{index}@acme.test"}]}
        )
        started, answered_at = time.perf_counter(), time.time()
        member_id = response.json()["results"][0]["member"]["id"]
        measured.answered_at[member_id] = answered_at
        deadline = started + 30
        while time.perf_counter() < deadline:
            # The invitation's own entry: billing's seat.reserved for the same member is recorded before the answer.
            listed = await client.get("/v1/audit/entries", params={"target_id": member_id, "action": "member.invited"})
            entries = listed.json()["entries"]
            if entries:
                break
            await asyncio.sleep(0.002)
        measured.listed_ms.append((time.perf_counter() - started) * 1000)
    return measured


def recorded_after_answer_ms(suite: Suite, answered_at: dict[str, float]) -> list[float]:
    """Milliseconds from each sample's answer to its `member.invited` entry's recording time in audit's SQLite
    database: the pipeline alone (relay, NATS, the audit consumer), without the polling request's own time."""
    with sqlite3.connect(suite.data_dir / "audit.db") as connection:
        rows = connection.execute(
            "SELECT target_id, recorded_at FROM audit_entries WHERE action = 'member.invited' AND target_id IN "
            f"({', '.join('?' * len(answered_at))})",
            list(answered_at),
        ).fetchall()
    return [
        (datetime.fromisoformat(recorded).replace(tzinfo=UTC).timestamp() - answered_at[member_id]) * 1000
        for member_id, recorded in rows
    ]


def start_profiles(suite: Suite, profile_dir: Path, seconds: float) -> list[subprocess.Popen[bytes]]:
    """py-spy sampling every process of the suite for `seconds` (raw collapsed stacks, one file each), only the
    thread holding the GIL."""
    profile_dir.mkdir(parents=True, exist_ok=True)
    return [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--format",
                "raw",
                "--rate",
                "100",
                "--nonblocking",  # sample without pausing the process, which would slow the load it measures
                "--gil",  # only the thread holding the GIL: where Python spends CPU (idle pool threads left out)
                "--duration",
                str(max(1, round(seconds))),
                "--output",
                str(profile_dir / f"{name}.txt"),
                "--pid",
                str(suite.processes[name].pid),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name in suite.processes
    ]


async def flow(
    suite: Suite, total: int, concurrency: int, samples: int, wrk_seconds: float = 0, profile_dir: Path | None = None
) -> dict[str, dict[str, float]]:
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
        profiles = start_profiles(suite, profile_dir, wrk_seconds or 20) if profile_dir else []
        cpu_before = suite_cpu(suite)
        if wrk_seconds:
            cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
            headers = {"Origin": suite.gateway_url, "X-CSRF-Token": client.headers["X-CSRF-Token"], "Cookie": cookie}
            loading = asyncio.create_task(
                asyncio.to_thread(
                    run_wrk,
                    f"{suite.gateway_url}/v1/invitations",
                    method="POST",
                    body='{"invitees": [{"email": "person-{n}@acme.test"}]}',
                    headers=headers,
                    connections=concurrency,
                    seconds=wrk_seconds,
                    run=uuid.uuid4().hex[:6],
                    keyed=True,
                )
            )
            await asyncio.sleep(min(2.0, wrk_seconds / 4))  # sample once the load runs at full rate
            sampled = await audit_latency(client, samples, "loaded-")
            figures: WrkFigures = await loading
            if figures.failed:
                raise RuntimeError(f"{figures.failed} of {figures.requests} invitations failed under wrk")
            invite = figures.as_dict()
            invited = WARM_UP + figures.requests + samples
        else:
            rate, latencies = await load(
                client,
                "/v1/invitations",
                lambda i: {"invitees": [{"email": f"person{i}@acme.test"}]},
                total,
                concurrency,
                headers_for=lambda i: {"Idempotency-Key": f"bench-{i}"},
            )
            invite = {"rps": rate, "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99)}
            sampled = await audit_latency(client, samples, "")
            invited = WARM_UP + total + samples
        cpu_after = suite_cpu(suite)
        for profile in profiles:
            profile.wait(timeout=120)
        usage = (await client.get("/v1/billing/seats")).json()
        if usage["invited"] < invited:  # every invitation must have succeeded, or the figures mislead
            raise RuntimeError(f"only {usage['invited']} of {invited} invitations hold a seat: {usage}")
    # Every invitation of the load, the audit samples included, shares the CPU spent meanwhile.
    loaded = invited - WARM_UP
    recorded = recorded_after_answer_ms(suite, sampled.answered_at)
    return {
        "invite": invite,
        "invite_to_audit": {
            "p50_ms": percentile(sampled.listed_ms, 0.5),
            "p99_ms": percentile(sampled.listed_ms, 0.99),
            "recorded_p50_ms": percentile(recorded, 0.5),
            "recorded_p99_ms": percentile(recorded, 0.99),
        },
        "cpu_ms_per_invite": {name: (cpu_after[name] - cpu_before[name]) * 1000 / loaded for name in sorted(cpu_after)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generator", choices=["wrk", "python"], default="wrk" if wrk_available() else "python")
    parser.add_argument("--requests", type=int, default=1000, help="with the python generator")
    parser.add_argument("--seconds", type=float, default=15, help="of each load, with the wrk generator")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--samples", type=int, default=50, help="invite -> audit latency samples")
    parser.add_argument("--profile-dir", type=Path, default=None, help="py-spy profiles of every process")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--json-out", type=Path, default=None, help="write the figures as JSON to this file")
    args = parser.parse_args()
    wrk_seconds = args.seconds if args.generator == "wrk" else 0
    with tempfile.TemporaryDirectory(prefix="tenantry-bench-") as tmp:
        workdir = Path(tmp)
        base = asyncio.run(baseline(args.requests, args.concurrency, workdir, wrk_seconds))
        # Enough seats for every invitation (each holds one in billing): the shipped catalogue caps the default
        # plan at 500 seats, so the benchmark runs on a copy whose plans allow more.
        catalogue = workdir / "catalogue.toml"
        catalogue.write_text(
            DEFAULT_CATALOGUE_PATH.read_text().replace("maximum_seats = 500", "maximum_seats = 100000")
        )
        seats = {
            "TENANTRY_BILLING_DEFAULT_SEATS": "100000"
            if wrk_seconds
            else str(WARM_UP + args.requests + args.samples + 1),
            "TENANTRY_BILLING_CATALOGUE_PATH": str(catalogue),
        }
        suite = Suite(data_dir=workdir / "suite", ports=SuitePorts.free(), extra_env=seats, reassign_taken_ports=True)
        suite.start()
        try:
            measured = asyncio.run(
                flow(suite, args.requests, args.concurrency, args.samples, wrk_seconds, args.profile_dir)
            )
        finally:
            suite.stop()
    load = f"wrk, {args.seconds:.0f} s each" if wrk_seconds else f"python generator, {args.requests} requests"
    print(f"\nTenantry invite flow ({load}), concurrency {args.concurrency}, 127.0.0.1")
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
    recorded_p50, recorded_p99 = audit["recorded_p50_ms"], audit["recorded_p99_ms"]
    print(f"{'  of which: entry recorded':<38}{'':>10}{recorded_p50:>10.1f}{recorded_p99:>10.1f}")
    cpu = measured["cpu_ms_per_invite"]
    shares = ", ".join(f"{name} {ms:.1f}" for name, ms in cpu.items())
    print(f"CPU ms per invitation: {shares}; all {sum(cpu.values()):.1f}")
    invite = measured["invite"]["rps"]
    ratios = {"invite/echo": invite / base["echo"]["rps"], "invite/write": invite / base["write"]["rps"]}
    print(f"\nratio invite/echo baseline:  {ratios['invite/echo']:.2f}")
    print(f"ratio invite/write baseline: {ratios['invite/write']:.2f}")
    figures_json = {"generator": args.generator, "baseline": base, "flow": measured, "ratios": ratios}
    if args.json:
        print(json.dumps(figures_json, indent=2))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(figures_json, indent=2))


if __name__ == "__main__":
    main()
