"""Tracing and trace-context propagation (W3C traceparent) across HTTP, gRPC and NATS."""

from __future__ import annotations

import os
from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

_configured = False


def setup_tracing(service_name: str, exporter: SpanExporter | None = None) -> None:
    """Install a tracer provider once per process. Spans go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT
    is set (and the exporter package is installed), to `exporter` when given, otherwise nowhere."""
    global _configured
    if _configured:
        return
    processor = _span_processor(exporter)
    # Spans nobody exports are not recorded (ALWAYS_OFF): the ids still exist and propagate, so logs keep
    # their trace and span ids, but no span object is built per call, event or SQL statement.
    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name}), sampler=None if processor else ALWAYS_OFF
    )
    if processor is not None:
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    _configured = True


def _span_processor(exporter: SpanExporter | None) -> SpanProcessor | None:
    if exporter is not None:
        return SimpleSpanProcessor(exporter)
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        try:
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        except ImportError:  # pragma: no cover - optional dependency
            return None
        return BatchSpanProcessor(OTLPSpanExporter())
    return None


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def inject_current() -> dict[str, str]:
    """The current trace context as W3C headers (traceparent, tracestate)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def extract(headers: Mapping[str, str] | None) -> Context:
    return propagate.extract(dict(headers or {}))


def current_trace_ids() -> tuple[str, str]:
    """(trace_id, span_id) in hex of the current span, or empty strings."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return "", ""
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"
