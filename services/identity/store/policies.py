"""Organizations' security policies, stored as one JSON document each with a version for compare-and-set."""

from __future__ import annotations

import json

from sqlalchemy import Row, insert, select, update

from services.identity.domain.policies import SecurityPolicy
from services.identity.store.queries import Queries
from services.identity.store.tables import security_policies

# Columns of their own, not part of the JSON document.
_BOOKKEEPING = frozenset({"organization_id", "version", "updated_at"})


def _policy(organization_id: str, row: Row | None) -> SecurityPolicy:
    if row is None:
        return SecurityPolicy(organization_id)
    values = json.loads(row.policy)
    values["allowed_invitation_domains"] = tuple(values.get("allowed_invitation_domains", ()))
    known = SecurityPolicy.__dataclass_fields__
    return SecurityPolicy(
        organization_id,
        **{k: v for k, v in values.items() if k in known},
        version=row.version,
        updated_at=row.updated_at,
    )


class PolicyQueries(Queries):
    async def get_policy(self, organization_id: str) -> SecurityPolicy:
        row = await self._one(select(security_policies).where(security_policies.c.organization_id == organization_id))
        return _policy(organization_id, row)

    async def save_policy(self, policy: SecurityPolicy, expected_version: int) -> bool:
        """Store the policy if nobody changed it since `expected_version` (compare and set)."""
        document = {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in vars(policy).items()
            if name not in _BOOKKEEPING
        }
        values = {"policy": json.dumps(document, sort_keys=True), "version": policy.version}
        if expected_version == 0:
            existing = await self._one(
                select(security_policies.c.version).where(security_policies.c.organization_id == policy.organization_id)
            )
            if existing is not None:
                return False
            await self.connection.execute(
                insert(security_policies).values(
                    organization_id=policy.organization_id, updated_at=policy.updated_at, **values
                )
            )
            return True
        result = await self.connection.execute(
            update(security_policies)
            .where(
                security_policies.c.organization_id == policy.organization_id,
                security_policies.c.version == expected_version,
            )
            .values(updated_at=policy.updated_at, **values)
        )
        return bool(result.rowcount)
