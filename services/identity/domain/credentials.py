"""A person's credentials: changing and resetting the password, and the TOTP second factor.

Every change of a credential ends the account's other sessions, so a thief holding an old session
loses it the moment the owner secures the account.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.common.clock import Clock
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.ids import new_id
from services.common.people import normalise_email, refuse_overlong_email
from services.common.permissions import SECURITY_MANAGE
from services.common.principal import Principal
from services.identity.domain import factors, passwords
from services.identity.domain.events import MfaChanged, PasswordChanged, PasswordResetRequested
from services.identity.domain.model import PasswordReset, TotpFactor
from services.identity.domain.ports import IdentityStore, IdentityTransaction, ResetLinkComposer
from services.identity.domain.security_policy import check_new_password, password_policy_for
from services.identity.domain.sessions import require_session, revoke_sessions_with_events
from services.identity.domain.sign_in import SignInUseCases
from services.identity.domain.tokens import token_hash

SELF_SERVICE_RESET_LIFETIME = timedelta(minutes=30)
ADMIN_RESET_LIFETIME = timedelta(hours=24)
RESET_PURPOSE = "password-reset"
INVALID_RESET_LINK = "This password reset link is invalid, used or expired; ask for a new one."


@dataclass(frozen=True)
class TotpEnrollment:
    secret: str
    otpauth_uri: str
    qr_code_svg: str


class CredentialUseCases:
    def __init__(
        self,
        store: IdentityStore,
        clock: Clock,
        sign_in: SignInUseCases,
        link_key: bytes,
        reset_links: ResetLinkComposer | None = None,
    ):
        self._store = store
        self._clock = clock
        self._sign_in = sign_in
        self._link_key = link_key
        self._reset_links = reset_links

    def reset_token(self, reset_id: str) -> str:
        """The token of a reset link, derived from its id: only its hash is stored and no event carries it."""
        return factors.link_token(self._link_key, RESET_PURPOSE, reset_id)

    async def queue_reset_link(
        self, tx: IdentityTransaction, *, reset_id: str, email: str, expires_at: datetime, sent_by_admin: bool
    ) -> None:
        """Queue the email of a requested reset link in `tx` (the consumer's of the reset's event); it is sent
        only after `tx` commits, since a consumer's transaction can be rolled back and replayed."""
        if self._reset_links is None:
            raise FailedPrecondition("Reset links cannot be sent from here.", reason="NO_MAILER")
        message = self._reset_links.compose_reset_link(
            reset_id=reset_id,
            token=self.reset_token(reset_id),
            email=email,
            expires_at=expires_at,
            sent_by_admin=sent_by_admin,
        )
        await tx.queue_mail(message, self._clock.now())

    async def change_password(self, principal: Principal, *, current_password: str, new_password: str) -> int:
        """Change the caller's password; returns how many of their other sessions were ended."""
        require_session(principal)
        account = await self._sign_in.check_current_password(principal, current_password)
        async with self._store.read() as tx:
            policy, admin = await password_policy_for(tx, account.id)
        check_new_password(new_password, policy, account.email, admin)
        if hmac.compare_digest(new_password.encode(), current_password.encode()):
            raise InvalidArgument("The new password must differ from the current one.")
        new_hash = await passwords.hash_password(new_password)
        now = self._clock.now()
        async with self._store.write() as tx:
            await tx.update_password_hash(account.id, new_hash)
            await tx.cancel_password_resets(account.id, now)
            revoked = await revoke_sessions_with_events(
                tx, account.id, None, principal, now, "password_changed", keep_session_id=principal.credential_id
            )
            await tx.record_events(PasswordChanged(principal, now, account, "change", revoked))
        return revoked

    async def request_reset(self, actor: Principal, email: str) -> None:
        """Self-service: email a reset link if the account exists. The answer never tells whether it does (an
        email longer than any address is refused, which tells nothing)."""
        refuse_overlong_email(email)
        try:
            normalized = normalise_email(email)
        except InvalidArgument:
            return
        now = self._clock.now()
        async with self._store.write() as tx:
            account = await tx.find_account_by_email(normalized)
            if account is None or account.status != "active":
                return
            reset = self._new_reset(account.id, now, SELF_SERVICE_RESET_LIFETIME, requested_by=account.id)
            await tx.insert_password_reset(reset)
            await tx.record_events(PasswordResetRequested(actor, now, reset, account.email, sent_by_admin=False))

    async def send_reset(self, principal: Principal, account_id: str) -> PasswordReset:
        """An administrator sends a member a reset link (as the seed portals do)."""
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            membership = await tx.get_membership(principal.organization_id, account_id[:64])
            account = await tx.get_account(membership.account_id) if membership else None
            if account is None:
                raise NotFound("No such member.")
            reset = self._new_reset(account.id, now, ADMIN_RESET_LIFETIME, requested_by=principal.actor_id)
            await tx.insert_password_reset(reset)
            await tx.record_events(PasswordResetRequested(principal, now, reset, account.email, sent_by_admin=True))
        return reset

    def _new_reset(self, account_id: str, now: datetime, lifetime: timedelta, requested_by: str) -> PasswordReset:
        reset_id = new_id()
        return PasswordReset(
            id=reset_id,
            token_hash=token_hash(self.reset_token(reset_id)),
            account_id=account_id,
            created_at=now,
            expires_at=now + lifetime,
            requested_by=requested_by[:64],
        )

    async def reset_password(self, actor: Principal, *, reset_id: str, token: str, new_password: str) -> None:
        """Set a new password with a reset link: the link is used up, the lockout cleared and every session ended."""
        now = self._clock.now()
        async with self._store.read() as tx:
            reset = await tx.get_password_reset(reset_id[:64]) if reset_id else None
            account = await tx.get_account(reset.account_id) if reset else None
            policy, admin = await password_policy_for(tx, reset.account_id) if reset else (None, False)
        if (
            reset is None
            or account is None
            or policy is None
            or len(token) > 128
            or not hmac.compare_digest(reset.token_hash, token_hash(token))
            or reset.used_at is not None
            or now >= reset.expires_at
        ):
            raise FailedPrecondition(INVALID_RESET_LINK, reason="INVALID_RESET_LINK")
        check_new_password(new_password, policy, account.email, admin)
        new_hash = await passwords.hash_password(new_password)
        async with self._store.write() as tx:
            if not await tx.use_password_reset(reset.id, now):  # a concurrent use on another replica won
                raise FailedPrecondition(INVALID_RESET_LINK, reason="INVALID_RESET_LINK")
            await tx.update_password_hash(account.id, new_hash)
            await tx.cancel_password_resets(account.id, now)
            await tx.clear_login_failures(account.id)
            revoked = await revoke_sessions_with_events(tx, account.id, None, actor, now, "password_reset")
            method = "reset" if reset.requested_by == account.id else "admin_reset"
            await tx.record_events(PasswordChanged(actor, now, account, method, revoked))

    async def account_security(self, principal: Principal) -> tuple[bool, int]:
        """(TOTP on, recovery codes left) of the signed-in person's account."""
        require_session(principal)
        async with self._store.read() as tx:
            factor = await tx.get_totp(principal.account_id)
            if factor is None or factor.confirmed_at is None:
                return False, 0
            return True, await tx.count_unused_recovery_codes(principal.account_id)

    async def enroll_totp(self, principal: Principal) -> TotpEnrollment:
        require_session(principal)
        now = self._clock.now()
        async with self._store.write() as tx:
            account = await tx.get_account(principal.account_id)
            existing = await tx.get_totp(principal.account_id)
            if account is None:
                raise NotFound("No such account.")
            if existing is not None and existing.confirmed_at is not None:
                raise FailedPrecondition(
                    "An authenticator app is already set up; turn it off first.", reason="MFA_ALREADY_ENABLED"
                )
            secret = factors.new_totp_secret()
            await tx.save_totp(TotpFactor(account.id, secret, now))
        uri = factors.otpauth_uri(secret, account.email)
        return TotpEnrollment(secret, uri, factors.qr_code_svg(uri))

    async def confirm_totp(self, principal: Principal, code: str) -> list[str]:
        """Activate TOTP with a current code; returns the recovery codes, shown once."""
        require_session(principal)
        now = self._clock.now()
        codes = factors.new_recovery_codes()
        async with self._store.write() as tx:
            account = await tx.get_account(principal.account_id)
            factor = await tx.get_totp(principal.account_id)
            if account is None or factor is None or factor.confirmed_at is not None:
                raise FailedPrecondition("Start the set-up of an authenticator app first.", reason="NO_PENDING_MFA")
            step = factors.accepted_totp_step(factor.secret, code, now, factor.last_used_step)
            if step is None:
                raise InvalidArgument("The code is not correct; check the app's clock and try the next code.")
            await tx.save_totp(TotpFactor(account.id, factor.secret, factor.created_at, now, step))
            await tx.replace_recovery_codes(account.id, [factors.recovery_code_hash(account.id, c) for c in codes])
            revoked = await revoke_sessions_with_events(
                tx, account.id, None, principal, now, "mfa_changed", keep_session_id=principal.credential_id
            )
            await tx.record_events(MfaChanged(principal, now, account, enabled=True, revoked_sessions=revoked))
        return codes

    async def disable_totp(self, principal: Principal, password: str) -> None:
        require_session(principal)
        principal.require_recent_authentication(self._clock.now())
        account = await self._sign_in.check_current_password(principal, password)
        now = self._clock.now()
        async with self._store.write() as tx:
            factor = await tx.get_totp(account.id)
            if factor is None or factor.confirmed_at is None:
                raise FailedPrecondition("No authenticator app is set up.", reason="MFA_NOT_ENABLED")
            membership = await tx.get_membership(principal.organization_id, account.id)
            policy = await tx.get_policy(principal.organization_id)
            if membership is not None and policy.requires_mfa(membership.permissions):
                raise FailedPrecondition(
                    "Your organization requires a second factor; it cannot be turned off.", reason="MFA_REQUIRED"
                )
            await tx.delete_totp(account.id)
            revoked = await revoke_sessions_with_events(
                tx, account.id, None, principal, now, "mfa_changed", keep_session_id=principal.credential_id
            )
            await tx.record_events(MfaChanged(principal, now, account, enabled=False, revoked_sessions=revoked))
