"""REST route of the audit log."""

from __future__ import annotations

from tenantry.audit.v1 import audit_service_pb2 as audit_pb

from gateway import convert
from gateway.models.members import AuditEntryList, AuditQuery
from gateway.routing import ApiRoute, Context, equality_filter


async def list_audit_entries(context: Context) -> AuditEntryList:
    query = context.params_as(AuditQuery)
    reply = await context.call(
        context.clients.audit.ListAuditEntries,
        audit_pb.ListAuditEntriesRequest(
            organization_id=context.organization_id,
            page_size=query.page_size or 0,
            page_token=query.page_token or "",
            filter=equality_filter({"action": query.action, "actor_id": query.actor_id, "target_id": query.target_id}),
        ),
    )
    return AuditEntryList.model_validate(
        {"entries": [convert.audit_entry(e) for e in reply.entries], "next_page_token": reply.next_page_token}
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/audit/entries",
        list_audit_entries,
        "Search the audit log, newest first (audit.read).",
        query=AuditQuery,
        response=AuditEntryList,
    ),
)
