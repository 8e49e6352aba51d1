"""Second factors (TOTP, recovery codes, pending second-factor challenges) and password resets."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update

from services.common.secret_box import SecretBox
from services.identity.domain.model import MfaChallenge, PasswordReset, TotpFactor
from services.identity.store.queries import Queries, entity_of, row_of
from services.identity.store.tables import mfa_challenges, password_resets, recovery_codes, totp_factors


def totp_context(account_id: str) -> str:
    """Where a TOTP seed is stored: its sealed value opens only in its own row."""
    return f"identity.totp_factors:{account_id}"


class FactorQueries(Queries):
    # Seals TOTP seeds at rest; SqlIdentityStore gives each of its transactions the service's box.
    secret_box: SecretBox

    async def get_totp(self, account_id: str) -> TotpFactor | None:
        row = await self._one(select(totp_factors).where(totp_factors.c.account_id == account_id))
        if not row:
            return None
        factor = entity_of(TotpFactor, row)
        return replace(factor, secret=self.secret_box.open(factor.secret, totp_context(account_id)))

    async def save_totp(self, factor: TotpFactor) -> None:
        sealed = self.secret_box.seal(factor.secret, totp_context(factor.account_id))
        await self.connection.execute(delete(totp_factors).where(totp_factors.c.account_id == factor.account_id))
        await self.connection.execute(insert(totp_factors).values(row_of(factor, secret=sealed)))

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
        await self.connection.execute(insert(mfa_challenges).values(row_of(challenge)))

    async def find_mfa_challenge(self, token_hash: str) -> MfaChallenge | None:
        row = await self._one(select(mfa_challenges).where(mfa_challenges.c.token_hash == token_hash))
        return entity_of(MfaChallenge, row) if row else None

    async def count_mfa_attempt(self, challenge_id: str) -> None:
        await self.connection.execute(
            update(mfa_challenges)
            .where(mfa_challenges.c.id == challenge_id)
            .values(attempts=mfa_challenges.c.attempts + 1)
        )

    async def use_mfa_challenge(self, challenge_id: str, now: datetime) -> bool:
        return await self._set_once(mfa_challenges, challenge_id, "used_at", now)

    async def insert_password_reset(self, reset: PasswordReset) -> None:
        await self.connection.execute(insert(password_resets).values(row_of(reset)))

    async def get_password_reset(self, reset_id: str) -> PasswordReset | None:
        row = await self._one(select(password_resets).where(password_resets.c.id == reset_id))
        return entity_of(PasswordReset, row) if row else None

    async def use_password_reset(self, reset_id: str, now: datetime) -> bool:
        """Mark a reset used; False if it already was (single use, also across replicas)."""
        return await self._set_once(password_resets, reset_id, "used_at", now)

    async def cancel_password_resets(self, account_id: str, now: datetime) -> None:
        await self.connection.execute(
            update(password_resets)
            .where(password_resets.c.account_id == account_id, password_resets.c.used_at.is_(None))
            .values(used_at=now)
        )
