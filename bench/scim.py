"""Benchmark of /scim/v2 side by side with scim2-server (the reference implementation, run as a process), both
measured in the same run on the same machine.

    .venv/bin/python -m bench.scim [--users N] [--concurrency C] [--lookups K]

Reports, for each server: POST /Users per second while creating N users (for us with every side effect: a member,
a seat reserved in billing, events, audit entries), how long the side effects took to settle after the last answer,
then, once the server is quiet, the rate and p50/p99 latency of `GET /Users?filter=userName eq "..."` among those N
users; ratios are ours / peer (higher is better for rates).
The same generator at the same concurrency also drives two ceilings of this machine, in the same run: HTTP -> gRPC ->
JSON echo, and HTTP -> gRPC -> one SQLite write (bench.baseline), so the peer's figures can be read against what any
request through our two hops costs here.
Every loop is bounded in count and time and talks only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import httpx
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.identity.v1 import identity_service_pb2_grpc as identity_grpc
from tenantry.identity.v1 import scim_token_service_pb2 as token_pb
from tenantry.identity.v1 import scim_token_service_pb2_grpc as token_grpc

from bench.invite_flow import baseline, cpu_seconds, percentile, start_profiles
from gateway.settings import GatewaySettings
from services.billing.settings import DEFAULT_CATALOGUE_PATH
from services.cli import create_organization
from services.common.nats_server import free_port
from services.common.principal import outgoing_metadata
from services.suite import Suite, SuitePorts

OWNER_EMAIL = "bench-owner@acme.test"
OWNER_PASSWORD = "benchmark passphrase 1"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"


def wait_up(url: str, timeout: float = 30) -> None:
    """Until the server answers at all (an unauthenticated GET is refused, which is enough)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise TimeoutError(url)


def user(index: int) -> dict[str, Any]:
    return {
        "schemas": [USER_SCHEMA],
        "userName": f"user-{index}@bench.test",
        "name": {"givenName": "User", "familyName": str(index)},
        "emails": [{"value": f"user-{index}@bench.test", "type": "work", "primary": True}],
        "active": True,
    }


async def post_users(client: httpx.AsyncClient, total: int, concurrency: int) -> float:
    counter = iter(range(total))

    async def worker() -> None:
        for index in counter:
            response = await client.post("/Users", json=user(index))
            if response.status_code != 201:
                raise RuntimeError(f"POST /Users answered {response.status_code}: {response.text[:300]}")

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout=1800)
    return total / (time.perf_counter() - started)


async def filtered_lookups(client: httpx.AsyncClient, users: int, lookups: int, concurrency: int) -> dict[str, float]:
    counter = iter(range(lookups))
    latencies: list[float] = []

    async def worker() -> None:
        for index in counter:
            name = f"USER-{(index * 7919) % users}@bench.test"
            started = time.perf_counter()
            response = await client.get("/Users", params={"filter": f'userName eq "{name}"'})
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or response.json().get("totalResults") != 1:
                raise RuntimeError(f"filter {name} answered {response.status_code}: {response.text[:300]}")

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout=1800)
    return {
        "per_second": round(lookups / (time.perf_counter() - started), 1),
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
    }


def cpu_seconds_of(pids: list[int]) -> float:
    """CPU seconds the processes have used so far, together."""
    return sum(cpu_seconds(pid) for pid in pids)


async def wait_quiet(pids: list[int], timeout: float = 900) -> float:
    """Until the processes use under 5 % of a core for 2 s running: the side effects of the creates (audit entries,
    seat counts, projections) are done, so the lookups are measured alone. Seconds waited."""
    started = time.perf_counter()
    quiet_since: float | None = None
    last = cpu_seconds_of(pids)
    while time.perf_counter() - started < timeout:
        await asyncio.sleep(0.5)
        now = cpu_seconds_of(pids)
        busy, last = (now - last) / 0.5, now
        quiet_since = (quiet_since or time.perf_counter()) if busy < 0.05 else None
        if quiet_since is not None and time.perf_counter() - quiet_since >= 2:
            break
    return round(time.perf_counter() - started, 1)


