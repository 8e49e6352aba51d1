"""Answers of finished requests, kept under the caller's request id so that a retried call gets the first
answer and changes nothing twice. Every operation keeps its answer the same way: one JSON object, members in
it as full snapshots, other entities by id. Only a final answer is kept: a batch in which an item failed for a
passing reason (billing unreachable, a concurrent change) is not, so its retry tries those items again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.membership.domain.model import InviteOutcome, Member, MemberStatus
from services.membership.domain.ports import MembershipTransaction

Answer = dict[str, Any]


@dataclass(frozen=True)
class Replay:
    """Where one request's answer is kept: its organization ("" for platform calls), operation and request id.
    Without a request id nothing is kept nor found. With the request's `fingerprint` (a caller's Idempotency-Key
    on an RPC its use case settles), an answer kept for another request is refused, not replayed."""

    scope: str
    operation: str
    idempotency_key: str
    fingerprint: str = ""

    async def answer(self, tx: MembershipTransaction) -> Answer | None:
        if not self.idempotency_key:
            return None
        stored = await tx.load_idempotent(self.scope, self.operation, self.idempotency_key, self.fingerprint)
        return None if stored is None else json.loads(stored)

    async def keep(self, tx: MembershipTransaction, answer: Answer) -> None:
        if self.idempotency_key:
            encoded = json.dumps(answer, sort_keys=True).encode()
            await tx.save_idempotent(self.scope, self.operation, self.idempotency_key, encoded, self.fingerprint)


def member_to_json(member: Member) -> Answer:
    return {
        "id": member.id,
        "organization_id": member.organization_id,
        "account_id": member.account_id,
        "email": member.email,
        "display_name": member.display_name,
        "role": member.role,
        "status": member.status.value,
        "created_at": member.created_at.isoformat(),
        "updated_at": member.updated_at.isoformat(),
        "version": member.version,
        "custom_role_permissions": sorted(member.custom_role_permissions)
        if member.custom_role_permissions is not None
        else None,
        "seat": member.seat,
    }


def member_from_json(data: Answer) -> Member:
    permissions = data.get("custom_role_permissions")
    return Member(
        id=data["id"],
        organization_id=data["organization_id"],
        account_id=data["account_id"],
        email=data["email"],
        display_name=data["display_name"],
        role=data["role"],
        status=MemberStatus(data["status"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
        version=data["version"],
        custom_role_permissions=frozenset(permissions) if permissions is not None else None,
        seat=data.get("seat"),
    )


def outcome_to_json(outcome: InviteOutcome) -> Answer:
    return {
        "email": outcome.email,
        "member": member_to_json(outcome.member) if outcome.member else None,
        "error_reason": outcome.error_reason,
        "error_message": outcome.error_message,
    }


def outcome_from_json(data: Answer) -> InviteOutcome:
    member = member_from_json(data["member"]) if data["member"] else None
    return InviteOutcome(data["email"], member, data["error_reason"], data["error_message"])


def all_final(outcomes: list[InviteOutcome]) -> bool:
    """No item failed for a passing reason: the batch's answer may be kept."""
    return not any(outcome.retryable for outcome in outcomes)
