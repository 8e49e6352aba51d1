"""Memory of each process of the suite, idle and under the invite flow: the figures behind the requests and limits in
deploy/base (docs/operations.md, "Resources").

    .venv/bin/python -m bench.memory [--requests N] [--concurrency C]

Starts NATS, the four services and the gateway on free ports in a temporary folder (SQLite, as `make run`), reads
each process's resident memory (VmRSS) once all are ready, drives `--requests` invitations through the gateway
(bench.invite_flow, which touches identity, membership, billing and audit), then reads VmRSS again and the peak
(VmHWM). Every loop is bounded in count and time and talks only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path

from bench.invite_flow import WARM_UP, flow
from services.billing.settings import DEFAULT_CATALOGUE_PATH
from services.suite import Suite, SuitePorts

PROCESSES = ("identity", "membership", "billing", "audit", "gateway")


def memory_mib(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak since start) of one process, in MiB."""
    figures: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures[key] = int(value.split()[0]) / 1024
    return figures


def measure(requests: int, concurrency: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="tenantry-memory-") as tmp:
        workdir = Path(tmp)
        catalogue = workdir / "catalogue.toml"
        catalogue.write_text(
            DEFAULT_CATALOGUE_PATH.read_text().replace("maximum_seats = 500", "maximum_seats = 100000")
        )
        env = {
            "TENANTRY_BILLING_DEFAULT_SEATS": str(WARM_UP + requests + 20),
            "TENANTRY_BILLING_CATALOGUE_PATH": str(catalogue),
        }
        suite = Suite(data_dir=workdir / "suite", ports=SuitePorts.free(), extra_env=env, reassign_taken_ports=True)
        suite.start()
        try:
            pids = {name: suite.processes[name].pid for name in PROCESSES}
            idle = {name: memory_mib(pid)["VmRSS"] for name, pid in pids.items()}
            asyncio.run(flow(suite, requests, concurrency, samples=10))
            loaded = {name: memory_mib(pid) for name, pid in pids.items()}
        finally:
            suite.stop()
    return {
        name: {"idle_mib": idle[name], "after_load_mib": loaded[name]["VmRSS"], "peak_mib": loaded[name]["VmHWM"]}
        for name in PROCESSES
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    figures = measure(args.requests, args.concurrency)
    print(f"\nResident memory (MiB), {args.requests} invitations at concurrency {args.concurrency}, SQLite, 127.0.0.1")
    print(f"{'process':<12}{'idle':>10}{'after load':>12}{'peak':>10}")
    for name, row in figures.items():
        print(f"{name:<12}{row['idle_mib']:>10.1f}{row['after_load_mib']:>12.1f}{row['peak_mib']:>10.1f}")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
