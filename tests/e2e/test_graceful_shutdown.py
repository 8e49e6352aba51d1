"""Graceful shutdown as a rolling update needs it: on SIGTERM a process says it is going (gateway /readyz 503, a
service's health NOT_SERVING) while it still serves for its drain period, then exits cleanly. The gateway's logs,
uvicorn's included, are JSON, with one access line per request carrying its request and trace ids."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.suite import Suite
from tests.e2e.conftest import start_suite, wait_for

DRAIN = {"TENANTRY_GATEWAY_DRAIN_SECONDS": "3", "TENANTRY_AUDIT_DRAIN_SECONDS": "3"}


@pytest.fixture
def suite(tmp_path: Path) -> Iterator[Suite]:
    running = start_suite(tmp_path / "data", extra_env=DRAIN)
    yield running
    running.stop()


def health_of(port: int) -> str:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
        except grpc.RpcError as error:
            return error.code().name
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


def test_the_gateway_turns_unready_serves_through_its_drain_and_exits_cleanly(suite: Suite) -> None:
    gateway = suite.processes["gateway"]
    assert httpx.get(f"{suite.gateway_url}/readyz").status_code == 200

    gateway.send_signal(signal.SIGTERM)

    wait_for(lambda: httpx.get(f"{suite.gateway_url}/readyz").status_code == 503, timeout=10)
    assert httpx.get(f"{suite.gateway_url}/healthz").status_code == 200  # still serving while it drains
    assert gateway.wait(timeout=30) == 0


def test_a_service_says_not_serving_while_it_drains_then_exits_cleanly(suite: Suite) -> None:
    audit = suite.processes["audit"]
    assert health_of(suite.ports.audit) == "SERVING"

    audit.send_signal(signal.SIGTERM)

    wait_for(lambda: health_of(suite.ports.audit) == "NOT_SERVING", timeout=10)  # answered: still serving
    assert audit.wait(timeout=30) == 0


def test_gateway_logs_are_json_with_an_access_line_per_request(suite: Suite) -> None:
    answered = httpx.get(f"{suite.gateway_url}/v1/members", headers={"X-Request-Id": "probe-4711"})
    assert answered.status_code == 401
    log = suite.data_dir / "logs" / "gateway.log"

    def access_line() -> dict[str, object] | None:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]  # every line is JSON
        return next((line for line in lines if line.get("request_id") == "probe-4711"), None)

    line = wait_for(access_line, timeout=10)
    assert (line["route"], line["status"], line["message"]) == ("/v1/members", 401, "request")
    assert len(str(line["trace_id"])) == 32
    assert any('"logger": "uvicorn.error"' in text for text in log.read_text().splitlines())
