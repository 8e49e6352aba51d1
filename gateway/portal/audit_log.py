"""Audit log: entries newest first with filters, each entry's details (before and after), whether the
organization's hash chain verifies, and the form that asks for an export (gateway/portal/audit_exports.py)."""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.audit.v1 import audit_service_pb2 as audit_pb

from gateway import convert
from gateway.auth import Caller
from gateway.portal.audit_exports import AUDIT_EXPORTS_PAGE, export_request, recent_exports
from gateway.portal.shared import (
    SignedIn,
    call,
    checked_form,
    page_refusal,
    portal_page,
    query_field,
    refusal_of,
    see_other,
    services,
    signed_in,
    to_sign_in,
)
from gateway.routing import equality_filter

AUDIT_PAGE = "/portal/audit"
FILTERS = ("action", "actor_id", "target_id")
MAX_FILTER = 200


async def chain_verification(request: Request, caller: Caller) -> audit_pb.VerifyChainResponse | None:
    """The chain's verification when this person may ask for it (operators: an organization's own admins do
    not vouch for their log), else None and the page says nothing about it."""
    try:
        return await call(
            request,
            services(request).audit.VerifyChain,
            audit_pb.VerifyChainRequest(organization_id=caller.organization_id),
            caller,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() != grpc.StatusCode.PERMISSION_DENIED:
            raise
        return None


async def audit_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await render_audit(request, person)


async def render_audit(request: Request, person: SignedIn, status: int = 200, export_error: str = "") -> Response:
    """The log's page; `export_error` is why an export just asked for was refused (shown by its form)."""
    caller, audit = person.caller, services(request).audit
    filters = {name: query_field(request, name, MAX_FILTER) for name in FILTERS}
    page_token = query_field(request, "page_token", 2048)
    error = ""
    try:
        reply = await call(
            request,
            audit.ListAuditEntries,
            audit_pb.ListAuditEntriesRequest(
                organization_id=caller.organization_id,
                page_size=50,
                page_token=page_token,
                filter=equality_filter({name: value or None for name, value in filters.items()}),
            ),
            caller,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
            return portal_page(request, person, "forbidden.html", "audit", 403)
        if exc.code() != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        reply, error = audit_pb.ListAuditEntriesResponse(), refusal_of(exc).message
    verification = await chain_verification(request, caller)
    return portal_page(
        request,
        person,
        "audit.html",
        "audit",
        status,
        entries=[convert.audit_entry(entry) for entry in reply.entries],
        filters=filters,
        next_page_token=reply.next_page_token,
        page_token=page_token,
        verification=verification,
        error=error,
        exports=await recent_exports(request, caller),
        export_error=export_error,
    )


async def start_export(request: Request) -> Response:
    """The export form: the new export's progress page, or this page with the refusal by the form."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render_audit(request, person, 403, "This request did not come from this site.")
    try:
        reply = await call(
            request,
            services(request).audit_exports.CreateAuditExport,
            export_request(person.caller.organization_id, form),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render_audit(request, person, refusal.status, refusal.message)
    return see_other(f"{AUDIT_EXPORTS_PAGE}/{reply.export.id}")
