"""`GET /v1/members` on an organization of 100,000 members through the gateway, with authentication, under wrk
at 64 connections, next to the HTTP -> gRPC -> JSON echo baseline at the same concurrency, measured in the same run.
Also reports each process's memory (RSS) idle and after the load, and its peak (VmHWM).

    .venv/bin/python -m bench.members_gateway [--members 100000] [--connections 64] [--seconds 15] [--profile-dir D]

The suite runs as `make run` does (one process per service, SQLite); the members are seeded straight into
membership's database after the organization was created through the services.
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

from bench.invite_flow import OWNER_EMAIL, OWNER_PASSWORD, start_profiles, wait_http
from bench.members_list import seed
from bench.wrk import run_wrk, wrk_available
from services.cli import create_organization
from services.common.nats_server import free_port
from services.suite import Suite, SuitePorts

# Page of 50, filtered and sorted: the case the issue names.
QUERY = "/v1/members?status=active&order_by=name&page_size=50"


def memory_of(pid: int) -> dict[str, float]:
    """Resident and peak resident memory of a process, in MB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS", 0.0), "peak_mb": fields.get("VmHWM", 0.0)}


def echo_baseline(connections: int, seconds: float, workdir: Path) -> dict[str, float]:
    grpc_port, http_port = free_port(), free_port()
    processes = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "bench.baseline", "grpc"),
                *("--port", str(grpc_port), "--database", str(workdir / "baseline.db")),
            ]
        ),
        subprocess.Popen(
            [sys.executable, "-m", "bench.baseline", "http", "--port", str(http_port), "--grpc-port", str(grpc_port)]
        ),
    ]
    try:
        wait_http(f"http://127.0.0.1:{http_port}/echo")
        url = f"http://127.0.0.1:{http_port}/echo"
        run_wrk(url, method="POST", body='{"n": 1}', connections=connections, seconds=2)  # warm-up
        return run_wrk(url, method="POST", body='{"n": 1}', connections=connections, seconds=seconds).as_dict()
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


async def signed_in_cookie(suite: Suite) -> tuple[str, str]:
    """(the organization's id, the Owner's session cookie) once the Owner's membership reached identity."""
    async with httpx.AsyncClient(base_url=suite.gateway_url, headers={"Origin": suite.gateway_url}) as client:
        deadline = time.monotonic() + 15
        while True:
            signed_in = await client.post("/v1/sessions", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
            signed_in.raise_for_status()
            organization_id = signed_in.json()["session"]["organization_id"]
            if organization_id or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        return organization_id, "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--json-out", type=Path, default=None)
    parser.add_argument("--profile-dir", type=Path, default=None, help="py-spy profiles of gateway and membership")
    args = parser.parse_args()
    if not wrk_available():
        raise SystemExit("bench.members_gateway needs wrk (make bench installs it; Debian: apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="tenantry-bench-") as tmp:
        workdir = Path(tmp)
        echo = echo_baseline(args.connections, args.seconds, workdir)
        suite = Suite(data_dir=workdir / "suite", ports=SuitePorts.free(), reassign_taken_ports=True)
        suite.start()
        try:
            asyncio.run(
                create_organization(
                    data_dir=suite.data_dir,
                    name="Big",
                    owner_email=OWNER_EMAIL,
                    owner_password=OWNER_PASSWORD,
                    identity_address=f"127.0.0.1:{suite.ports.identity}",
                    membership_address=f"127.0.0.1:{suite.ports.membership}",
                )
            )
            organization_id, cookie = asyncio.run(signed_in_cookie(suite))
            started = time.perf_counter()
            asyncio.run(
                seed(
                    f"sqlite+aiosqlite:///{suite.data_dir / 'membership.db'}",
                    args.members - 1,
                    organization_id,
                    new_organization=False,
                )
            )
            seeded_seconds = time.perf_counter() - started
            idle = {name: memory_of(process.pid) for name, process in suite.processes.items()}
            url = f"{suite.gateway_url}{QUERY}"
            headers = {"Cookie": cookie}
            first = httpx.get(url, headers=headers, timeout=30)
            first.raise_for_status()
            assert len(first.json()["members"]) == 50, first.text
            run_wrk(url, headers=headers, connections=args.connections, seconds=2)  # warm-up
            profilers = start_profiles(suite, args.profile_dir, args.seconds) if args.profile_dir else []
            listed = run_wrk(url, headers=headers, connections=args.connections, seconds=args.seconds)
            for profiler in profilers:
                profiler.wait(timeout=60)
            loaded = {name: memory_of(process.pid) for name, process in suite.processes.items()}
        finally:
            suite.stop()
    figures = {
        "members": args.members,
        "connections": args.connections,
        "seeded_seconds": round(seeded_seconds, 1),
        "echo": echo,
        "members_list": listed.as_dict(),
        "ratio_to_echo": round(listed.rps / echo["rps"], 2),
        "memory_idle": idle,
        "memory_after_load": loaded,
    }
    print(f"\nGET {QUERY} on {args.members} members, wrk {args.connections} connections, {args.seconds:.0f} s")
    print(f"{'case':<40}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    print(
        f"{'baseline: HTTP -> gRPC -> JSON echo':<40}{echo['rps']:>10.0f}{echo['p50_ms']:>10.1f}{echo['p99_ms']:>10.1f}"
    )
    print(f"{'members list through the gateway':<40}{listed.rps:>10.0f}{listed.p50_ms:>10.1f}{listed.p99_ms:>10.1f}")
    print(f"ratio members list / echo: {figures['ratio_to_echo']}  (failed requests: {listed.failed})")
    print(f"{'process':<12}{'idle RSS MB':>12}{'RSS after MB':>14}{'peak MB':>10}")
    for name in idle:
        print(f"{name:<12}{idle[name]['rss_mb']:>12}{loaded[name]['rss_mb']:>14}{loaded[name]['peak_mb']:>10}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
