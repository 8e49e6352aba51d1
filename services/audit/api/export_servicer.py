"""AuditExportService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from tenantry.audit.v1 import export_service_pb2 as pb
from tenantry.audit.v1 import export_service_pb2_grpc as pb_grpc

from services.audit.domain.export_cases import AuditExports
from services.audit.domain.export_jobs import (
    CSV,
    EXPIRED,
    JSONL,
    LOG,
    ORGANIZATION,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    AuditExport,
    ExportFilter,
)
from services.common.messaging import timestamp
from services.common.pagination import PageTokens
from services.common.principal import current_call

FORMATS = {pb.AUDIT_EXPORT_FORMAT_CSV: CSV, pb.AUDIT_EXPORT_FORMAT_JSONL: JSONL}
FORMAT_OF = {name: value for value, name in FORMATS.items()}
SCOPES = {
    pb.AUDIT_EXPORT_SCOPE_UNSPECIFIED: LOG,
    pb.AUDIT_EXPORT_SCOPE_LOG: LOG,
    pb.AUDIT_EXPORT_SCOPE_ORGANIZATION: ORGANIZATION,
}
SCOPE_OF = {LOG: pb.AUDIT_EXPORT_SCOPE_LOG, ORGANIZATION: pb.AUDIT_EXPORT_SCOPE_ORGANIZATION}
STATES = {
    QUEUED: pb.AUDIT_EXPORT_STATE_QUEUED,
    RUNNING: pb.AUDIT_EXPORT_STATE_RUNNING,
    SUCCEEDED: pb.AUDIT_EXPORT_STATE_SUCCEEDED,
    EXPIRED: pb.AUDIT_EXPORT_STATE_EXPIRED,
}


def _moment(message: pb.AuditExportFilter, field: str) -> datetime | None:
    stamp: Timestamp = getattr(message, field)
    return stamp.ToDatetime(tzinfo=UTC) if message.HasField(field) else None  # type: ignore[arg-type]


def filter_of(message: pb.AuditExportFilter) -> ExportFilter:
    return ExportFilter(
        _moment(message, "start_time"),
        _moment(message, "end_time"),
        message.action,
        message.action_prefix,
        message.actor_id,
        message.target_id,
        message.text,
    )


def export_to_proto(export: AuditExport) -> pb.AuditExport:
    chosen = export.filter
    return pb.AuditExport(
        id=export.id,
        organization_id=export.organization_id,
        format=FORMAT_OF[export.format],
        filter=pb.AuditExportFilter(
            start_time=timestamp(chosen.start) if chosen.start else None,
            end_time=timestamp(chosen.end) if chosen.end else None,
            action=chosen.action,
            action_prefix=chosen.action_prefix,
            actor_id=chosen.actor_id,
            target_id=chosen.target_id,
            text=chosen.text,
        ),
        state=STATES[export.state],
        last_sequence=export.last_sequence,
        scanned_sequence=export.scanned_sequence,
        rows_written=export.rows_written,
        size_bytes=export.size_bytes,
        requested_by=export.requested_by,
        create_time=timestamp(export.created_at),
        finish_time=timestamp(export.finished_at) if export.finished_at else None,
        expire_time=timestamp(export.expires_at) if export.expires_at else None,
        file_name=export.file_name,
        content_type=export.content_type,
        percent_complete=export.percent_complete,
        scope=SCOPE_OF[export.scope],
    )


class AuditExportServicer(pb_grpc.AuditExportServiceServicer):
    def __init__(self, exports: AuditExports, page_tokens: PageTokens):
        self._exports = exports
        self._page_tokens = page_tokens

    async def CreateAuditExport(
        self, request: pb.CreateAuditExportRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateAuditExportResponse:
        export = await self._exports.create(
            current_call().require_principal(),
            request.organization_id,
            FORMATS.get(request.format, ""),
            filter_of(request.filter),
            request.request_id,
            SCOPES.get(request.scope, ""),
        )
        return pb.CreateAuditExportResponse(export=export_to_proto(export))

    async def GetAuditExport(
        self, request: pb.GetAuditExportRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetAuditExportResponse:
        principal = current_call().require_principal()
        export = await self._exports.get(principal, request.organization_id, request.export_id)
        return pb.GetAuditExportResponse(export=export_to_proto(export))

    async def ListAuditExports(
        self, request: pb.ListAuditExportsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListAuditExportsResponse:
        exports = await self._exports.list(current_call().require_principal(), request.organization_id)
        return pb.ListAuditExportsResponse(exports=[export_to_proto(export) for export in exports])

    async def ReadAuditExport(
        self, request: pb.ReadAuditExportRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReadAuditExportResponse:
        scope = f"audit-export-file:{request.organization_id}:{request.export_id}"
        position = self._page_tokens.decode(scope, request.page_token)
        chunk = await self._exports.read_chunk(
            current_call().require_principal(),
            request.organization_id,
            request.export_id,
            int(position["chunk"]) if position else 0,
        )
        next_token = "" if chunk.next_index is None else self._page_tokens.encode(scope, {"chunk": chunk.next_index})
        return pb.ReadAuditExportResponse(data=chunk.data, next_page_token=next_token)
