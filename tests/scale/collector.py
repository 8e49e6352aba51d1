"""A real OTLP/gRPC trace receiver for the scale-out test: every process exports its spans to it (the OTLP exporter
the image installs, OTEL_EXPORTER_OTLP_ENDPOINT), tagged with its replica (OTEL_RESOURCE_ATTRIBUTES
service.instance.id), so a test can follow one invitation across processes and replicas."""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent import futures
from dataclasses import dataclass

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc


@dataclass(frozen=True)
class ReceivedSpan:
    trace_id: str
    name: str
    service: str  # service.name
    instance: str  # service.instance.id: which replica


class TraceCollector(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.spans: list[ReceivedSpan] = []
        self._server: grpc.Server | None = None
        self.port = 0

    def Export(
        self, request: trace_service_pb2.ExportTraceServiceRequest, context: grpc.ServicerContext
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        received = []
        for resource_spans in request.resource_spans:
            attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            service, instance = attributes.get("service.name", ""), attributes.get("service.instance.id", "")
            for scope_spans in resource_spans.scope_spans:
                received += [ReceivedSpan(s.trace_id.hex(), s.name, service, instance) for s in scope_spans.spans]
        with self._lock:
            self.spans += received
        return trace_service_pb2.ExportTraceServiceResponse()

    def start(self) -> None:
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(self, self._server)
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(grace=1)

    def traces(self) -> dict[str, list[ReceivedSpan]]:
        by_trace: dict[str, list[ReceivedSpan]] = defaultdict(list)
        with self._lock:
            for span in self.spans:
                by_trace[span.trace_id].append(span)
        return dict(by_trace)
