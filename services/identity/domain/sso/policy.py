""" "SSO required": password sign-in refused for an organization's members except its named break-glass Owners
(at least one stays able to sign in); switching it on ends the others' password sessions at once (the
revocation feed makes every service refuse them within seconds)."""

from __future__ import annotations

from dataclasses import replace

from services.common.clock import Clock
from services.common.errors import Aborted, FailedPrecondition, FieldViolation, InvalidArgument, PreconditionViolation
from services.common.permissions import SECURITY_MANAGE
from services.common.principal import Principal
from services.identity.domain.events import SessionEnded
from services.identity.domain.sso.events import SsoPolicyUpdated
from services.identity.domain.sso.model import SsoPolicy
from services.identity.domain.sso.ports import SsoStore

MAX_BREAK_GLASS = 10


def password_allowed(policy: SsoPolicy, account_id: str) -> bool:
    return not policy.sso_required or account_id in policy.break_glass_account_ids


class SsoPolicyUseCases:
    def __init__(self, store: SsoStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def get(self, principal: Principal) -> SsoPolicy:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        async with self._store.read() as tx:
            return await tx.get_sso_policy(principal.organization_id)

    async def update(
        self, principal: Principal, sso_required: bool, break_glass_account_ids: list[str], expected_version: int
    ) -> tuple[SsoPolicy, int]:
        organization_id = principal.organization_id
        principal.authorize(SECURITY_MANAGE, organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        accounts = tuple(sorted({a.strip()[:36] for a in break_glass_account_ids if a.strip()}))
        if len(accounts) > MAX_BREAK_GLASS:
            raise InvalidArgument(
                f"At most {MAX_BREAK_GLASS} break-glass Owners.",
                [FieldViolation("break_glass_account_ids", "too many")],
            )
        async with self._store.write() as tx:
            before = await tx.get_sso_policy(organization_id)
            if expected_version != before.version:
                raise Aborted("The SSO policy changed since you read it; reload and try again.", reason="ETAG_MISMATCH")
            for account_id in accounts:
                membership = await tx.get_membership(organization_id, account_id)
                if membership is None or membership.status != "active" or SECURITY_MANAGE not in membership.permissions:
                    raise FailedPrecondition(
                        "Break-glass accounts must be active Owners of the organization.",
                        [PreconditionViolation("BREAK_GLASS", account_id, "not an active Owner")],
                    )
            if sso_required and not accounts:
                raise FailedPrecondition(
                    "Name at least one break-glass Owner who can still sign in with a password.",
                    [PreconditionViolation("BREAK_GLASS", organization_id, "none named")],
                    reason="BREAK_GLASS_REQUIRED",
                )
            after = replace(
                before, sso_required=sso_required, break_glass_account_ids=accounts, version=before.version + 1
            )
            if not await tx.save_sso_policy(after, before.version):
                raise Aborted("The SSO policy changed at the same time; try again.", reason="CONCURRENT_UPDATE")
            ended = 0
            if after.sso_required:
                for session in await tx.password_sessions(organization_id, now):
                    if session.account_id in accounts:
                        continue
                    if await tx.revoke_session(session.id, now):
                        await tx.record_events(SessionEnded(principal, now, session, "sso_required"))
                        ended += 1
            await tx.record_events(SsoPolicyUpdated(principal, now, before, after, ended))
        return after, ended
