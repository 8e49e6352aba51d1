"""The organization's data export in the portal (Talkspirit: export your data before cancelling, one export at a
time): asked for from the Organization page or the page shown after the subscription ended, followed on a page of
its own while audit's job writes the log (portal.js polls it), then downloaded as one ZIP archive
(gateway/routes/organization_exports.py builds it)."""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.audit.v1 import export_service_pb2 as export_pb

from gateway.portal.audit_exports import export_of
from gateway.portal.shared import (
    call,
    checked_form,
    page_refusal,
    portal_page,
    see_other,
    services,
    signed_in,
    to_sign_in,
)
from gateway.routes.organization_exports import EXPORTS, export_view

DATA_EXPORT_PAGE = "/portal/organization/exports"


async def start_data_export(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        refused = "This request did not come from this site."
        return portal_page(request, person, "data_export.html", "organization", 403, error=refused)
    try:
        reply = await call(
            request,
            services(request).audit_exports.CreateAuditExport,
            export_pb.CreateAuditExportRequest(
                organization_id=person.caller.organization_id,
                format=export_pb.AUDIT_EXPORT_FORMAT_JSONL,
                scope=export_pb.AUDIT_EXPORT_SCOPE_ORGANIZATION,
            ),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return portal_page(request, person, "data_export.html", "organization", refusal.status, error=refusal.message)
    return see_other(f"{DATA_EXPORT_PAGE}/{reply.export.id}")


async def data_export_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    export = await export_of(request, person)
    if export is None or export.scope != export_pb.AUDIT_EXPORT_SCOPE_ORGANIZATION:
        return portal_page(request, person, "not_found.html", "organization", 404)
    shown = export_view(export)
    return portal_page(
        request, person, "data_export.html", "organization", export=shown, poll_url=f"{EXPORTS}/{export.id}"
    )
