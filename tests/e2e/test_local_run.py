"""`tenantry run` supervises its processes as an orchestrator would: a crashed service is restarted with backoff,
and the rest of the suite keeps serving meanwhile."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.common.nats_server import free_port
from tests.e2e.conftest import wait_for


@dataclass(frozen=True)
class LocalRun:
    data_dir: Path
    gateway_url: str
    addresses: dict[str, str]

    def pid_of(self, name: str) -> int:
        return int((self.data_dir / "run" / f"{name}.pid").read_text())


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRun]:
    """`tenantry run` as a real process on free ports (shared by this module's tests)."""
    tmp_path = tmp_path_factory.mktemp("local-run")
    data_dir = tmp_path / "data"
    gateway_port = free_port()
    env = dict(os.environ, TENANTRY_DATA_DIR=str(data_dir), TENANTRY_GATEWAY_PORT=str(gateway_port))
    env.pop("NATS_URL", None)
    addresses = {name: f"127.0.0.1:{free_port()}" for name in ("identity", "membership", "billing", "audit")}
    for name, address in addresses.items():
        env[f"TENANTRY_{name.upper()}_GRPC_PORT"] = address.rsplit(":", 1)[1]
    with open(tmp_path / "run.err", "wb") as errors:
        runner = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
        try:
            wait_for(lambda: (data_dir / "initial-owner.json").exists() or runner.poll() is not None, timeout=120)
            assert runner.poll() is None, (tmp_path / "run.err").read_text()
            yield LocalRun(data_dir, f"http://127.0.0.1:{gateway_port}", addresses)
        finally:
            runner.send_signal(signal.SIGINT)
            try:
                runner.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(runner.pid, signal.SIGKILL)
                runner.wait()


def members_listed(client: httpx.Client) -> bool:
    try:
        return client.get("/v1/members").status_code == 200
    except httpx.TransportError:
        return False


def test_org_create_reads_the_owners_password_from_stdin_not_the_command_line(local_run: LocalRun) -> None:
    env = dict(os.environ, TENANTRY_DATA_DIR=str(local_run.data_dir))
    env |= {f"TENANTRY_GATEWAY_{name.upper()}_ADDRESS": address for name, address in local_run.addresses.items()}
    command = [sys.executable, "-m", "services.cli", "org", "create", "--name", "Globex"]
    command += ["--owner-email", "hank@globex.test", "--owner-password-stdin"]

    created = subprocess.run(command, input="a long passphrase 42\n", env=env, capture_output=True, text=True)

    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["owner_email"] == "hank@globex.test"
    with httpx.Client(base_url=local_run.gateway_url, headers={"Origin": local_run.gateway_url}) as client:
        signed_in = client.post("/v1/sessions", json={"email": "hank@globex.test", "password": "a long passphrase 42"})
        assert signed_in.status_code == 201, signed_in.text
    refused = subprocess.run([*command[:-1], "--owner-password", "visible"], env=env, capture_output=True, text=True)
    assert refused.returncode == 2 and "unrecognized arguments" in refused.stderr


def test_a_killed_service_is_restarted_and_the_suite_keeps_running(local_run: LocalRun) -> None:
    owner = json.loads((local_run.data_dir / "initial-owner.json").read_text())
    url = local_run.gateway_url
    with httpx.Client(base_url=url, headers={"Origin": url}, timeout=15) as client:
        signed_in = client.post(
            "/v1/sessions", json={"email": owner["owner_email"], "password": owner["owner_password"]}
        )
        assert signed_in.status_code in (200, 201), signed_in.text
        client.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
        wait_for(lambda: members_listed(client), timeout=30)
        killed = local_run.pid_of("membership")
        others = {name: local_run.pid_of(name) for name in ("identity", "billing", "audit", "gateway")}

        os.kill(killed, signal.SIGKILL)

        wait_for(lambda: local_run.pid_of("membership") != killed, timeout=30)
        wait_for(lambda: members_listed(client), timeout=60)
        assert {name: local_run.pid_of(name) for name in others} == others  # nothing else was restarted
        assert client.get("/v1/audit/entries").status_code == 200
