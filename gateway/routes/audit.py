"""REST routes of the audit log: search, export, checkpoints and the public key set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from starlette.responses import Response, StreamingResponse
from tenantry.audit.v1 import audit_service_pb2 as audit_pb

from gateway import convert
from gateway.models.audit import AuditSearchQuery, CheckpointKeySet, CheckpointList
from gateway.models.members import AuditEntryList
from gateway.routing import ApiRoute, Context, equality_filter


def _stamp(value: Any) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _precise(stamp: Timestamp) -> str | None:
    """Full precision: a key's validity is compared with signing times to the microsecond."""
    if stamp.seconds == 0 and stamp.nanos == 0:
        return None
    return stamp.ToDatetime(tzinfo=UTC).isoformat()


async def list_audit_entries(context: Context) -> AuditEntryList:
    query = context.params_as(AuditSearchQuery)
    reply = await context.call(
        context.clients.audit.ListAuditEntries,
        audit_pb.ListAuditEntriesRequest(
            organization_id=context.organization_id,
            page_size=query.page_size or 0,
            page_token=query.page_token or "",
            filter=equality_filter(
                {
                    "action": query.action,
                    "actor_id": query.actor_id,
                    "target_id": query.target_id,
                    "actor_ip": query.actor_ip,
                }
            ),
            start_time=_stamp(query.start_time),
            end_time=_stamp(query.end_time),
            action_prefix=query.action_prefix or "",
            text=query.text or "",
        ),
    )
    return AuditEntryList.model_validate(
        {"entries": [convert.audit_entry(e) for e in reply.entries], "next_page_token": reply.next_page_token}
    )


async def list_checkpoints(context: Context) -> CheckpointList:
    reply = await context.call(
        context.clients.audit.ListCheckpoints,
        audit_pb.ListCheckpointsRequest(organization_id=context.organization_id),
    )
    return CheckpointList.model_validate(
        {
            "checkpoints": [
                {
                    "organization_id": c.organization_id,
                    "sequence": c.sequence,
                    "hash": c.hash,
                    "sign_time": _precise(c.sign_time),
                    "key_id": c.key_id,
                    "previous_signature": c.previous_signature,
                    "signature": c.signature,
                }
                for c in reply.checkpoints
            ]
        }
    )


async def checkpoint_key_set(context: Context) -> CheckpointKeySet:
    reply = await context.clients.audit.GetCheckpointKeySet(
        audit_pb.GetCheckpointKeySetRequest(), timeout=context.clients.timeout
    )
    return CheckpointKeySet.model_validate(
        {
            "keys": [
                {
                    "key_id": k.key_id,
                    "algorithm": k.algorithm,
                    "public_key": k.public_key,
                    "valid_from": _precise(k.valid_from),
                    "valid_until": _precise(k.valid_until),
                }
                for k in reply.keys
            ]
        }
    )


async def export_log(context: Context) -> Response:
    # The first page is read before answering, so a refusal (no audit.read) is still a problem+json answer.
    first = await _export_page(context, "")

    async def body() -> AsyncIterator[bytes]:
        page = first
        yield page.data
        while page.next_page_token:
            page = await _export_page(context, page.next_page_token)
            yield page.data

    return StreamingResponse(
        body(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="audit-log.jsonl"'},
    )


async def _export_page(context: Context, page_token: str) -> audit_pb.ExportLogResponse:
    return await context.call(
        context.clients.audit.ExportLog,
        audit_pb.ExportLogRequest(organization_id=context.organization_id, page_token=page_token),
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/audit/entries",
        list_audit_entries,
        "Search the audit log, newest first (audit.read): exact action or a prefix (`member.`), actor, actor IP, "
        "target, time range, free text in the details; page tokens stay valid while entries are appended.",
        query=AuditSearchQuery,
        response=AuditEntryList,
    ),
    ApiRoute(
        "GET",
        "/v1/audit/export",
        export_log,
        "The whole audit log as JSON lines, oldest first, then its signed checkpoints, streamed (audit.read); "
        "with the key set, `tenantry audit verify --file` checks it offline.",
        response_media=("application/x-ndjson",),
    ),
    ApiRoute(
        "GET",
        "/v1/audit/checkpoints",
        list_checkpoints,
        "The signed checkpoints of the organization's audit chain, oldest first (audit.read).",
        response=CheckpointList,
    ),
    ApiRoute(
        "GET",
        "/v1/audit/checkpoint-keys",
        checkpoint_key_set,
        "The public Ed25519 keys that sign audit checkpoints, current and retired, with their validity (public).",
        authenticated=False,
        response=CheckpointKeySet,
    ),
)
