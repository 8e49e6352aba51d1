"""The suite scaled out on one machine, as Kubernetes would run it: a 3-node NATS cluster with JetStream (streams
kept on 3 nodes), PostgreSQL (one database per service), and N replicas of every service and of the gateway, each a
real process on its own port. Services reach each other's replicas through one `ipv4:` target listing them all
(round_robin plus gRPC retries, as `dns:///` does with a headless Service); migrations run once before the replicas
start, as the Kubernetes Job does. Replicas and NATS nodes can be killed (-9), stopped (SIGTERM) and started again.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import nats
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.keys import ensure_local_keys
from services.common.nats_server import NatsServer, free_port
from services.suite import SERVICES

PROCESSES = (*SERVICES, "gateway")


class PortPicker:
    """Free ports, never the same one twice in a run (two quick picks of the OS can repeat)."""

    def __init__(self) -> None:
        self._taken: set[int] = set()

    def pick(self) -> int:
        while True:
            port = free_port()
            if port not in self._taken:
                self._taken.add(port)
                return port


@dataclass
class NatsCluster:
    """Three nats-server nodes routed to each other on loopback, each with its own JetStream store."""

    nodes: list[NatsServer]

    @classmethod
    def on(cls, root: Path, ports: PortPicker, size: int = 3) -> NatsCluster:
        client_ports = [ports.pick() for _ in range(size)]
        route_ports = [ports.pick() for _ in range(size)]
        nodes = []
        for index in range(size):
            routes = ", ".join(f'"nats-route://127.0.0.1:{port}"' for i, port in enumerate(route_ports) if i != index)
            extra = (
                f'server_name: "node-{index}"\n'
                f'cluster {{\n  name: "tenantry"\n  listen: "127.0.0.1:{route_ports[index]}"\n'
                f"  routes: [{routes}]\n}}\n"
            )
            nodes.append(NatsServer(root / f"node-{index}", client_ports[index], extra_config=extra))
        return cls(nodes)

    @property
    def url(self) -> str:
        return ",".join(node.url for node in self.nodes)

    def start(self, timeout: float = 60.0) -> None:
        for node in self.nodes:
            node.start()
        asyncio.run(self._wait_for_jetstream(timeout))

    async def _wait_for_jetstream(self, timeout: float) -> None:
        """Until the cluster has elected its JetStream meta leader (a stream cannot be created before)."""
        deadline = time.monotonic() + timeout
        client = await nats.connect(servers=[node.url for node in self.nodes])
        try:
            while True:
                try:
                    await client.jetstream().account_info()
                    return
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.5)
        finally:
            await client.close()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


@dataclass
class ScaledSuite:
    """`replicas` processes of every service and of the gateway over shared PostgreSQL databases and NATS."""

    data_dir: Path
    nats: NatsCluster
    database_urls: dict[str, str]
    smtp_port: int
    replicas: int = 2
    # An OTLP/gRPC receiver every process sends its spans to ("" sends them nowhere).
    otlp_endpoint: str = ""
    ports: dict[str, list[int]] = field(default_factory=dict)
    processes: dict[tuple[str, int], subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        picker = PortPicker()
        for name in PROCESSES:
            self.ports.setdefault(name, [picker.pick() for _ in range(self.replicas)])

    @property
    def gateway_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports["gateway"]]

    def address(self, name: str) -> str:
        """Every replica of a service, as one gRPC target."""
        return "ipv4:" + ",".join(f"127.0.0.1:{port}" for port in self.ports[name])

    def environment(self, name: str, replica: int) -> dict[str, str]:
        import os

        public_url = self.gateway_urls[0]
        env = dict(os.environ) | {
            "TENANTRY_DATA_DIR": str(self.data_dir),
            "NATS_URL": self.nats.url,
            "PYTHONUNBUFFERED": "1",
        }
        for service in SERVICES:
            prefix = f"TENANTRY_{service.upper()}_"
            env |= {
                prefix + "DATABASE_URL": self.database_urls[service],
                prefix + "MIGRATE_ON_START": "false",
                prefix + "STREAM_REPLICAS": "3",
                f"TENANTRY_GATEWAY_{service.upper()}_ADDRESS": self.address(service),
            }
        env |= {
            "TENANTRY_IDENTITY_MEMBERSHIP_ADDRESS": self.address("membership"),
            "TENANTRY_MEMBERSHIP_BILLING_ADDRESS": self.address("billing"),
            "TENANTRY_BILLING_MEMBERSHIP_ADDRESS": self.address("membership"),
            "TENANTRY_GATEWAY_PUBLIC_URL": public_url,
            "TENANTRY_MEMBERSHIP_PUBLIC_URL": public_url,
            "TENANTRY_IDENTITY_PUBLIC_URL": public_url,
        }
        for service in ("MEMBERSHIP", "IDENTITY"):
            env |= {f"TENANTRY_{service}_SMTP_HOST": "127.0.0.1", f"TENANTRY_{service}_SMTP_PORT": str(self.smtp_port)}
        if self.otlp_endpoint:
            env |= {
                "OTEL_EXPORTER_OTLP_ENDPOINT": self.otlp_endpoint,
                "OTEL_EXPORTER_OTLP_INSECURE": "true",
                "OTEL_RESOURCE_ATTRIBUTES": f"service.instance.id={name}-{replica}",
                "OTEL_BSP_SCHEDULE_DELAY": "500",  # milliseconds: spans reach the receiver soon after they end
            }
        port = str(self.ports[name][replica])
        env["TENANTRY_GATEWAY_PORT" if name == "gateway" else f"TENANTRY_{name.upper()}_GRPC_PORT"] = port
        return env

    def migrate(self) -> None:
        """Once per service before any replica starts (the Kubernetes migration Job)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        ensure_local_keys(self.data_dir)
        for service in SERVICES:
            subprocess.run(
                [sys.executable, "-m", f"services.{service}", "migrate"],
                env=self.environment(service, 0),
                check=True,
                capture_output=True,
            )

    def start(self, timeout: float = 120.0) -> None:
        self.migrate()
        for name in PROCESSES:
            for replica in range(self.replicas):
                self.start_replica(name, replica)
        self.wait_ready(timeout)

    def start_replica(self, name: str, replica: int) -> None:
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        module = "gateway" if name == "gateway" else f"services.{name}"
        with open(logs / f"{name}-{replica}.log", "ab") as log:
            self.processes[(name, replica)] = subprocess.Popen(
                [sys.executable, "-m", module, "serve"],
                env=self.environment(name, replica),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def ready(self, name: str, replica: int) -> bool:
        port = self.ports[name][replica]
        if name == "gateway":
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                    return bool(response.status == 200)
            except (urllib.error.URLError, OSError):
                return False
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            try:
                reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
            except grpc.RpcError:
                return False
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)

    def wait_ready(self, timeout: float = 120.0, only: list[tuple[str, int]] | None = None) -> None:
        waiting = list(only or self.processes)
        deadline = time.monotonic() + timeout
        while waiting:
            for key in list(waiting):
                process = self.processes[key]
                if process.poll() is not None:
                    raise RuntimeError(f"{key} exited with {process.returncode}; see {self.data_dir / 'logs'}")
                if self.ready(*key):
                    waiting.remove(key)
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready within {timeout} s: {waiting}; logs in {self.data_dir / 'logs'}")
            time.sleep(0.2)

    def kill(self, name: str, replica: int) -> None:
        """kill -9, as a crash or an evicted node would."""
        process = self.processes[(name, replica)]
        process.send_signal(signal.SIGKILL)
        process.wait()

    def terminate(self, name: str, replica: int, timeout: float = 40.0) -> int:
        """SIGTERM and wait: the replica drains (health NOT_SERVING, in-flight calls finish) and exits."""
        process = self.processes[(name, replica)]
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.nats.stop()
