"""What membership declares about Idempotency-Keys on its RPCs (see services.common.idempotency.IdempotencyRules)."""

from __future__ import annotations

from services.common.idempotency import IdempotencyRules

IDEMPOTENCY_RULES = IdempotencyRules(
    # Batch RPCs whose use case keeps its answer under the key (with the request's fingerprint) in its own
    # transactions; each invitee is settled on its own, so a second row per call would only add transactions.
    settled_by_use_case=frozenset({"/tenantry.membership.v1.MembershipService/InviteMembers"}),
)
