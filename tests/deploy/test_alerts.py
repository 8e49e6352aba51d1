"""deploy/: the alerts and the dashboard query metrics the code exports."""

from __future__ import annotations

import json
import re

from tests.deploy.rendering import (
    ROOT,
    of_kind,
    rendered,
    selects,
)


def _exported_metric_names() -> set[str]:
    """Metric names the code registers (string literals passed to prometheus_client), with their sample suffixes."""
    names = set()
    for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("gateway/**/*.py")]:
        if "tests" in path.parts:
            continue
        names.update(re.findall(r"[\"'](tenantry_[a-z0-9_]+)[\"']", path.read_text()))
    return names | {name + suffix for name in names for suffix in ("_total", "_bucket", "_sum", "_count")}


# From Prometheus itself, prometheus_client's process collector and kube-state-metrics.
EXTERNAL_METRICS = re.compile(r"^(up|process_[a-z_]+|kube_[a-z_]+)$")


PROMQL_WORDS = {"rate", "irate", "increase", "sum", "max", "min", "avg", "count", "histogram_quantile", "and", "or"}


def _metrics_in(expression: str) -> set[str]:
    """The metric names a PromQL expression reads."""
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", expression)  # label matchers and ranges
    text = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", text)  # grouping labels
    return set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text)) - PROMQL_WORDS


def test_alerts_and_dashboard_use_metrics_the_code_exports() -> None:
    exported = _exported_metric_names()
    (rule,) = of_kind("prod", "PrometheusRule").values()
    alerts = [r for group in rule["spec"]["groups"] for r in group["rules"]]
    assert {a["alert"] for a in alerts} >= {
        "TenantryEventsParked",
        "TenantryOutboxStalled",
        "TenantryErrorRate",
        "TenantryLatencyHigh",
    }
    operations = (ROOT / "docs" / "operations.md").read_text()
    expressions = [a["expr"] for a in alerts]
    for alert in alerts:
        assert f"### {alert['alert']}" in operations, f"docs/operations.md does not explain {alert['alert']}"
    (dashboard_map,) = (
        obj
        for obj in rendered("prod")
        if obj["kind"] == "ConfigMap" and obj["metadata"]["name"] == "tenantry-dashboard"
    )
    assert dashboard_map["metadata"]["labels"]["grafana_dashboard"] == "1"
    dashboard = json.loads(dashboard_map["data"]["tenantry.json"])
    expressions += [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = set().union(*(_metrics_in(e) for e in expressions))
    assert "tenantry_grpc_requests_total" in used and "tenantry_events_parked_total" in used
    unknown = {m for m in used if m not in exported and not EXTERNAL_METRICS.match(m)}
    assert not unknown, f"alerts or dashboard use metrics nothing exports: {sorted(unknown)}"
    (monitor,) = of_kind("prod", "ServiceMonitor").values()
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
    for service in of_kind("prod", "Service").values():
        assert selects(monitor["spec"]["selector"], service["metadata"]["labels"])
        assert "metrics" in {port["name"] for port in service["spec"]["ports"]}
