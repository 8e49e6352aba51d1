"""Signing in: the password, the second factor, re-authentication, and the brute-force protection around
every check of a password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.common.clock import Clock
from services.common.errors import InvalidArgument, PermissionDenied, ResourceExhausted, Unauthenticated
from services.common.ids import new_id, new_secret_token
from services.common.people import normalise_email
from services.common.principal import Principal
from services.identity.domain import factors, passwords
from services.identity.domain.events import DomainEvent, LoginLocked, SignInFailed
from services.identity.domain.lockout import IpLimiter, LockoutPolicy, register_failure
from services.identity.domain.model import Account, MfaChallenge, Session
from services.identity.domain.ports import IdentityStore
from services.identity.domain.sessions import (
    choose_membership,
    end_presented_session,
    open_session,
    require_session,
    rotate_session,
)
from services.identity.domain.tokens import token_hash

INVALID_CREDENTIALS = "Invalid email or password."
MFA_CHALLENGE_LIFETIME = timedelta(minutes=5)
MFA_CHALLENGE_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SignInResult:
    """Either an open session (token and session) or a second-factor challenge."""

    token: str = ""
    session: Session | None = None
    mfa_challenge_token: str = ""


class SignInUseCases:
    """Sign-in with its second factor, re-authentication, and the check of a signed-in person's password.
    One instance per replica: it holds the per-address failure counts."""

    def __init__(self, store: IdentityStore, clock: Clock, lockout: LockoutPolicy | None = None):
        self._store = store
        self._clock = clock
        self._lockout = lockout or LockoutPolicy()
        self._ip_limiter = IpLimiter(self._lockout)

    @property
    def lockout(self) -> LockoutPolicy:
        return self._lockout

    async def sign_in(
        self,
        *,
        email: str,
        password: str,
        organization_id: str = "",
        ip_address: str = "",
        user_agent: str = "",
        previous_session_token: str = "",
        actor: Principal,
    ) -> SignInResult:
        """Check the password and open a session, or a second-factor challenge when the account has TOTP.
        Every failure is the same Unauthenticated error."""
        try:
            normalized = normalise_email(email)
        except InvalidArgument:
            normalized = ""
        now = self._clock.now()
        self._refuse_busy_address(ip_address, now)
        async with self._store.read() as tx:
            account = await tx.find_account_by_email(normalized) if normalized else None
            memberships = await tx.active_memberships(account.id) if account else []
            failures = await tx.get_login_failures(account.id) if account else None
            totp = await tx.get_totp(account.id) if account else None
        # Verify even when locked, so a locked account costs and answers exactly like a wrong password.
        matches, needs_rehash = await passwords.verify_password(account.password_hash if account else None, password)
        chosen = choose_membership(memberships, organization_id)
        locked = failures is not None and failures.is_locked(now)
        if (
            account is None
            or locked
            or not matches
            or account.status != "active"
            or (organization_id and chosen is None)
        ):
            reason = (
                "unknown_email"
                if account is None
                else "locked"
                if locked
                else "bad_password"
                if not matches
                else "not_allowed"
            )
            await self._record_failure(actor, normalized, account, organization_id, reason, ip_address, now)
            raise Unauthenticated(INVALID_CREDENTIALS, reason="INVALID_CREDENTIALS")
        new_hash = await passwords.hash_password(password) if needs_rehash else None
        async with self._store.write() as tx:
            if new_hash:
                await tx.update_password_hash(account.id, new_hash)
            if failures is not None:
                await tx.clear_login_failures(account.id)
            if previous_session_token:
                await end_presented_session(tx, previous_session_token, actor, now)
            if totp is not None and totp.confirmed_at is not None:
                challenge_token = new_secret_token()
                await tx.insert_mfa_challenge(
                    MfaChallenge(
                        id=new_id(),
                        token_hash=token_hash(challenge_token),
                        account_id=account.id,
                        organization_id=chosen.organization_id if chosen else "",
                        created_at=now,
                        expires_at=now + MFA_CHALLENGE_LIFETIME,
                    )
                )
                return SignInResult(mfa_challenge_token=challenge_token)
            token, session = await open_session(
                tx, account, chosen, now, actor, ip_address, user_agent, method="password", mfa_enrolled=False
            )
        return SignInResult(token, session)

    async def verify_second_factor(
        self,
        *,
        challenge_token: str,
        totp_code: str = "",
        recovery_code: str = "",
        ip_address: str = "",
        user_agent: str = "",
        actor: Principal,
    ) -> SignInResult:
        """Finish a sign-in with a TOTP or recovery code; a challenge allows a few attempts, once."""
        invalid = Unauthenticated("Invalid or expired code.", reason="INVALID_SECOND_FACTOR")
        now = self._clock.now()
        self._refuse_busy_address(ip_address, now)
        if not challenge_token or len(challenge_token) > 128:
            raise invalid
        async with self._store.read() as tx:
            challenge = await tx.find_mfa_challenge(token_hash(challenge_token))
            account = await tx.get_account(challenge.account_id) if challenge else None
            totp = await tx.get_totp(challenge.account_id) if challenge else None
            memberships = await tx.active_memberships(challenge.account_id) if challenge else []
        if (
            challenge is None
            or account is None
            or totp is None
            or totp.confirmed_at is None
            or challenge.used_at is not None
            or now >= challenge.expires_at
            or challenge.attempts >= MFA_CHALLENGE_MAX_ATTEMPTS
        ):
            self._ip_limiter.register_failure(ip_address, now)
            raise invalid
        step = factors.accepted_totp_step(totp.secret, totp_code, now, totp.last_used_step) if totp_code else None
        async with self._store.write() as tx:
            accepted = (step is not None and await tx.use_totp_step(account.id, step)) or (
                bool(recovery_code)
                and await tx.use_recovery_code(account.id, factors.recovery_code_hash(account.id, recovery_code), now)
            )
            if not accepted:
                await tx.count_mfa_attempt(challenge.id)
                await tx.record_events(
                    SignInFailed(actor, now, account.email, account.id, challenge.organization_id, "bad_code")
                )
            elif not await tx.use_mfa_challenge(challenge.id, now):
                accepted = False
            else:
                chosen = choose_membership(memberships, challenge.organization_id)
                method = "password+totp" if step is not None else "password+recovery_code"
                token, session = await open_session(
                    tx, account, chosen, now, actor, ip_address, user_agent, method=method, mfa_enrolled=True
                )
        if not accepted:
            self._ip_limiter.register_failure(ip_address, now)
            raise invalid
        return SignInResult(token, session)

    async def check_current_password(self, principal: Principal, password: str) -> Account:
        """The signed-in person's account if `password` is theirs; failures count towards the lockout."""
        now = self._clock.now()
        async with self._store.read() as tx:
            account = await tx.get_account(principal.account_id)
            failures = await tx.get_login_failures(principal.account_id)
        if account is None:
            raise Unauthenticated("Invalid session.", reason="INVALID_SESSION")
        matches, _ = await passwords.verify_password(account.password_hash, password)
        locked = failures is not None and failures.is_locked(now)
        if not matches or locked:
            reason = "locked" if locked else "bad_password"
            await self._record_failure(
                principal, account.email, account, principal.organization_id, reason, principal.ip_address, now
            )
            raise PermissionDenied("The password is not correct.", reason="INVALID_CREDENTIALS")
        return account

    async def reauthenticate(self, principal: Principal, *, password: str, totp_code: str = "") -> tuple[str, Session]:
        """Prove the credentials again: opens the privileged window and swaps the session for a new one."""
        require_session(principal)
        account = await self.check_current_password(principal, password)
        now = self._clock.now()
        async with self._store.write() as tx:
            totp = await tx.get_totp(account.id)
            if totp is not None and totp.confirmed_at is not None:
                step = factors.accepted_totp_step(totp.secret, totp_code, now, totp.last_used_step)
                if step is None or not await tx.use_totp_step(account.id, step):
                    raise PermissionDenied("The code is not correct.", reason="INVALID_SECOND_FACTOR")
            session = await tx.get_session(principal.credential_id)
            if session is None or session.revoked_at is not None:
                raise Unauthenticated("Invalid session.", reason="INVALID_SESSION")
            return await rotate_session(tx, session, principal, now, reason="step_up", authenticated_at=now)

    def _refuse_busy_address(self, ip_address: str, now: datetime) -> None:
        retry_after = self._ip_limiter.retry_after(ip_address, now)
        if retry_after:
            raise ResourceExhausted(
                "Too many failed sign-ins from this address; try again later.",
                retry_after_seconds=retry_after,
                reason="TOO_MANY_ATTEMPTS",
            )

    async def _record_failure(
        self,
        actor: Principal,
        email: str,
        account: Account | None,
        organization_id: str,
        reason: str,
        ip_address: str,
        now: datetime,
    ) -> None:
        """Count a failed password against the address and the account (lockout), and audit it."""
        self._ip_limiter.register_failure(ip_address, now)
        async with self._store.write() as tx:
            events: list[DomainEvent] = [
                SignInFailed(actor, now, email, account.id if account else "", organization_id, reason)
            ]
            if account is not None and reason == "bad_password":
                after = register_failure(await tx.get_login_failures(account.id), account.id, now, self._lockout)
                await tx.save_login_failures(after)
                if after.is_locked(now):
                    events.append(LoginLocked(actor, now, account, after.locked_until or now))
            await tx.record_events(*events)
