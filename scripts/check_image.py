"""Runs Tenantry as the container image would, without Docker: `make image-check`.

Docker cannot build images on the development machines, so this does what deploy/Dockerfile does with the tools at
hand: a fresh virtual environment from deploy/requirements.lock alone (`--require-hashes --no-deps`, as the build
stage), the files its COPY lines take (less .dockerignore) laid out as /app, and the image's PYTHONPATH. Then each
service runs `migrate` and `serve` (with MIGRATE_ON_START=false, as on Kubernetes) and the gateway `serve`, against
a local NATS, and each must answer its health check (gRPC health SERVING; /healthz) and its metrics port, then stop
cleanly on SIGTERM. It proves the runtime dependencies are complete without any test or local-run package.
Everything listens on 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.keys import ensure_local_keys
from services.common.nats_server import NatsServer, free_port

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
SERVICES = ("identity", "membership", "billing", "audit")


def build_environment(workdir: Path) -> Path:
    """The build stage's virtual environment: only what the lock pins, checked against its hashes."""
    venv = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    lock = ROOT / "deploy" / "requirements.lock"
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--require-hashes", "--no-deps", "-r", str(lock)], check=True)
    return venv / "bin" / "python"


def lay_out_app(workdir: Path) -> Path:
    """/app as the Dockerfile's COPY lines fill it, less what .dockerignore keeps out."""
    app = workdir / "app"
    text = DOCKERFILE.read_text()
    for source, target in re.findall(r"^COPY (\w+)/ (\w+)/$", text, re.MULTILINE):
        shutil.copytree(ROOT / source, app / target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        if line and line[0] not in "#!*":
            for path in app.glob(line.rstrip("/")):
                shutil.rmtree(path)
    return app


def wait_until(check: object, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():  # type: ignore[operator]
                return
        except (OSError, grpc.RpcError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(1)


def grpc_serving(port: int) -> bool:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    return bool(response.status == health_pb2.HealthCheckResponse.SERVING)


def http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (a loopback URL built here)
        return bool(response.status == 200)


def run(workdir: Path) -> None:
    python = build_environment(workdir)
    print(f"image environment: {python.parent.parent} from deploy/requirements.lock", flush=True)
    app = lay_out_app(workdir)
    data = workdir / "data"
    ensure_local_keys(data)
    nats = NatsServer(workdir / "nats")
    nats.start()
    pythonpath = re.search(r"PYTHONPATH=(\S+)", DOCKERFILE.read_text()).group(1)  # type: ignore[union-attr]
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": pythonpath.replace("/app", str(app)),
        "PYTHONDONTWRITEBYTECODE": "1",
        "TENANTRY_DATA_DIR": str(data),
        "NATS_URL": nats.url,
    }
    ports = {name: (free_port(), free_port()) for name in (*SERVICES, "gateway")}
    for name in SERVICES:
        prefix = f"TENANTRY_{name.upper()}_"
        env |= {prefix + "GRPC_PORT": str(ports[name][0]), prefix + "METRICS_PORT": str(ports[name][1])}
        env[prefix + "MIGRATE_ON_START"] = "false"
        env[f"TENANTRY_GATEWAY_{name.upper()}_ADDRESS"] = f"127.0.0.1:{ports[name][0]}"
    env["TENANTRY_GATEWAY_PORT"] = str(ports["gateway"][0])
    processes: dict[str, subprocess.Popen[bytes]] = {}
    logs = workdir / "logs"
    logs.mkdir()
    try:
        for name in SERVICES:
            subprocess.run([str(python), "-m", f"services.{name}", "migrate"], env=env, cwd=workdir, check=True)
            print(f"{name}: migrated", flush=True)
        for module in (*(f"services.{name}" for name in SERVICES), "gateway"):
            name = module.rpartition(".")[2]
            with (logs / f"{name}.log").open("wb") as log:
                processes[name] = subprocess.Popen(
                    [str(python), "-m", module, "serve"], env=env, cwd=workdir, stdout=log, stderr=log
                )
        for name in SERVICES:
            grpc_port, metrics_port = ports[name]
            wait_until(lambda port=grpc_port: grpc_serving(port), f"{name} SERVING")
            wait_until(lambda port=metrics_port: http_ok(f"http://127.0.0.1:{port}/metrics"), f"{name} metrics")
            print(f"{name}: gRPC health SERVING, metrics answer", flush=True)
        wait_until(lambda: http_ok(f"http://127.0.0.1:{ports['gateway'][0]}/healthz"), "gateway /healthz")
        print("gateway: /healthz answers 200", flush=True)
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for name, process in processes.items():
            code = process.wait(timeout=60)
            if code != 0:
                raise RuntimeError(f"{name} exited with {code} after SIGTERM; see {logs / name}.log")
        print("every process stopped cleanly on SIGTERM", flush=True)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
        nats.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tenantry-image-") as tmp:
        run(Path(tmp))
    print("image check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
