"""deploy/: every overlay renders objects the Kubernetes schemas accept (kubernetes-validate, offline), wired the way
the services expect: probes, drains, unprivileged pods, settings, secrets, network policies, ingress, streams and
the rollout order. `make manifests` runs tests/deploy/."""

from __future__ import annotations

import base64
import importlib
import ipaddress
import os
import re
import subprocess
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.rendering import (
    CALLS,
    DEPLOY,
    KUBERNETES_VERSIONS,
    OVERLAYS,
    PROCESSES,
    SERVICES,
    config_of,
    of_kind,
    pod_specs,
    rendered,
    selects,
)

# Custom resources of the Prometheus Operator: kubernetes-validate bundles no schema for them, so they are checked
# by the tests below (rules, metrics, selectors) instead of by a schema.
CUSTOM_RESOURCE_KINDS = {"ServiceMonitor", "PrometheusRule"}


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_overlay_renders_objects_the_kubernetes_schemas_accept(overlay: str, version: str) -> None:
    skipped = set()
    for obj in rendered(overlay):
        if obj["kind"] in CUSTOM_RESOURCE_KINDS:
            with pytest.raises(kubernetes_validate.SchemaNotFoundError):
                kubernetes_validate.validate(obj, version, strict=True)
            skipped.add(obj["kind"])
            continue
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{obj['kind']}/{obj['metadata']['name']} in {overlay}: {error.message} at {error.path}")
    assert skipped == CUSTOM_RESOURCE_KINDS


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_process_has_a_deployment_and_a_service_and_each_service_a_migration_job(overlay: str) -> None:
    deployments, services, jobs = (of_kind(overlay, kind) for kind in ("Deployment", "Service", "Job"))
    assert set(deployments) == set(PROCESSES)
    assert set(services) == set(PROCESSES)
    assert set(jobs) == {f"{name}-migrate" for name in SERVICES}
    for name in SERVICES:
        container = jobs[f"{name}-migrate"]["spec"]["template"]["spec"]["containers"][0]
        assert [*container["command"], *container["args"]] == ["python", "-m", f"services.{name}", "migrate"]
        assert config_of(overlay, name)[f"TENANTRY_{name.upper()}_MIGRATE_ON_START"] == "false"
        # Headless, so DNS gives gRPC clients every ready replica to balance over.
        assert services[name]["spec"]["clusterIP"] == "None"


