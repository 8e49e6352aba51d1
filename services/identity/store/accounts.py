"""Accounts and their failed sign-ins (per account, and per client address)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update

from services.common.projections import add_to
from services.identity.domain.lockout import FailureState
from services.identity.domain.model import Account
from services.identity.store.queries import Queries, entity_of, row_of
from services.identity.store.tables import accounts, ip_sign_in_failures, login_failures


class AccountQueries(Queries):
    async def find_account_by_email(self, email: str) -> Account | None:
        row = await self._one(select(accounts).where(accounts.c.email == email))
        return entity_of(Account, row) if row else None

    async def get_account(self, account_id: str) -> Account | None:
        row = await self._one(select(accounts).where(accounts.c.id == account_id))
        return entity_of(Account, row) if row else None

    async def insert_account(self, account: Account) -> None:
        await self.connection.execute(insert(accounts).values(row_of(account)))

    async def update_password_hash(self, account_id: str, password_hash: str) -> None:
        await self.connection.execute(
            update(accounts).where(accounts.c.id == account_id).values(password_hash=password_hash)
        )

    async def get_login_failures(self, account_id: str) -> FailureState | None:
        row = await self._one(select(login_failures).where(login_failures.c.account_id == account_id))
        if row is None:
            return None
        return entity_of(FailureState, row)

    async def save_login_failures(self, state: FailureState) -> None:
        values = row_of(state)
        updated = await self.connection.execute(
            update(login_failures).where(login_failures.c.account_id == state.account_id).values(values)
        )
        if not updated.rowcount:
            await self.connection.execute(insert(login_failures).values(values))

    async def clear_login_failures(self, account_id: str) -> None:
        await self.connection.execute(delete(login_failures).where(login_failures.c.account_id == account_id))

    async def count_ip_failure(self, ip_address: str, bucket_start: datetime) -> None:
        key = {"ip_address": ip_address, "bucket_start": bucket_start}
        await add_to(self.connection, ip_sign_in_failures, key, "failures")

    async def ip_failures_since(self, ip_address: str, since: datetime) -> list[tuple[datetime, int]]:
        """The address's failure buckets that started after `since`, oldest first."""
        table = ip_sign_in_failures
        rows = await self.connection.execute(
            select(table.c.bucket_start, table.c.failures)
            .where(table.c.ip_address == ip_address, table.c.bucket_start > since)
            .order_by(table.c.bucket_start)
        )
        return [(row.bucket_start, row.failures) for row in rows]

    async def forget_ip_failures_before(self, before: datetime) -> int:
        table = ip_sign_in_failures
        return (await self.connection.execute(delete(table).where(table.c.bucket_start < before))).rowcount or 0
