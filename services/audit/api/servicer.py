"""AuditService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import json

import grpc
from google.protobuf import struct_pb2
from tenantry.audit.v1 import audit_service_pb2 as pb
from tenantry.audit.v1 import audit_service_pb2_grpc as pb_grpc
from tenantry.common.v1 import common_pb2

from services.audit.domain.model import AuditEntry
from services.audit.domain.ports import EntryQuery
from services.audit.domain.use_cases import AuditUseCases
from services.common.filters import parse_equality_filter
from services.common.messaging import ACTOR_TYPES, timestamp
from services.common.pagination import PageTokens, page_size, split_page
from services.common.principal import current_call


def entry_to_proto(entry: AuditEntry) -> pb.AuditEntry:
    record = entry.record
    return pb.AuditEntry(
        id=record.id,
        organization_id=record.organization_id,
        action=record.action,
        actor=common_pb2.Actor(
            type=ACTOR_TYPES.get(record.actor_type, common_pb2.ACTOR_TYPE_UNSPECIFIED),
            id=record.actor_id,
            display=record.actor_display,
            ip_address=record.actor_ip,
            user_agent=record.actor_user_agent,
        ),
        target_type=record.target_type,
        target_id=record.target_id,
        target_display=record.target_display,
        occur_time=timestamp(record.occurred_at),
        request_id=record.request_id,
        sequence=entry.sequence,
        hash=entry.hash,
        details=_struct(record.details),
    )


def _struct(details: str) -> struct_pb2.Struct | None:
    if not details:
        return None
    value = struct_pb2.Struct()
    value.update(json.loads(details))
    return value


class AuditServicer(pb_grpc.AuditServiceServicer):
    def __init__(self, use_cases: AuditUseCases, page_tokens: PageTokens):
        self._use_cases = use_cases
        self._page_tokens = page_tokens

    async def ListAuditEntries(
        self, request: pb.ListAuditEntriesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListAuditEntriesResponse:
        principal = current_call().require_principal()
        filters = parse_equality_filter(request.filter, {"action", "actor_id", "target_id"})
        scope = f"audit:{request.organization_id}:{request.filter}"
        position = self._page_tokens.decode(scope, request.page_token)
        limit = page_size(request.page_size)
        entries = await self._use_cases.list_entries(
            principal,
            EntryQuery(
                organization_id=request.organization_id,
                limit=limit + 1,
                before_sequence=int(position["sequence"]) if position else None,
                action=filters.get("action"),
                actor_id=filters.get("actor_id"),
                target_id=filters.get("target_id"),
            ),
        )
        page, next_token = split_page(entries, limit, self._page_tokens, scope, lambda e: {"sequence": e.sequence})
        return pb.ListAuditEntriesResponse(entries=[entry_to_proto(e) for e in page], next_page_token=next_token)

    async def VerifyChain(
        self, request: pb.VerifyChainRequest, context: grpc.aio.ServicerContext
    ) -> pb.VerifyChainResponse:
        verdict = await self._use_cases.verify_chain(current_call().require_principal(), request.organization_id)
        return pb.VerifyChainResponse(
            intact=verdict.intact,
            entries_checked=verdict.entries_checked,
            first_broken_sequence=verdict.first_broken_sequence or 0,
        )
