"""The whole suite as local processes: a NATS server (unless NATS_URL is given), the four services and
the gateway, each with its own port and SQLite file under one data folder.

`tenantry run` uses it interactively; the end-to-end and fault tests use it to start, kill -9 and
restart real processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.keys import ensure_local_keys
from services.common.nats_server import NatsServer, free_port

SERVICES = ("identity", "membership", "billing", "audit")
DEFAULT_PORTS = {"identity": 7051, "membership": 7052, "billing": 7053, "audit": 7054, "gateway": 8080}


@dataclass
class SuitePorts:
    identity: int
    membership: int
    billing: int
    audit: int
    gateway: int

    @classmethod
    def defaults(cls) -> SuitePorts:
        def env_port(name: str) -> str:
            return f"TENANTRY_{name.upper()}_PORT" if name == "gateway" else f"TENANTRY_{name.upper()}_GRPC_PORT"

        return cls(**{name: int(os.environ.get(env_port(name), port)) for name, port in DEFAULT_PORTS.items()})

    @classmethod
    def free(cls) -> SuitePorts:
        return cls(**{name: free_port() for name in DEFAULT_PORTS})

    def of(self, name: str) -> int:
        return int(getattr(self, name))


START_ATTEMPTS = 3
# The local supervisor's backoff: 1 s, 2 s, 4 s ... up to 30 s, reset once a process has run for a minute.
RESTART_BACKOFF_SECONDS = 1.0
RESTART_BACKOFF_MAX_SECONDS = 30.0
RESTART_RESET_SECONDS = 60.0


@dataclass
class RestartState:
    """How the supervisor restarts one process: consecutive failures, when the next start is due."""

    failures: int = 0
    due_at: float | None = None
    started_at: float = 0.0


class PortTakenError(RuntimeError):
    """A service could not bind its port: another process took it after it was picked."""


@dataclass
class Suite:
    """Starts and stops the suite's processes. Logs go to <data_dir>/logs/<name>.log."""

    data_dir: Path
    ports: SuitePorts
    nats_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    nats: NatsServer | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    # Ports picked free can be taken by another process before a service binds them; with this set, the suite
    # then picks new ones and starts again (tests and benchmarks; never for `make run`'s fixed ports).
    reassign_taken_ports: bool = False
    # Where each process's log started for its current run (logs are appended across restarts).
    log_offsets: dict[str, int] = field(default_factory=dict)
    restarts: dict[str, RestartState] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway}"

    @property
    def effective_nats_url(self) -> str:
        if self.nats_url:
            return self.nats_url
        assert self.nats is not None
        return self.nats.url

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "TENANTRY_DATA_DIR": str(self.data_dir),
                "NATS_URL": self.effective_nats_url,
                "TENANTRY_GATEWAY_PORT": str(self.ports.gateway),
                "TENANTRY_GATEWAY_PUBLIC_URL": self.gateway_url,
                "TENANTRY_MEMBERSHIP_PUBLIC_URL": self.gateway_url,
                "TENANTRY_IDENTITY_PUBLIC_URL": self.gateway_url,
                "TENANTRY_IDENTITY_MEMBERSHIP_ADDRESS": f"127.0.0.1:{self.ports.membership}",
                "TENANTRY_MEMBERSHIP_BILLING_ADDRESS": f"127.0.0.1:{self.ports.billing}",
                "TENANTRY_BILLING_MEMBERSHIP_ADDRESS": f"127.0.0.1:{self.ports.membership}",
                "PYTHONUNBUFFERED": "1",
            }
        )
        for name in SERVICES:
            env[f"TENANTRY_{name.upper()}_GRPC_PORT"] = str(self.ports.of(name))
            env[f"TENANTRY_GATEWAY_{name.upper()}_ADDRESS"] = f"127.0.0.1:{self.ports.of(name)}"
        env.update(self.extra_env)
        return env

    def start_nats(self) -> None:
        if self.nats_url:
            return
        if self.nats is None:
            port_file = self.data_dir / "nats" / "port"
            # Keep the port across runs when it is still free, so a restarted suite finds the same URL.
            self.nats = NatsServer(self.data_dir / "nats")
            if port_file.exists():
                previous = int(port_file.read_text())
                if _port_is_free(previous):
                    self.nats.port = previous
            port_file.parent.mkdir(parents=True, exist_ok=True)
            port_file.write_text(str(self.nats.port))
        self.nats.start()

    def stop_nats(self, kill: bool = False) -> None:
        if self.nats is not None:
            self.nats.stop(kill=kill)

    def start(self, timeout: float = 90.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        ensure_local_keys(self.data_dir)
        self.start_nats()
        for attempt in range(1, START_ATTEMPTS + 1):
            for name in (*SERVICES, "gateway"):
                self.start_process(name)
            try:
                self.wait_ready(timeout)
                return
            except PortTakenError:
                if not self.reassign_taken_ports or attempt == START_ATTEMPTS:
                    raise
                self.stop_processes()
                self.ports = SuitePorts.free()

    def start_process(self, name: str) -> None:
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        module = "gateway" if name == "gateway" else f"services.{name}"
        with open(logs / f"{name}.log", "ab") as log:
            self.log_offsets[name] = log.tell()
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", module, "serve"],
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        pids = self.data_dir / "run"
        pids.mkdir(parents=True, exist_ok=True)
        (pids / f"{name}.pid").write_text(str(self.processes[name].pid))

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    log = self.data_dir / "logs" / f"{name}.log"
                    message = f"{name} exited with {process.returncode}; see {log}"
                    with open(log, "rb") as written:
                        written.seek(self.log_offsets.get(name, 0))
                        tail = written.read().decode(errors="replace")[-4000:].lower()
                    if "failed to bind" in tail or "address already in use" in tail:
                        raise PortTakenError(message)
                    raise RuntimeError(message)
            if self._gateway_ready() and all(self._serving(name) for name in SERVICES):
                return
            time.sleep(0.2)
        raise TimeoutError(f"the suite was not ready within {timeout} s; logs in {self.data_dir / 'logs'}")

    def supervise(self) -> list[str]:
        """One pass of the local supervisor: restart every process that died, with exponential backoff (as an
        orchestrator would), so one crashed service never takes the suite down. Returns what it did."""
        now = time.monotonic()
        happened = []
        for name, process in list(self.processes.items()):
            restart = self.restarts.setdefault(name, RestartState())
            if process.poll() is None:
                if restart.started_at and now - restart.started_at >= RESTART_RESET_SECONDS:
                    restart.failures = 0  # it ran long enough: the next crash starts the backoff over
                continue
            if restart.due_at is None:
                restart.failures += 1
                delay = min(RESTART_BACKOFF_SECONDS * 2 ** (restart.failures - 1), RESTART_BACKOFF_MAX_SECONDS)
                restart.due_at = now + delay
                happened.append(f"{name} exited with {process.returncode}; restarting in {delay:.0f} s")
            elif now >= restart.due_at:
                self.start_process(name)
                restart.due_at, restart.started_at = None, now
                happened.append(f"{name} restarted (pid {self.processes[name].pid})")
        return happened

    def _gateway_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.gateway_url}/readyz", timeout=2) as response:  # noqa: S310
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def _serving(self, name: str) -> bool:
        """The service answers SERVING to the gRPC health check (each has its own readiness)."""
        with grpc.insecure_channel(f"127.0.0.1:{self.ports.of(name)}") as channel:
            try:
                reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
            except grpc.RpcError:
                return False
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)

    def kill(self, name: str) -> None:
        """kill -9 one process, as a crash would."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop_process(self, name: str, timeout: float = 25.0) -> int:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def stop(self) -> None:
        self.stop_processes()
        self.stop_nats()

    def stop_processes(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 25
        for process in self.processes.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()


def _port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
