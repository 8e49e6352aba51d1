"""What the deploy tests share: the overlays `kubectl kustomize` renders (kubectl embeds kustomize), and lookups
over the rendered objects."""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = ("dev", "prod")
SERVICES = ("identity", "membership", "billing", "audit")
PROCESSES = (*SERVICES, "gateway")
# The oldest Kubernetes minor the manifests support (native gRPC probes and matchLabelKeys are on by default from
# 1.27; 1.29 is the oldest still maintained by the big providers) and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.29.0", kubernetes_validate.latest_version())
# What each process calls over gRPC (and nothing else): the NetworkPolicies must allow exactly this.
CALLS = {
    "gateway": {"identity", "membership", "billing", "audit"},
    "identity": {"membership"},
    "membership": {"billing"},
    "billing": {"membership"},
    "audit": set(),
}


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.fail("kubectl (with its embedded kustomize v5) is needed to render deploy/: see `make kubectl`")
    return found


@functools.cache
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(DEPLOY / "overlays" / overlay)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def of_kind(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {obj["metadata"]["name"]: obj for obj in rendered(overlay) if obj["kind"] == kind}


def config_of(overlay: str, process: str) -> dict[str, str]:
    """The environment a process's container gets from its ConfigMaps (shared first, then its own)."""
    deployment = of_kind(overlay, "Deployment")[process]
    maps = of_kind(overlay, "ConfigMap")
    env: dict[str, str] = {}
    for source in deployment["spec"]["template"]["spec"]["containers"][0]["envFrom"]:
        env.update(maps[source["configMapRef"]["name"]]["data"])
    return env


def pod_specs(overlay: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for obj in rendered(overlay):
        if obj["kind"] in ("Deployment", "Job"):
            yield f"{obj['kind']}/{obj['metadata']['name']}", obj["spec"]["template"]["spec"]


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        present = labels.get(expression["key"])
        if expression["operator"] == "In" and present not in expression["values"]:
            return False
        if expression["operator"] == "NotIn" and present in expression["values"]:
            return False
    return True
