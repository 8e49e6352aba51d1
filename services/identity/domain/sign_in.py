"""Signing in: the password, the second factor, re-authentication, and the brute-force protection around
every check of a password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.common.clock import Clock
from services.common.errors import InvalidArgument, PermissionDenied, ResourceExhausted, Unauthenticated
from services.common.ids import new_id, new_secret_token
from services.common.people import normalise_email, refuse_overlong_email
from services.common.principal import Principal
from services.identity.domain import factors, passwords
from services.identity.domain.events import DomainEvent, LoginLocked, SignInFailed
from services.identity.domain.lockout import (
    LockoutPolicy,
    ip_bucket_start,
    ip_buckets_since,
    ip_retry_after,
    register_failure,
)
from services.identity.domain.memberships import caught_up_memberships
from services.identity.domain.model import Account, MfaChallenge, Session
from services.identity.domain.organization_end import has_ended, may_enter_ended, organization_ended_error
from services.identity.domain.ports import IdentityStore, IdentityTransaction, MembershipDirectory
from services.identity.domain.sessions import (
    choose_membership,
    end_presented_session,
    open_session,
    require_session,
    rotate_session,
)
from services.identity.domain.sso.policy import password_allowed
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
    The per-address failure counts live in the store, so every replica applies the same limit."""

    def __init__(
        self,
        store: IdentityStore,
        clock: Clock,
        lockout: LockoutPolicy | None = None,
        memberships: MembershipDirectory | None = None,
    ):
        self._store = store
        self._clock = clock
        # Membership itself, asked when the projection has not caught up with a new member (read-your-writes).
        self._memberships = memberships
        self._lockout = lockout or LockoutPolicy()

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
        Every failure is the same Unauthenticated error, but an email longer than any address is refused first."""
        refuse_overlong_email(email)
        try:
            normalized = normalise_email(email)
        except InvalidArgument:
            normalized = ""
        now = self._clock.now()
        async with self._store.read() as tx:
            await self._refuse_busy_address(tx, ip_address, now)
        # Only then may membership be asked (a busy address never costs it a call).
        await self._catch_up(normalized, organization_id)
        async with self._store.read() as tx:
            account = await tx.find_account_by_email(normalized) if normalized else None
            memberships = await tx.active_memberships(account.id) if account else []
            failures = await tx.get_login_failures(account.id) if account else None
            totp = await tx.get_totp(account.id) if account else None
            # "SSO required": only the break-glass Owners of such an organization may use a password there.
            allowed = [
                m for m in memberships if password_allowed(await tx.get_sso_policy(m.organization_id), m.account_id)
            ]
            # An ended organization admits only those who can resubscribe (domain/organization_end.py).
            ended_for_them = {
                m.organization_id
                for m in memberships
                if not may_enter_ended(m.permissions)
                and has_ended(await tx.organization_entitlements(m.organization_id))
            }
        sso_only = len(allowed) < len(memberships) and (not allowed or bool(organization_id))
        memberships = [m for m in allowed if m.organization_id not in ended_for_them]
        # Verify even when locked, so a locked account costs and answers exactly like a wrong password.
        matches, needs_rehash = await passwords.verify_password(account.password_hash if account else None, password)
        chosen = choose_membership(memberships, organization_id)
        locked = failures is not None and failures.is_locked(now)
        right_person = matches and not locked and account is not None and account.status == "active"
        if right_person and organization_id in ended_for_them:
            raise organization_ended_error()  # the right password: say why, and count no failure
        if (
            account is None
            or locked
            or not matches
            or account.status != "active"
            or (organization_id and chosen is None)
            or sso_only
        ):
            reason = (
                "unknown_email"
                if account is None
                else "locked"
                if locked
                else "bad_password"
                if not matches
                else "sso_required"
                if sso_only
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

    async def _catch_up(self, email: str, organization_id: str) -> None:
        """A person who became a member a moment ago signs in to that organization, not to none."""
        if self._memberships is None or not email:
            return
        async with self._store.read() as tx:
            account = await tx.find_account_by_email(email)
            known = await tx.active_memberships(account.id) if account else []
        if account is not None:
            await caught_up_memberships(self._store, self._memberships, account.id, known, organization_id)

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
        async with self._store.read() as tx:
            await self._refuse_busy_address(tx, ip_address, now)
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
            await self._count_address_failure(ip_address, now)
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
            await self._count_address_failure(ip_address, now)
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

    async def _refuse_busy_address(self, tx: IdentityTransaction, ip_address: str, now: datetime) -> None:
        if not ip_address:
            return
        buckets = await tx.ip_failures_since(ip_address, ip_buckets_since(self._lockout, now))
        retry_after = ip_retry_after(self._lockout, buckets, now)
        if retry_after:
            raise ResourceExhausted(
                "Too many failed sign-ins from this address; try again later.",
                retry_after_seconds=retry_after,
                reason="TOO_MANY_ATTEMPTS",
            )

    async def forget_old_address_failures(self) -> int:
        """Delete the per-address failure counts that no longer count (outside the window); how many went."""
        async with self._store.write() as tx:
            return await tx.forget_ip_failures_before(ip_buckets_since(self._lockout, self._clock.now()))

    async def _count_address_failure(self, ip_address: str, now: datetime) -> None:
        if ip_address:
            async with self._store.write() as tx:
                await tx.count_ip_failure(ip_address, ip_bucket_start(now))

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
        async with self._store.write() as tx:
            if ip_address:
                await tx.count_ip_failure(ip_address, ip_bucket_start(now))
            events: list[DomainEvent] = [
                SignInFailed(actor, now, email, account.id if account else "", organization_id, reason)
            ]
            if account is not None and reason == "bad_password":
                after = register_failure(await tx.get_login_failures(account.id), account.id, now, self._lockout)
                await tx.save_login_failures(after)
                if after.is_locked(now):
                    events.append(LoginLocked(actor, now, account, after.locked_until or now))
            await tx.record_events(*events)
