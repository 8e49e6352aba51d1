"""Identity's queries. The only place with SQL for this service."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Row, delete, func, insert, select, update
from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock
from services.common.db import Database
from services.common.messaging import Outbox
from services.common.projections import upsert_if_newer
from services.common.store import OutboxStore, OutboxTransaction
from services.identity.domain.events import DomainEvent
from services.identity.domain.lockout import FailureState
from services.identity.domain.model import (
    Account,
    ApiKey,
    Membership,
    MfaChallenge,
    PasswordReset,
    Session,
    TotpFactor,
)
from services.identity.domain.policies import SecurityPolicy
from services.identity.store.tables import (
    accounts,
    api_keys,
    idempotency_keys,
    login_failures,
    memberships,
    mfa_challenges,
    password_resets,
    recovery_codes,
    security_policies,
    sessions,
    totp_factors,
)


def _account(row: Row) -> Account:
    return Account(row.id, row.email, row.display_name, row.password_hash, row.status, row.created_at)


def _session(row: Row) -> Session:
    return Session(
        id=row.id,
        token_hash=row.token_hash,
        account_id=row.account_id,
        organization_id=row.organization_id,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        ip_address=row.ip_address,
        user_agent=row.user_agent,
        authenticated_at=row.authenticated_at,
        rotate_required=bool(row.rotate_required),
        mfa_enrollment_required=bool(row.mfa_enrollment_required),
        method=row.method,
    )


def _api_key(row: Row) -> ApiKey:
    return ApiKey(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        prefix=row.prefix,
        secret_hash=row.secret_hash,
        permissions=frozenset(json.loads(row.permissions)),
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
        kind=row.kind,
    )


def _membership(row: Row) -> Membership:
    return Membership(
        row.organization_id,
        row.member_id,
        row.account_id,
        frozenset(json.loads(row.permissions)),
        row.status,
        row.version,
    )


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


class SqlIdentityTransaction(OutboxTransaction):
    idempotency_keys = idempotency_keys

    async def _one(self, statement) -> Row | None:  # type: ignore[no-untyped-def]
        return (await self.connection.execute(statement)).first()

    async def find_account_by_email(self, email: str) -> Account | None:
        row = await self._one(select(accounts).where(accounts.c.email == email))
        return _account(row) if row else None

    async def get_account(self, account_id: str) -> Account | None:
        row = await self._one(select(accounts).where(accounts.c.id == account_id))
        return _account(row) if row else None

    async def insert_account(self, account: Account) -> None:
        await self.connection.execute(
            insert(accounts).values(
                id=account.id,
                email=account.email,
                display_name=account.display_name,
                password_hash=account.password_hash,
                status=account.status,
                created_at=account.created_at,
            )
        )

    async def update_password_hash(self, account_id: str, password_hash: str) -> None:
        await self.connection.execute(
            update(accounts).where(accounts.c.id == account_id).values(password_hash=password_hash)
        )

    async def insert_session(self, session: Session) -> None:
        await self.connection.execute(
            insert(sessions).values(
                id=session.id,
                token_hash=session.token_hash,
                account_id=session.account_id,
                organization_id=session.organization_id,
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
                expires_at=session.expires_at,
                revoked_at=session.revoked_at,
                ip_address=session.ip_address,
                user_agent=session.user_agent,
                authenticated_at=session.authenticated_at,
                rotate_required=session.rotate_required,
                mfa_enrollment_required=session.mfa_enrollment_required,
                method=session.method,
            )
        )

    async def find_session_by_token_hash(self, token_hash: str) -> Session | None:
        row = await self._one(select(sessions).where(sessions.c.token_hash == token_hash))
        return _session(row) if row else None

    async def get_session(self, session_id: str) -> Session | None:
        row = await self._one(select(sessions).where(sessions.c.id == session_id))
        return _session(row) if row else None

    async def touch_session(self, session_id: str, seen_at: datetime) -> None:
        await self.connection.execute(update(sessions).where(sessions.c.id == session_id).values(last_seen_at=seen_at))

    async def revoke_session(self, session_id: str, revoked_at: datetime) -> bool:
        result = await self.connection.execute(
            update(sessions)
            .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
            .values(revoked_at=revoked_at)
        )
        return bool(result.rowcount)

    async def insert_api_key(self, api_key: ApiKey) -> None:
        await self.connection.execute(
            insert(api_keys).values(
                id=api_key.id,
                organization_id=api_key.organization_id,
                name=api_key.name,
                prefix=api_key.prefix,
                secret_hash=api_key.secret_hash,
                permissions=json.dumps(sorted(api_key.permissions)),
                created_by=api_key.created_by,
                created_at=api_key.created_at,
                expires_at=api_key.expires_at,
                kind=api_key.kind,
            )
        )

    async def find_api_key_by_prefix(self, prefix: str) -> ApiKey | None:
        row = await self._one(select(api_keys).where(api_keys.c.prefix == prefix))
        return _api_key(row) if row else None

    async def get_api_key(self, organization_id: str, api_key_id: str) -> ApiKey | None:
        row = await self._one(
            select(api_keys).where(api_keys.c.organization_id == organization_id, api_keys.c.id == api_key_id)
        )
        return _api_key(row) if row else None

    async def touch_api_key(self, api_key_id: str, used_at: datetime) -> None:
        await self.connection.execute(update(api_keys).where(api_keys.c.id == api_key_id).values(last_used_at=used_at))

    async def active_memberships(self, account_id: str) -> list[Membership]:
        rows = await self.connection.execute(
            select(memberships)
            .where(memberships.c.account_id == account_id, memberships.c.status == "active")
            .order_by(memberships.c.member_id)
        )
        return [_membership(row) for row in rows]

    async def get_membership(self, organization_id: str, account_id: str) -> Membership | None:
        row = await self._one(
            select(memberships).where(
                memberships.c.organization_id == organization_id, memberships.c.account_id == account_id
            )
        )
        return _membership(row) if row else None

    async def open_sessions(self, account_id: str, organization_id: str, now: datetime) -> list[Session]:
        rows = await self.connection.execute(
            select(sessions)
            .where(
                sessions.c.account_id == account_id,
                sessions.c.organization_id == organization_id,
                sessions.c.revoked_at.is_(None),
                sessions.c.expires_at > now,
            )
            .order_by(sessions.c.created_at.desc())
            .limit(500)
        )
        return [_session(row) for row in rows]

    async def revoke_sessions(
        self, account_id: str, organization_id: str | None, now: datetime, keep_session_id: str = ""
    ) -> list[Session]:
        """End every open session of the account (in one organization, or everywhere); returns those ended."""
        conditions = [sessions.c.account_id == account_id, sessions.c.revoked_at.is_(None)]
        if organization_id is not None:
            conditions.append(sessions.c.organization_id == organization_id)
        if keep_session_id:
            conditions.append(sessions.c.id != keep_session_id)
        rows = (await self.connection.execute(select(sessions).where(*conditions))).all()
        if rows:
            await self.connection.execute(
                update(sessions).where(sessions.c.id.in_([r.id for r in rows])).values(revoked_at=now)
            )
        return [_session(row) for row in rows]

    async def require_session_rotation(self, account_id: str, organization_id: str) -> None:
        await self.connection.execute(
            update(sessions)
            .where(
                sessions.c.account_id == account_id,
                sessions.c.organization_id == organization_id,
                sessions.c.revoked_at.is_(None),
            )
            .values(rotate_required=True)
        )

    async def get_policy(self, organization_id: str) -> SecurityPolicy:
        row = await self._one(select(security_policies).where(security_policies.c.organization_id == organization_id))
        return _policy(organization_id, row)

    async def save_policy(self, policy: SecurityPolicy, expected_version: int) -> bool:
        """Store the policy if nobody changed it since `expected_version` (compare and set)."""
        document = {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in vars(policy).items()
            if name not in {"organization_id", "version", "updated_at"}
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

    async def get_totp(self, account_id: str) -> TotpFactor | None:
        row = await self._one(select(totp_factors).where(totp_factors.c.account_id == account_id))
        if row is None:
            return None
        return TotpFactor(row.account_id, row.secret, row.created_at, row.confirmed_at, row.last_used_step)

    async def save_totp(self, factor: TotpFactor) -> None:
        await self.connection.execute(delete(totp_factors).where(totp_factors.c.account_id == factor.account_id))
        await self.connection.execute(
            insert(totp_factors).values(
                account_id=factor.account_id,
                secret=factor.secret,
                created_at=factor.created_at,
                confirmed_at=factor.confirmed_at,
                last_used_step=factor.last_used_step,
            )
        )

    async def use_totp_step(self, account_id: str, step: int) -> bool:
        """Record an accepted code's step; False when an equal or later step was already used (a replay)."""
        result = await self.connection.execute(
            update(totp_factors)
            .where(
                totp_factors.c.account_id == account_id,
                (totp_factors.c.last_used_step.is_(None)) | (totp_factors.c.last_used_step < step),
            )
            .values(last_used_step=step)
        )
        return bool(result.rowcount)

    async def delete_totp(self, account_id: str) -> None:
        await self.connection.execute(delete(totp_factors).where(totp_factors.c.account_id == account_id))
        await self.connection.execute(delete(recovery_codes).where(recovery_codes.c.account_id == account_id))

    async def replace_recovery_codes(self, account_id: str, code_hashes: list[str]) -> None:
        await self.connection.execute(delete(recovery_codes).where(recovery_codes.c.account_id == account_id))
        if code_hashes:
            await self.connection.execute(
                insert(recovery_codes), [{"code_hash": h, "account_id": account_id} for h in code_hashes]
            )

    async def count_unused_recovery_codes(self, account_id: str) -> int:
        count = await self.connection.scalar(
            select(func.count())
            .select_from(recovery_codes)
            .where(recovery_codes.c.account_id == account_id, recovery_codes.c.used_at.is_(None))
        )
        return int(count or 0)

    async def use_recovery_code(self, account_id: str, code_hash: str, now: datetime) -> bool:
        result = await self.connection.execute(
            update(recovery_codes)
            .where(
                recovery_codes.c.code_hash == code_hash,
                recovery_codes.c.account_id == account_id,
                recovery_codes.c.used_at.is_(None),
            )
            .values(used_at=now)
        )
        return bool(result.rowcount)

    async def insert_mfa_challenge(self, challenge: MfaChallenge) -> None:
        await self.connection.execute(
            insert(mfa_challenges).values(
                id=challenge.id,
                token_hash=challenge.token_hash,
                account_id=challenge.account_id,
                organization_id=challenge.organization_id,
                created_at=challenge.created_at,
                expires_at=challenge.expires_at,
                attempts=challenge.attempts,
            )
        )

    async def find_mfa_challenge(self, token_hash: str) -> MfaChallenge | None:
        row = await self._one(select(mfa_challenges).where(mfa_challenges.c.token_hash == token_hash))
        if row is None:
            return None
        return MfaChallenge(
            row.id,
            row.token_hash,
            row.account_id,
            row.organization_id,
            row.created_at,
            row.expires_at,
            row.attempts,
            row.used_at,
        )

    async def count_mfa_attempt(self, challenge_id: str) -> None:
        await self.connection.execute(
            update(mfa_challenges)
            .where(mfa_challenges.c.id == challenge_id)
            .values(attempts=mfa_challenges.c.attempts + 1)
        )

    async def use_mfa_challenge(self, challenge_id: str, now: datetime) -> bool:
        result = await self.connection.execute(
            update(mfa_challenges)
            .where(mfa_challenges.c.id == challenge_id, mfa_challenges.c.used_at.is_(None))
            .values(used_at=now)
        )
        return bool(result.rowcount)

    async def insert_password_reset(self, reset: PasswordReset) -> None:
        await self.connection.execute(
            insert(password_resets).values(
                id=reset.id,
                token_hash=reset.token_hash,
                account_id=reset.account_id,
                created_at=reset.created_at,
                expires_at=reset.expires_at,
                requested_by=reset.requested_by,
            )
        )

    async def get_password_reset(self, reset_id: str) -> PasswordReset | None:
        row = await self._one(select(password_resets).where(password_resets.c.id == reset_id))
        if row is None:
            return None
        return PasswordReset(
            row.id, row.token_hash, row.account_id, row.created_at, row.expires_at, row.requested_by, row.used_at
        )

    async def use_password_reset(self, reset_id: str, now: datetime) -> bool:
        """Mark a reset used; False if it already was (single use, also across replicas)."""
        result = await self.connection.execute(
            update(password_resets)
            .where(password_resets.c.id == reset_id, password_resets.c.used_at.is_(None))
            .values(used_at=now)
        )
        return bool(result.rowcount)

    async def cancel_password_resets(self, account_id: str, now: datetime) -> None:
        await self.connection.execute(
            update(password_resets)
            .where(password_resets.c.account_id == account_id, password_resets.c.used_at.is_(None))
            .values(used_at=now)
        )

    async def list_api_keys(self, organization_id: str, include_inactive: bool, now: datetime) -> list[ApiKey]:
        statement = select(api_keys).where(api_keys.c.organization_id == organization_id)
        if not include_inactive:
            statement = statement.where(
                api_keys.c.revoked_at.is_(None), (api_keys.c.expires_at.is_(None)) | (api_keys.c.expires_at > now)
            )
        rows = await self.connection.execute(statement.order_by(api_keys.c.created_at.desc()).limit(1000))
        return [_api_key(row) for row in rows]

    async def revoke_api_key(self, api_key_id: str, now: datetime) -> bool:
        result = await self.connection.execute(
            update(api_keys).where(api_keys.c.id == api_key_id, api_keys.c.revoked_at.is_(None)).values(revoked_at=now)
        )
        return bool(result.rowcount)

    async def get_login_failures(self, account_id: str) -> FailureState | None:
        row = await self._one(select(login_failures).where(login_failures.c.account_id == account_id))
        if row is None:
            return None
        return FailureState(
            row.account_id, row.failures, row.window_started_at, row.locked_until, row.lockouts, row.last_failure_at
        )

    async def save_login_failures(self, state: FailureState) -> None:
        values = {
            "failures": state.failures,
            "window_started_at": state.window_started_at,
            "locked_until": state.locked_until,
            "lockouts": state.lockouts,
            "last_failure_at": state.last_failure_at,
        }
        updated = await self.connection.execute(
            update(login_failures).where(login_failures.c.account_id == state.account_id).values(**values)
        )
        if not updated.rowcount:
            await self.connection.execute(insert(login_failures).values(account_id=state.account_id, **values))

    async def clear_login_failures(self, account_id: str) -> None:
        await self.connection.execute(delete(login_failures).where(login_failures.c.account_id == account_id))

    async def upsert_membership(self, membership: Membership) -> bool:
        """Apply a member's state if it is newer than what we hold (out-of-order and replay safe)."""
        return await upsert_if_newer(
            self.connection,
            memberships,
            {"organization_id": membership.organization_id, "member_id": membership.member_id},
            {
                "account_id": membership.account_id,
                "permissions": json.dumps(sorted(membership.permissions)),
                "status": membership.status,
            },
            membership.version,
        )


class SqlIdentityStore(OutboxStore[SqlIdentityTransaction]):
    """Identity's unit of work."""

    def __init__(
        self, db: Database, outbox: Outbox, clock: Clock, to_envelope: Callable[[DomainEvent], envelope_pb2.Envelope]
    ):
        super().__init__(SqlIdentityTransaction, db, outbox, clock, to_envelope)
