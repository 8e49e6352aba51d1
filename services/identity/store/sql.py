"""Identity's queries. The only place with SQL for this service."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Row, delete, insert, select, update
from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock
from services.common.db import Database
from services.common.messaging import Outbox
from services.common.projections import upsert_if_newer
from services.common.store import OutboxStore, OutboxTransaction
from services.identity.domain.events import DomainEvent
from services.identity.domain.lockout import FailureState
from services.identity.domain.model import Account, ApiKey, Membership, Session
from services.identity.store.tables import accounts, api_keys, idempotency_keys, login_failures, memberships, sessions


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
        return [
            Membership(
                row.organization_id,
                row.member_id,
                row.account_id,
                frozenset(json.loads(row.permissions)),
                row.status,
                row.version,
            )
            for row in rows
        ]

    async def get_login_failures(self, account_id: str) -> FailureState | None:
        row = await self._one(select(login_failures).where(login_failures.c.account_id == account_id))
        if row is None:
            return None
        return FailureState(row.account_id, row.failures, row.window_started_at, row.locked_until, row.lockouts)

    async def save_login_failures(self, state: FailureState) -> None:
        values = {
            "failures": state.failures,
            "window_started_at": state.window_started_at,
            "locked_until": state.locked_until,
            "lockouts": state.lockouts,
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
    def __init__(
        self, db: Database, outbox: Outbox, clock: Clock, to_envelope: Callable[[DomainEvent], envelope_pb2.Envelope]
    ):
        super().__init__(SqlIdentityTransaction, db, outbox, clock, to_envelope)
