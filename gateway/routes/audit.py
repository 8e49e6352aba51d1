"""REST routes: The audit log."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from tenantry.audit.v1 import audit_service_pb2 as audit_pb

from gateway import convert
from gateway.routing import (
    PAGE_QUERY,
    ApiRoute,
    Context,
    equality_filter,
    page_size_of,
)


async def list_audit_entries(context: Context) -> Response:
    reply = await context.call(
        context.clients.audit.ListAuditEntries,
        audit_pb.ListAuditEntriesRequest(
            organization_id=context.organization_id,
            page_size=page_size_of(context),
            page_token=context.query("page_token"),
            filter=equality_filter({k: context.query(k) for k in ("action", "actor_id", "target_id")}),
        ),
    )
    return JSONResponse(
        {"entries": [convert.audit_entry(e) for e in reply.entries], "next_page_token": reply.next_page_token}
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/audit/entries",
        list_audit_entries,
        "Search the audit log, newest first (audit.read).",
        query=(("action", "string"), ("actor_id", "string"), ("target_id", "string"), *PAGE_QUERY),
    ),
)
