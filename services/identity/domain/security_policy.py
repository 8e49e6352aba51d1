"""Reading and changing an organization's security policy, and the password rules it sets for a person.
The policy's own rules (defaults, validation, password checks) are pure and live in policies.py."""

from __future__ import annotations

import json

from services.common.clock import Clock
from services.common.errors import Aborted, FieldViolation, InvalidArgument, NotFound
from services.common.permissions import PLATFORM_ADMIN, SECURITY_MANAGE
from services.common.principal import Principal
from services.identity.domain import passwords
from services.identity.domain.events import SecurityPolicyUpdated
from services.identity.domain.policies import SecurityPolicy, apply_changes, check_password, is_admin, strictest
from services.identity.domain.ports import IdentityStore, IdentityTransaction


class SecurityPolicyUseCases:
    def __init__(self, store: IdentityStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def get_policy(self, principal: Principal, organization_id: str) -> SecurityPolicy:
        """Anyone acting in the organization may read its policy: the product needs privacy mode."""
        if PLATFORM_ADMIN not in principal.permissions and (
            not organization_id or organization_id != principal.organization_id
        ):
            raise NotFound("No such organization.")
        async with self._store.read() as tx:
            return await tx.get_policy(organization_id)

    async def update_policy(
        self,
        principal: Principal,
        organization_id: str,
        changes: dict[str, object],
        *,
        etag: str = "",
        idempotency_key: str = "",
    ) -> SecurityPolicy:
        principal.authorize(SECURITY_MANAGE, organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        if not changes:
            raise InvalidArgument("Name at least one field to change.", [FieldViolation("update_mask", "not empty")])
        async with self._store.write() as tx:
            if idempotency_key:
                stored = await tx.load_idempotent(organization_id, "UpdateSecurityPolicy", idempotency_key)
                if stored is not None:
                    return await tx.get_policy(organization_id)
            before = await tx.get_policy(organization_id)
            if etag and etag != before.etag:
                raise Aborted("The policy changed since you read it; reload and try again.", reason="ETAG_MISMATCH")
            after = apply_changes(before, changes, now)
            if not await tx.save_policy(after, before.version):
                raise Aborted("The policy changed at the same time; try again.", reason="CONCURRENT_UPDATE")
            await tx.record_events(SecurityPolicyUpdated(principal, now, before, after))
            if idempotency_key:
                await tx.save_idempotent(
                    organization_id,
                    "UpdateSecurityPolicy",
                    idempotency_key,
                    json.dumps({"version": after.version}).encode(),
                )
        return after


async def password_policy_for(tx: IdentityTransaction, account_id: str) -> tuple[SecurityPolicy, bool]:
    """The rules a person's new password must meet: the strictest of their organizations', and whether they
    are an admin anywhere (admins need longer passwords)."""
    memberships = await tx.active_memberships(account_id)
    policies = [await tx.get_policy(m.organization_id) for m in memberships]
    return strictest(policies), any(is_admin(m.permissions) for m in memberships)


def check_new_password(password: str, policy: SecurityPolicy, email: str, admin: bool) -> None:
    passwords.check_password_rules(password)
    check_password(password, policy, email=email, admin=admin)