async def measure(
    base_url: str,
    token: str,
    users: int,
    concurrency: int,
    lookups: int,
    pids: list[int],
    profile: Callable[[str, float], list[subprocess.Popen[bytes]]] | None = None,
) -> dict[str, Any]:
    """`profile(phase, seconds)` starts profilers for a phase ("post", "lookups") that lasts about that long."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60, limits=limits) as client:
        profilers = profile("post", 20) if profile else []
        post_rate = await post_users(client, users, concurrency)
        settled = await wait_quiet(pids)
        for profiler in profilers:
            profiler.wait(timeout=120)
        profilers = profile("lookups", 10) if profile else []
        lookups_result = await filtered_lookups(client, users, lookups, concurrency)
        for profiler in profilers:
            profiler.wait(timeout=120)
    return {
        "post_users_per_second": round(post_rate, 1),
        "side_effects_settled_after_seconds": settled,
        "filtered_list": lookups_result,
    }


async def scim_token(suite: Suite) -> str:
    """Sign the Owner in, then create a SCIM token as that Owner (a fresh sign-in)."""
    async with httpx.AsyncClient(base_url=suite.gateway_url, headers={"Origin": suite.gateway_url}) as client:
        for _ in range(300):
            response = await client.post("/v1/sessions", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
            if response.status_code in (200, 201) and response.json()["session"]["organization_id"]:
                break
            await asyncio.sleep(0.1)
        session_token = client.cookies.get(GatewaySettings().cookie_name) or ""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{suite.ports.identity}") as channel:
        authenticated = await identity_grpc.IdentityServiceStub(channel).Authenticate(
            identity_pb.AuthenticateRequest(session_token=session_token)
        )
        for _ in range(300):
            try:
                created = await token_grpc.ScimTokenServiceStub(channel).CreateScimToken(
                    token_pb.CreateScimTokenRequest(name="bench"),
                    metadata=outgoing_metadata(authenticated.principal_token),
                )
                return str(created.secret)
            except grpc.aio.AioRpcError as exc:
                if exc.code() != grpc.StatusCode.FAILED_PRECONDITION:
                    raise
                await asyncio.sleep(0.1)  # billing opens the subscription when it sees organization.created
    raise RuntimeError("no SCIM token")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scim")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument(
        "--profile-dir", type=Path, default=None, help="py-spy profiles: 20 s of POSTs, 10 s of lookups"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ceilings = asyncio.run(baseline(args.lookups, args.concurrency, Path(tmp)))
        data_dir = Path(tmp) / "data"
        catalogue = Path(tmp) / "catalogue.toml"
        catalogue.write_text(
            DEFAULT_CATALOGUE_PATH.read_text()
            .replace('default_plan = "team-monthly"', 'default_plan = "enterprise-yearly"')
            .replace("maximum_seats = 100000", "maximum_seats = 1000000")
        )
        seats = str(args.users + 10)
        suite = Suite(
            data_dir=data_dir,
            ports=SuitePorts.free(),
            extra_env={"TENANTRY_BILLING_CATALOGUE_PATH": str(catalogue), "TENANTRY_BILLING_DEFAULT_SEATS": seats},
            reassign_taken_ports=True,
        )
        peer_port = free_port()
        peer_token = secrets.token_urlsafe(24)
        peer = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "scim2-server"),
                "--hostname",
                "127.0.0.1",
                "--port",
                str(peer_port),
                "--bearer-token",
                peer_token,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            suite.start()
            asyncio.run(
                create_organization(
                    data_dir=data_dir,
                    name="Bench",
                    owner_email=OWNER_EMAIL,
                    owner_password=OWNER_PASSWORD,
                    identity_address=f"127.0.0.1:{suite.ports.identity}",
                    membership_address=f"127.0.0.1:{suite.ports.membership}",
                )
            )
            token = asyncio.run(scim_token(suite))
            wait_up(f"http://127.0.0.1:{peer_port}/ServiceProviderConfig")
            peer_result = asyncio.run(
                measure(
                    f"http://127.0.0.1:{peer_port}", peer_token, args.users, args.concurrency, args.lookups, [peer.pid]
                )
            )
            ours = asyncio.run(
                measure(
                    f"{suite.gateway_url}/scim/v2",
                    token,
                    args.users,
                    args.concurrency,
                    args.lookups,
                    [process.pid for process in suite.processes.values()],
                    profile=(lambda phase, seconds: start_profiles(suite, args.profile_dir / phase, seconds))
                    if args.profile_dir
                    else None,
                )
            )
        finally:
            peer.terminate()
            peer.wait(timeout=10)
            suite.stop()
    report = {
        "users": args.users,
        "concurrency": args.concurrency,
        "lookups": args.lookups,
        "tenantry": ours,
        "scim2_server": peer_result,
        "baselines": ceilings,
        "ratios": {
            "post_users_per_write_baseline": round(ours["post_users_per_second"] / ceilings["write"]["rps"], 3),
            "filtered_list_per_echo_baseline": round(ours["filtered_list"]["per_second"] / ceilings["echo"]["rps"], 3),
            "peer_post_users_per_echo_baseline": round(
                peer_result["post_users_per_second"] / ceilings["echo"]["rps"], 2
            ),
            "post_users": round(ours["post_users_per_second"] / peer_result["post_users_per_second"], 2),
            "filtered_list": round(ours["filtered_list"]["per_second"] / peer_result["filtered_list"]["per_second"], 2),
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
