"""Audit log exports in the portal: ask for a CSV or JSON-lines file of the log from the audit page, follow its
job's progress on a page of its own (portal.js polls it; without script, a link refreshes), then download it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from tenantry.audit.v1 import export_service_pb2 as export_pb

from gateway.auth import Caller
from gateway.portal.shared import SignedIn, call, form_field, portal_page, services, signed_in, to_sign_in
from gateway.routes.audit_exports import EXPORTS, FORMATS, export_view

AUDIT_EXPORTS_PAGE = "/portal/audit/exports"
SHOWN_EXPORTS = 5


async def recent_exports(request: Request, caller: Caller) -> list[dict[str, Any]]:
    """The organization's last exports for the audit page; none when the log is out of reach."""
    try:
        reply = await call(
            request,
            services(request).audit_exports.ListAuditExports,
            export_pb.ListAuditExportsRequest(organization_id=caller.organization_id),
            caller,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND):
            return []
        raise
    return [export_view(value) for value in reply.exports[:SHOWN_EXPORTS]]


def _day_start(text: str, days_after: int = 0) -> Timestamp | None:
    """A date field as the UTC start of that day (`days_after` later: the end of an inclusive last day); None
    when empty or not a date (the form's own input only sends dates)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(datetime.combine(day, time(), UTC) + timedelta(days=days_after))
    return stamp


def export_request(organization_id: str, form: FormData) -> export_pb.CreateAuditExportRequest:
    """The export the audit page's form asks for: a format, an action prefix, and a range of whole days."""
    return export_pb.CreateAuditExportRequest(
        organization_id=organization_id,
        format=FORMATS.get(form_field(form, "format", 8), export_pb.AUDIT_EXPORT_FORMAT_UNSPECIFIED),
        filter=export_pb.AuditExportFilter(
            start_time=_day_start(form_field(form, "start_date", 10)),
            end_time=_day_start(form_field(form, "end_date", 10), days_after=1),
            action_prefix=form_field(form, "action_prefix", 101),
        ),
    )


async def export_of(request: Request, person: SignedIn) -> export_pb.AuditExport | None:
    """The export the page's path names, as the service shows it to this person; None when out of reach."""
    export_id = str(request.path_params["export_id"])[:64]
    try:
        reply = await call(
            request,
            services(request).audit_exports.GetAuditExport,
            export_pb.GetAuditExportRequest(organization_id=person.caller.organization_id, export_id=export_id),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND):
            return None
        raise
    return reply.export


async def export_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    export = await export_of(request, person)
    if export is None or export.scope == export_pb.AUDIT_EXPORT_SCOPE_ORGANIZATION:
        return portal_page(request, person, "not_found.html", "audit", 404)
    shown = export_view(export)
    return portal_page(request, person, "audit_export.html", "audit", export=shown, poll_url=f"{EXPORTS}/{export.id}")
