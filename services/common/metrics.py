"""Prometheus metrics every service exposes on its metrics port (METRICS_PORT)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

GRPC_REQUESTS = Counter("tenantry_grpc_requests_total", "gRPC calls served", ["method", "grpc_code"])
GRPC_LATENCY = Histogram(
    "tenantry_grpc_request_seconds",
    "Time to serve a gRPC call",
    ["method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_PUBLISHED = Counter("tenantry_events_published_total", "Outbox rows acknowledged by JetStream", ["producer"])
EVENTS_HANDLED = Counter("tenantry_events_handled_total", "Events applied by a consumer", ["consumer"])
EVENTS_REDELIVERED = Counter("tenantry_events_retried_total", "Handler failures that led to a redelivery", ["consumer"])
EVENTS_PARKED = Counter("tenantry_events_parked_total", "Events parked after repeated failures", ["consumer"])
CONSUMER_LAG = Gauge(
    "tenantry_consumer_lag_events",
    "Events in a producer's stream this consumer has not received yet (0 when it is caught up)",
    ["consumer", "producer"],
)
