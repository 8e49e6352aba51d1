"""REST routes of audit exports: ask for a CSV or JSON-lines file of the log, follow the job, download the file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import Response, StreamingResponse
from tenantry.audit.v1 import export_service_pb2 as export_pb

from gateway.models.audit_exports import AuditExport, AuditExportList, NewAuditExport
from gateway.routes.audit import _precise, _stamp
from gateway.routing import ApiRoute, Context

EXPORTS = "/v1/audit/exports"
FORMATS = {"csv": export_pb.AUDIT_EXPORT_FORMAT_CSV, "jsonl": export_pb.AUDIT_EXPORT_FORMAT_JSONL}
FORMAT_NAMES = {value: name for name, value in FORMATS.items()}
STATE_NAMES = {
    export_pb.AUDIT_EXPORT_STATE_QUEUED: "queued",
    export_pb.AUDIT_EXPORT_STATE_RUNNING: "running",
    export_pb.AUDIT_EXPORT_STATE_SUCCEEDED: "succeeded",
    export_pb.AUDIT_EXPORT_STATE_EXPIRED: "expired",
}


def export_view(value: export_pb.AuditExport) -> dict[str, Any]:
    """An export as REST and the portal show it."""
    chosen = value.filter
    state = STATE_NAMES[value.state]
    return {
        "id": value.id,
        "format": FORMAT_NAMES[value.format],
        "filter": {
            "start_time": _precise(chosen.start_time),
            "end_time": _precise(chosen.end_time),
            "action": chosen.action,
            "action_prefix": chosen.action_prefix,
            "actor_id": chosen.actor_id,
            "target_id": chosen.target_id,
            "text": chosen.text,
        },
        "state": state,
        "percent_complete": value.percent_complete,
        "last_sequence": value.last_sequence,
        "scanned_sequence": value.scanned_sequence,
        "rows_written": value.rows_written,
        "size_bytes": value.size_bytes,
        "requested_by": value.requested_by,
        "create_time": _precise(value.create_time),
        "finish_time": _precise(value.finish_time),
        "expire_time": _precise(value.expire_time),
        "file_name": value.file_name,
        "content_type": value.content_type,
        "download_url": f"{EXPORTS}/{value.id}/file" if state == "succeeded" else None,
    }


async def create_export(context: Context) -> AuditExport:
    new = context.body_as(NewAuditExport)
    chosen = new.filter
    reply = await context.call(
        context.clients.audit_exports.CreateAuditExport,
        export_pb.CreateAuditExportRequest(
            organization_id=context.organization_id,
            format=FORMATS[new.format],
            filter=export_pb.AuditExportFilter(
                start_time=_stamp(chosen.start_time),
                end_time=_stamp(chosen.end_time),
                action=chosen.action,
                action_prefix=chosen.action_prefix,
                actor_id=chosen.actor_id,
                target_id=chosen.target_id,
                text=chosen.text,
            ),
            request_id=context.idempotency_key,
        ),
    )
    context.response_headers["Location"] = f"{EXPORTS}/{reply.export.id}"
    return AuditExport.model_validate(export_view(reply.export))


async def list_exports(context: Context) -> AuditExportList:
    reply = await context.call(
        context.clients.audit_exports.ListAuditExports,
        export_pb.ListAuditExportsRequest(organization_id=context.organization_id),
    )
    return AuditExportList.model_validate({"exports": [export_view(value) for value in reply.exports]})


async def get_export(context: Context) -> AuditExport:
    reply = await context.call(
        context.clients.audit_exports.GetAuditExport,
        export_pb.GetAuditExportRequest(organization_id=context.organization_id, export_id=context.path("export_id")),
    )
    return AuditExport.model_validate(export_view(reply.export))


async def export_file(
    context: Context, organization_id: str, export_id: str
) -> tuple[export_pb.AuditExport, AsyncIterator[bytes]]:
    """The export and its file's chunks (see export_chunks)."""
    found = await context.call(
        context.clients.audit_exports.GetAuditExport,
        export_pb.GetAuditExportRequest(organization_id=organization_id, export_id=export_id),
    )
    return found.export, await export_chunks(context, organization_id, export_id)


async def export_chunks(context: Context, organization_id: str, export_id: str) -> AsyncIterator[bytes]:
    """An export's file, chunk by chunk: the first chunk is read before answering, so a refusal (not ready,
    expired, no audit.read) is still a problem+json answer."""

    async def read(page_token: str) -> export_pb.ReadAuditExportResponse:
        request = export_pb.ReadAuditExportRequest(
            organization_id=organization_id, export_id=export_id, page_token=page_token
        )
        return await context.call(context.clients.audit_exports.ReadAuditExport, request)

    first = await read("")

    async def chunks() -> AsyncIterator[bytes]:
        chunk = first
        yield chunk.data
        while chunk.next_page_token:
            chunk = await read(chunk.next_page_token)
            yield chunk.data

    return chunks()


async def download_export(context: Context) -> Response:
    export, chunks = await export_file(context, context.organization_id, context.path("export_id"))
    return StreamingResponse(
        chunks,
        media_type=export.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{export.file_name}"',
            "Content-Length": str(export.size_bytes),
        },
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "POST",
        EXPORTS,
        create_export,
        "Ask for a CSV or JSON-lines file of the audit log, filtered by time range, action, actor, target or text; "
        "a job writes it (poll the export for its progress). One at a time per organization (409 "
        "EXPORT_IN_PROGRESS); needs the plan's audit_export. Audited (audit.read).",
        body=NewAuditExport,
        response=AuditExport,
        success_status=202,
    ),
    ApiRoute(
        "GET",
        EXPORTS,
        list_exports,
        "The organization's audit exports, newest first, with their progress (audit.read).",
        response=AuditExportList,
    ),
    ApiRoute(
        "GET",
        EXPORTS + "/{export_id}",
        get_export,
        "One audit export: state, percent complete, rows written, when its file expires (audit.read).",
        response=AuditExport,
    ),
    ApiRoute(
        "GET",
        EXPORTS + "/{export_id}/file",
        download_export,
        "Download a finished export's file, streamed (409 EXPORT_NOT_READY before, EXPORT_EXPIRED after 24 hours); "
        "each download is audited (audit.read).",
        response_media=("text/csv", "application/x-ndjson"),
    ),
)
