"""REST routes of the organization's data export (Talkspirit: export your data before cancelling, one export at a
time). The audit log, the one part that can be very large, is written by audit's export job (scope organization:
every plan, even after the subscription ended), whose progress the export reports, and which allows one export at
a time and expires the download after 24 hours. The archive is a ZIP streamed at download: that log file, and what
the other services hold now (members and groups, roles, invoices with their PDFs, analytics), each read with the
caller's own rights; a part the caller may not read is listed in manifest.json instead."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import grpc
from starlette.responses import Response, StreamingResponse
from tenantry.audit.v1 import analytics_service_pb2 as analytics_pb
from tenantry.audit.v1 import audit_service_pb2 as audit_pb
from tenantry.audit.v1 import export_service_pb2 as export_pb
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.models.organization_exports import OrganizationExport, OrganizationExportList
from gateway.routes.analytics import MEMBER_ACTIVITY_HEADER, csv_lines, member_activity_rows
from gateway.routes.audit import _precise
from gateway.routes.audit_exports import STATE_NAMES, export_chunks
from gateway.routing import ApiRoute, Context
from gateway.zip_stream import zip_stream

EXPORTS = "/v1/organization/exports"
ANALYTICS_DAYS = 90
# Refusals that leave a part out of the archive (named in manifest.json) rather than fail it: the caller's role
# lacks the part's permission, or the plan lacks its module.
LEFT_OUT = (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.FAILED_PRECONDITION)

Part = Callable[[Context], Awaitable[list[tuple[str, bytes]]]]


def export_view(value: export_pb.AuditExport) -> dict[str, Any]:
    state = STATE_NAMES[value.state]
    return {
        "id": value.id,
        "state": state,
        "percent_complete": value.percent_complete,
        "requested_by": value.requested_by,
        "create_time": _precise(value.create_time),
        "finish_time": _precise(value.finish_time),
        "expire_time": _precise(value.expire_time),
        "archive_url": f"{EXPORTS}/{value.id}/archive" if state == "succeeded" else None,
    }


async def create_data_export(context: Context) -> OrganizationExport:
    reply = await context.call(
        context.clients.audit_exports.CreateAuditExport,
        export_pb.CreateAuditExportRequest(
            organization_id=context.organization_id,
            format=export_pb.AUDIT_EXPORT_FORMAT_JSONL,
            scope=export_pb.AUDIT_EXPORT_SCOPE_ORGANIZATION,
            request_id=context.idempotency_key,
        ),
    )
    context.response_headers["Location"] = f"{EXPORTS}/{reply.export.id}"
    return OrganizationExport.model_validate(export_view(reply.export))


async def list_data_exports(context: Context) -> OrganizationExportList:
    reply = await context.call(
        context.clients.audit_exports.ListAuditExports,
        export_pb.ListAuditExportsRequest(organization_id=context.organization_id),
    )
    found = [export_view(e) for e in reply.exports if e.scope == export_pb.AUDIT_EXPORT_SCOPE_ORGANIZATION]
    return OrganizationExportList.model_validate({"exports": found})


async def _organization_export(context: Context) -> export_pb.AuditExport:
    reply = await context.call(
        context.clients.audit_exports.GetAuditExport,
        export_pb.GetAuditExportRequest(organization_id=context.organization_id, export_id=context.path("export_id")),
    )
    if reply.export.scope != export_pb.AUDIT_EXPORT_SCOPE_ORGANIZATION:  # a log export has its own routes
        raise grpc.aio.AioRpcError(
            grpc.StatusCode.NOT_FOUND, grpc.aio.Metadata(), grpc.aio.Metadata(), "No such export."
        )
    return reply.export


async def get_data_export(context: Context) -> OrganizationExport:
    return OrganizationExport.model_validate(export_view(await _organization_export(context)))


async def _members(context: Context) -> list[tuple[str, bytes]]:
    files = []
    for export_format, name in (("json", "members.json"), ("csv", "members.csv"), ("groups_csv", "groups.csv")):
        reply = await context.call(
            context.clients.membership.ExportMembers,
            membership_pb.ExportMembersRequest(organization_id=context.organization_id, format=export_format),
        )
        files.append((name, reply.content))
    return files


async def _roles(context: Context) -> list[tuple[str, bytes]]:
    reply = await context.call(
        context.clients.membership.ListRoles, membership_pb.ListRolesRequest(organization_id=context.organization_id)
    )
    roles = {
        "built_in_roles": [convert.role(role) for role in reply.built_in_roles],
        "custom_roles": [convert.role(role) for role in reply.roles],
    }
    return [("roles.json", json.dumps(roles, indent=1).encode())]


async def _invoices(context: Context) -> list[tuple[str, bytes]]:
    invoices: list[billing_pb.Invoice] = []
    page_token = ""
    while True:
        page = await context.call(
            context.clients.billing.ListInvoices,
            billing_pb.ListInvoicesRequest(
                organization_id=context.organization_id, page_size=200, page_token=page_token
            ),
        )
        invoices.extend(page.invoices)
        if not (page_token := page.next_page_token):
            break
    files = [("billing/invoices.json", json.dumps([convert.invoice(i) for i in invoices], indent=1).encode())]
    for invoice in invoices:
        pdf = await context.call(
            context.clients.billing.GetInvoicePdf,
            billing_pb.GetInvoicePdfRequest(organization_id=context.organization_id, invoice_id=invoice.id),
        )
        files.append((f"billing/invoices/{pdf.file_name}", pdf.pdf))
    return files


async def _analytics(context: Context) -> list[tuple[str, bytes]]:
    """Active members per day over 90 days, and each member's activity and the usage per day over the service's
    default period (the last 30 days): periods the analytics service counts from its own today."""
    adoption = await context.call(
        context.clients.analytics.GetAdoption,
        analytics_pb.GetAdoptionRequest(organization_id=context.organization_id, days=ANALYTICS_DAYS),
    )
    trend = csv_lines([("day", "active_members"), *((p.day, p.active_members) for p in adoption.trend)])
    rows: list[bytes] = [csv_lines([MEMBER_ACTIVITY_HEADER])]
    page_token = ""
    while True:
        page = await context.call(
            context.clients.analytics.ListMemberActivity,
            analytics_pb.ListMemberActivityRequest(
                organization_id=context.organization_id, page_size=200, page_token=page_token
            ),
        )
        rows.append(csv_lines(member_activity_rows(page)))
        if not (page_token := page.next_page_token):
            break
    usage = await context.call(
        context.clients.analytics.ListDailyUsage,
        analytics_pb.ListDailyUsageRequest(organization_id=context.organization_id),
    )
    header = ("day", "metric", "total", "members")
    daily = csv_lines([header, *((u.day, u.metric, u.total, u.members) for u in usage.usage)])
    return [
        ("analytics/active-members-per-day.csv", trend),
        ("analytics/member-activity.csv", b"".join(rows)),
        ("analytics/daily-usage.csv", daily),
    ]


async def _checkpoints(context: Context) -> list[tuple[str, bytes]]:
    """What an offline check of the log needs besides its entries: the signed checkpoints and the public keys."""
    checkpoints = await context.call(
        context.clients.audit.ListCheckpoints, audit_pb.ListCheckpointsRequest(organization_id=context.organization_id)
    )
    keys = await context.clients.audit.GetCheckpointKeySet(
        audit_pb.GetCheckpointKeySetRequest(), timeout=context.clients.timeout
    )
    signed = [
        {"sequence": c.sequence, "hash": c.hash, "sign_time": _precise(c.sign_time), "key_id": c.key_id,
         "previous_signature": c.previous_signature, "signature": c.signature}
        for c in checkpoints.checkpoints
    ]  # fmt: skip
    key_set = [{"key_id": k.key_id, "public_key": k.public_key} for k in keys.keys]
    return [
        ("audit/checkpoints.json", json.dumps(signed, indent=1).encode()),
        ("audit/checkpoint-keys.json", json.dumps({"keys": key_set}, indent=1).encode()),
    ]


PARTS: tuple[tuple[str, Part], ...] = (
    ("members and groups", _members),
    ("roles", _roles),
    ("invoices", _invoices),
    ("analytics", _analytics),
    ("audit checkpoints", _checkpoints),
)


async def download_data_export(context: Context) -> Response:
    export = await _organization_export(context)
    # The log file's first chunk is read before answering: a refusal (not ready, expired) is a problem+json answer.
    log_chunks = await export_chunks(context, context.organization_id, export.id)

    async def files() -> AsyncIterator[tuple[str, AsyncIterator[bytes]]]:
        manifest: dict[str, Any] = {
            "organization_id": context.organization_id,
            "export_id": export.id,
            "generated_at": datetime.now(UTC).isoformat(),
            "files": [],
            "left_out": {},
        }
        manifest["files"].append(f"audit/{export.file_name}")
        yield f"audit/{export.file_name}", log_chunks
        for label, part in PARTS:
            try:
                written = await part(context)
            except grpc.aio.AioRpcError as exc:
                if exc.code() not in LEFT_OUT:
                    raise
                manifest["left_out"][label] = exc.details() or exc.code().name
                continue
            for name, data in written:
                manifest["files"].append(name)
                yield name, _once(data)
        yield "manifest.json", _once(json.dumps(manifest, indent=1).encode())

    return StreamingResponse(
        zip_stream(files()),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="organization-export-{export.id}.zip"'},
    )


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "POST",
        EXPORTS,
        create_data_export,
        "Ask for the organization's data export: a job writes its whole audit log (poll the export for its "
        "progress), then the archive adds members and groups, roles, invoices with PDFs and analytics, as the "
        "caller may read them. One export at a time (409 EXPORT_IN_PROGRESS); every plan, even after the "
        "subscription ended. Audited (audit.read).",
        response=OrganizationExport,
        success_status=202,
    ),
    ApiRoute(
        "GET",
        EXPORTS,
        list_data_exports,
        "The organization's data exports, newest first, with their progress (audit.read).",
        response=OrganizationExportList,
    ),
    ApiRoute(
        "GET",
        EXPORTS + "/{export_id}",
        get_data_export,
        "One data export: state, percent complete, when its archive expires (audit.read).",
        response=OrganizationExport,
    ),
    ApiRoute(
        "GET",
        EXPORTS + "/{export_id}/archive",
        download_data_export,
        "Download the data export as a ZIP, streamed: audit log (JSON lines) with its checkpoints and keys, "
        "members.json/csv, groups.csv, roles.json, billing/invoices.json with every PDF, analytics CSVs, and "
        "manifest.json naming any part the caller's role may not read (409 EXPORT_NOT_READY before, EXPORT_EXPIRED "
        "after 24 hours; audited).",
        response_media=("application/zip",),
    ),
)
