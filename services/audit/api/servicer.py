"""AuditService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import grpc
from google.protobuf import struct_pb2
from tenantry.audit.v1 import audit_service_pb2 as pb
from tenantry.audit.v1 import audit_service_pb2_grpc as pb_grpc
from tenantry.common.v1 import common_pb2

from services.audit.domain.checkpointing import Checkpointing
from services.audit.domain.checkpoints import Checkpoint
from services.audit.domain.model import AuditEntry
from services.audit.domain.ports import EntryQuery
from services.audit.domain.use_cases import AuditUseCases
from services.common.errors import FieldViolation, InvalidArgument
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


ACTION_PREFIX = re.compile(r"[a-z0-9._]{1,100}")
MAX_TEXT = 200


def checkpoint_to_proto(checkpoint: Checkpoint) -> pb.Checkpoint:
    return pb.Checkpoint(
        organization_id=checkpoint.organization_id,
        sequence=checkpoint.sequence,
        hash=checkpoint.hash,
        sign_time=timestamp(checkpoint.signed_at),
        key_id=checkpoint.key_id,
        previous_signature=checkpoint.previous_signature,
        signature=checkpoint.signature,
    )


@dataclass(frozen=True)
class Search:
    start: datetime | None
    end: datetime | None
    action_prefix: str | None
    text: str | None


def _search_fields(request: pb.ListAuditEntriesRequest) -> Search:
    """The typed search fields, checked: a bad one is refused with the field named, never trimmed."""
    violations: list[FieldViolation] = []
    if request.action_prefix and not ACTION_PREFIX.fullmatch(request.action_prefix):
        violations.append(FieldViolation("action_prefix", "1 to 100 of a-z, 0-9, '.', '_'"))
    if len(request.text) > MAX_TEXT:
        violations.append(FieldViolation("text", f"at most {MAX_TEXT} characters"))
    start = request.start_time.ToDatetime(tzinfo=UTC) if request.HasField("start_time") else None
    end = request.end_time.ToDatetime(tzinfo=UTC) if request.HasField("end_time") else None
    if start and end and end <= start:
        violations.append(FieldViolation("end_time", "must be after start_time"))
    if violations:
        raise InvalidArgument("The search is not valid.", violations)
    return Search(start, end, request.action_prefix or None, request.text or None)


def _scope(request: pb.ListAuditEntriesRequest) -> str:
    """A page token belongs to one query: the organization and every search field."""
    parts = [
        request.organization_id,
        request.filter,
        request.start_time.ToJsonString() if request.HasField("start_time") else "",
        request.end_time.ToJsonString() if request.HasField("end_time") else "",
        request.action_prefix,
        request.text,
    ]
    return "audit:" + json.dumps(parts)


class AuditServicer(pb_grpc.AuditServiceServicer):
    def __init__(self, use_cases: AuditUseCases, page_tokens: PageTokens, checkpointing: Checkpointing):
        self._use_cases = use_cases
        self._page_tokens = page_tokens
        self._checkpointing = checkpointing

    async def ListAuditEntries(
        self, request: pb.ListAuditEntriesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListAuditEntriesResponse:
        principal = current_call().require_principal()
        filters = parse_equality_filter(request.filter, {"action", "actor_id", "target_id", "actor_ip"})
        search = _search_fields(request)
        scope = _scope(request)
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
                actor_ip=filters.get("actor_ip"),
                start=search.start,
                end=search.end,
                action_prefix=search.action_prefix,
                text=search.text,
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
            checkpoints_checked=verdict.checkpoints_checked,
            reason=verdict.reason,
        )

    async def ListCheckpoints(
        self, request: pb.ListCheckpointsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListCheckpointsResponse:
        found = await self._use_cases.checkpoints(current_call().require_principal(), request.organization_id)
        return pb.ListCheckpointsResponse(checkpoints=[checkpoint_to_proto(c) for c in found])

    async def GetCheckpointKeySet(
        self, request: pb.GetCheckpointKeySetRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetCheckpointKeySetResponse:
        keys = await self._checkpointing.key_set()
        return pb.GetCheckpointKeySetResponse(
            keys=[
                pb.CheckpointKey(
                    key_id=key.key_id,
                    algorithm="Ed25519",
                    public_key=key.public_key,
                    valid_from=timestamp(key.valid_from),
                    valid_until=timestamp(key.valid_until) if key.valid_until else None,
                )
                for key in keys
            ]
        )

    async def ExportLog(self, request: pb.ExportLogRequest, context: grpc.aio.ServicerContext) -> pb.ExportLogResponse:
        scope = f"audit-export:{request.organization_id}"
        position = self._page_tokens.decode(scope, request.page_token)
        page = await self._use_cases.export_page(
            current_call().require_principal(),
            request.organization_id,
            int(position["sequence"]) if position else 0,
        )
        next_token = "" if page.done else self._page_tokens.encode(scope, {"sequence": page.last_sequence})
        return pb.ExportLogResponse(data=page.data, next_page_token=next_token)