def test_dev_runs_one_replica_of_each_and_prod_several_with_autoscaling_and_disruption_budgets() -> None:
    assert {d["spec"]["replicas"] for d in of_kind("dev", "Deployment").values()} == {1}
    assert not of_kind("dev", "HorizontalPodAutoscaler")
    deployments = of_kind("prod", "Deployment")
    autoscalers = of_kind("prod", "HorizontalPodAutoscaler")
    budgets = of_kind("prod", "PodDisruptionBudget")
    for name, deployment in deployments.items():
        # The autoscaler owns the count: with spec.replicas, every `kubectl apply` would scale back to it.
        assert "replicas" not in deployment["spec"], name
        assert autoscalers[name]["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert autoscalers[name]["spec"]["minReplicas"] >= 2, name
        assert budgets[name]["spec"]["maxUnavailable"] == 1
        assert budgets[name]["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
        spread = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert {c["topologyKey"] for c in spread} == {"kubernetes.io/hostname", "topology.kubernetes.io/zone"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_are_probed_on_the_grpc_health_protocol_and_the_gateway_over_http(overlay: str) -> None:
    for name, deployment in of_kind(overlay, "Deployment").items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        env = config_of(overlay, name)
        prefix = f"TENANTRY_{name.upper()}_"
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            if name == "gateway":
                assert container[probe]["httpGet"]["port"] == "http"
                assert ports["http"] == int(env[prefix + "PORT"])
            else:
                # The kubelet asks the pod's IP, so the server must listen on every address.
                assert container[probe]["grpc"]["port"] == ports["grpc"] == int(env[prefix + "GRPC_PORT"])
                assert env[prefix + "GRPC_HOST"] == "0.0.0.0"
        assert ports["metrics"] == int(env[prefix + "METRICS_PORT"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_termination_grace_covers_the_pre_stop_pause_and_the_drain(overlay: str) -> None:
    for name, deployment in of_kind(overlay, "Deployment").items():
        spec = deployment["spec"]["template"]["spec"]
        container = spec["containers"][0]
        pause = container["lifecycle"]["preStop"]["exec"]["command"]
        assert pause[0] == "sleep"
        drain = float(config_of(overlay, name)[f"TENANTRY_{name.upper()}_SHUTDOWN_GRACE_SECONDS"])
        # Endpoints forget the pod during the pause, the process drains after SIGTERM, then stops its workers.
        assert spec["terminationGracePeriodSeconds"] >= int(pause[1]) + drain + 5, name
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_run_unprivileged_on_a_read_only_root_with_bounded_memory(overlay: str) -> None:
    for where, spec in pod_specs(overlay):
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", where
        assert spec["automountServiceAccountToken"] is False, where
        writable = {mount["mountPath"] for mount in spec["containers"][0]["volumeMounts"] if not mount.get("readOnly")}
        assert writable == {"/tmp", "/var/lib/tenantry"}, where
        for container in spec["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            resources = container["resources"]
            assert resources["requests"]["memory"] and resources["requests"]["cpu"], where
            assert _mebibytes(resources["limits"]["memory"]) >= _mebibytes(resources["requests"]["memory"]), where


def _mebibytes(quantity: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()  # type: ignore[union-attr]
    return int(number) * (1024 if unit == "Gi" else 1)


# Variables every process reads outside its own prefix.
SHARED_SETTINGS = {"TENANTRY_ENV", "NATS_URL", "TENANTRY_DATA_DIR", "OTEL_EXPORTER_OTLP_ENDPOINT"}


SETTINGS_CLASSES = {
    "identity": "services.identity.settings:IdentitySettings",
    "membership": "services.membership.settings:MembershipSettings",
    "billing": "services.billing.settings:BillingSettings",
    "audit": "services.audit.settings:AuditSettings",
    "gateway": "gateway.settings:GatewaySettings",
}


def _settings_fields(process: str) -> set[str]:
    module, _, name = SETTINGS_CLASSES[process].partition(":")
    return set(getattr(importlib.import_module(module), name).model_fields)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_configured_variable_is_a_setting_of_its_process(overlay: str) -> None:
    """A typo in a ConfigMap would be ignored silently (extra="ignore"), so each key must name a real setting;
    secrets come as `<SETTING>_FILE` paths."""
    for process in PROCESSES:
        fields = _settings_fields(process)
        prefix = f"TENANTRY_{process.upper()}_"
        for key in config_of(overlay, process):
            if key in SHARED_SETTINGS:
                continue
            assert key.startswith(prefix), f"{key} is configured for {process}"
            name = key.removeprefix(prefix)
            name = name.removesuffix("_FILE") if name.endswith("_FILE") else name
            assert name.lower() in fields, f"{key} is no setting of {process}"


def _secret_script(namespace: str) -> dict[str, dict[str, str]]:
    result = subprocess.run(
        ["bash", str(DEPLOY / "scripts" / "create-secrets.sh"), namespace],
        env={**os.environ, "DRY_RUN": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {
        doc["metadata"]["name"]: {key: base64.b64decode(value).decode() for key, value in doc["data"].items()}
        for doc in yaml.safe_load_all(result.stdout)
        if doc
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_secrets_script_creates_every_secret_and_file_the_pods_read(overlay: str) -> None:
    secrets = _secret_script("tenantry")
    for process in PROCESSES:
        spec = of_kind(overlay, "Deployment")[process]["spec"]["template"]["spec"]
        volumes = {v["name"]: v["secret"]["secretName"] for v in spec["volumes"] if "secret" in v}
        mounts = {
            m["mountPath"]: volumes[m["name"]] for m in spec["containers"][0]["volumeMounts"] if m["name"] in volumes
        }
        assert set(mounts.values()) <= set(secrets), process
        for key, path in config_of(overlay, process).items():
            if key.endswith("_FILE"):
                folder, _, file = path.rpartition("/")
                assert file in secrets[mounts[folder]], f"{key}={path}: no such key in Secret {mounts[folder]}"
    assert len(secrets["gateway-secrets"]["secret_key"]) >= 32
    assert "BEGIN PRIVATE KEY" in secrets["identity-secrets"]["principal_signing.pem"]
    assert "BEGIN PUBLIC KEY" in secrets["principal-public-key"]["principal_public.pem"]
    # Every service has its own key and its own database.
    assert len({secrets[f"{name}-secrets"]["secret_key"] for name in SERVICES}) == len(SERVICES)
    assert len({secrets[f"{name}-secrets"]["database_url"] for name in SERVICES}) == len(SERVICES)


def _peer_allows(peers: list[dict[str, Any]] | None, labels: dict[str, str]) -> bool:
    """Whether a rule's from/to list admits a pod of this namespace with these labels (absent list: everyone)."""
    if peers is None:
        return True
    return any("podSelector" in p and "namespaceSelector" not in p and selects(p["podSelector"], labels) for p in peers)


def _ports_allow(ports: list[dict[str, Any]] | None, port: int) -> bool:
    return ports is None or any(p.get("port") == port for p in ports)


def _allowed(policies: list[dict[str, Any]], source: dict[str, str], target: dict[str, str], port: int) -> bool:
    """Kubernetes semantics within one namespace: the source's egress AND the target's ingress must allow it."""

    def direction(kind: str, pod: dict[str, str], peer: dict[str, str]) -> bool:
        relevant = [p for p in policies if kind in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], pod)]
        if not relevant:
            return True
        key, peers = ("egress", "to") if kind == "Egress" else ("ingress", "from")
        return any(
            _peer_allows(rule.get(peers), peer) and _ports_allow(rule.get("ports"), port)
            for policy in relevant
            for rule in policy["spec"].get(key, [])
        )

    return direction("Egress", source, target) and direction("Ingress", target, source)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_let_each_process_reach_only_what_it_calls(overlay: str) -> None:
    policies = list(of_kind(overlay, "NetworkPolicy").values())
    pods = {name: d["spec"]["template"]["metadata"]["labels"] for name, d in of_kind(overlay, "Deployment").items()}
    nats = {
        "app.kubernetes.io/name": "nats",
        "app.kubernetes.io/instance": "nats",
        "app.kubernetes.io/component": "nats",
    }
    for source, source_labels in pods.items():
        for target, target_labels in pods.items():
            expected = target in CALLS[source]
            assert _allowed(policies, source_labels, target_labels, 50051) == expected, f"{source} -> {target}"
        assert _allowed(policies, source_labels, nats, 4222) == (source in SERVICES), f"{source} -> NATS"
        # Between pods, nothing but the gRPC and NATS ports above.
        assert not any(_allowed(policies, source_labels, t, 5432) for t in pods.values())
    for jobs in of_kind(overlay, "Job").values():
        assert _allowed(policies, jobs["spec"]["template"]["metadata"]["labels"], nats, 4222)
    assert _allowed(policies, nats, nats, 6222)
    # From outside the namespace: only the gateway, and only from the ingress controller's namespace.
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            for peer in rule.get("from", []):
                namespace = peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
                if namespace not in (None, "monitoring"):
                    assert namespace == "ingress-nginx"
                    assert policy["spec"]["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "gateway"}}
    postgres = of_kind(overlay, "NetworkPolicy")["tenantry-allow-postgres"]["spec"]["egress"][0]
    assert all(ipaddress.ip_network(peer["ipBlock"]["cidr"]).is_private for peer in postgres["to"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_serves_the_gateway_over_tls_at_the_public_url(overlay: str) -> None:
    (ingress,) = of_kind(overlay, "Ingress").values()
    host = ingress["spec"]["rules"][0]["host"]
    assert ingress["spec"]["tls"][0]["hosts"] == [host]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "gateway", "port": {"name": "http"}}
    gateway = config_of(overlay, "gateway")
    assert gateway["TENANTRY_GATEWAY_PUBLIC_URL"] == f"https://{host}"
    assert gateway["TENANTRY_GATEWAY_COOKIE_SECURE"] == "true"
    for name in ("identity", "membership", "billing"):  # emailed links point at the same place
        assert config_of(overlay, name)[f"TENANTRY_{name.upper()}_PUBLIC_URL"] == f"https://{host}"


def test_streams_have_three_replicas_on_the_three_node_nats_cluster_and_one_in_dev() -> None:
    values = yaml.safe_load((DEPLOY / "nats" / "values.yaml").read_text())
    dev_values = yaml.safe_load((DEPLOY / "nats" / "values-dev.yaml").read_text())
    assert values["config"]["cluster"] == {"enabled": True, "replicas": 3}
    assert values["config"]["jetstream"]["enabled"] is True
    assert values["fullnameOverride"] == "nats"
    assert dev_values["config"]["cluster"]["enabled"] is False
    for overlay, replicas in (("prod", "3"), ("dev", "1")):
        for name in SERVICES:
            env = config_of(overlay, name)
            assert env[f"TENANTRY_{name.upper()}_STREAM_REPLICAS"] == replicas
            assert env["NATS_URL"] == "nats://nats:4222"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_rollout_applies_what_migrations_need_before_any_server(overlay: str) -> None:
    """deploy/scripts/rollout.sh applies `app.kubernetes.io/component!=server` first, waits for the Jobs, then the
    rest: that first pass must hold every Job and all they use, and no server."""
    first = [obj for obj in rendered(overlay) if obj["metadata"].get("labels", {}).get(COMPONENT) != "server"]
    kinds = {(obj["kind"], obj["metadata"]["name"]) for obj in first}
    assert not {kind for kind, _ in kinds} & {"Deployment", "Service", "Ingress"}
    for name in SERVICES:
        job = of_kind(overlay, "Job")[f"{name}-migrate"]
        assert ("Job", f"{name}-migrate") in kinds
        spec = job["spec"]["template"]["spec"]
        assert ("ServiceAccount", spec["serviceAccountName"]) in kinds
        for source in spec["containers"][0]["envFrom"]:
            assert ("ConfigMap", source["configMapRef"]["name"]) in kinds
    script = (DEPLOY / "scripts" / "rollout.sh").read_text()
    assert f"-l '{COMPONENT}!=server'" in script and f"{COMPONENT}=migration" in script


COMPONENT = "app.kubernetes.io/component"
