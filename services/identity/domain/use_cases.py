"""Identity's use cases: who may be signed in, for how long, and with which credential."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.common.clock import Clock
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
)
from services.common.ids import new_id, new_secret_token
from services.common.people import clean_display_name, normalise_email
from services.common.permissions import SECURITY_MANAGE
from services.common.principal import (
    ACTOR_API_KEY,
    ACTOR_SERVICE_ACCOUNT,
    ACTOR_SYSTEM,
    ACTOR_USER,
    Principal,
    PrincipalSigner,
)
from services.identity.domain import factors, passwords
from services.identity.domain.events import AccountCreated, LoginLocked, SessionEnded, SessionStarted, SignInFailed
from services.identity.domain.lockout import IpLimiter, LockoutPolicy, register_failure
from services.identity.domain.model import SERVICE_ACCOUNT_KIND, Account, Membership, MfaChallenge, Session
from services.identity.domain.policies import SecurityPolicy, check_password, is_admin, strictest
from services.identity.domain.ports import IdentityStore, IdentityTransaction, InvitationChecker

PLATFORM_ACCOUNTS_CREATE = "platform.accounts.create"
INVALID_CREDENTIALS = "Invalid email or password."
API_KEY_PREFIX = "tnt"
# last_seen_at / last_used_at are written at most this often, to keep authentication read-mostly.
TOUCH_INTERVAL = timedelta(seconds=60)


def token_hash(token: str) -> str:
    """Credentials are stored as SHA-256: they are 256-bit random, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


MFA_CHALLENGE_LIFETIME = timedelta(minutes=5)
MFA_CHALLENGE_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Authenticated:
    principal: Principal
    token: str
    expires_at: datetime
    rotated_session_token: str = ""
    mfa_enrollment_required: bool = False


@dataclass(frozen=True)
class SignInResult:
    """Either an open session (token and session) or a second-factor challenge."""

    token: str = ""
    session: Session | None = None
    mfa_challenge_token: str = ""


class IdentityUseCases:
    """Accounts, sign-in (with its second factor), authentication of every request, and sessions."""

    def __init__(
        self,
        store: IdentityStore,
        clock: Clock,
        signer: PrincipalSigner,
        lockout: LockoutPolicy | None = None,
        invitations: InvitationChecker | None = None,
    ):
        self._store = store
        self._clock = clock
        self._signer = signer
        self._lockout = lockout or LockoutPolicy()
        self._ip_limiter = IpLimiter(self._lockout)
        self._invitations = invitations

    @property
    def lockout(self) -> LockoutPolicy:
        return self._lockout

    async def create_account(
        self, principal: Principal, *, email: str, password: str, display_name: str = "", request_id: str = ""
    ) -> Account:
        if not principal.has(PLATFORM_ACCOUNTS_CREATE):
            raise PermissionDenied("Only operators may create accounts directly.", reason="MISSING_PERMISSION")
        normalized = normalise_email(email)
        passwords.check_password_rules(password)
        name = clean_display_name(display_name)
        if request_id:
            async with self._store.read() as tx:
                stored = await tx.load_idempotent("", "CreateAccount", request_id)
                if stored is not None:
                    account = await tx.get_account(json.loads(stored)["account_id"])
                    if account is not None:
                        return account
        return await self._insert_account(principal, normalized, password, name, request_id)

    async def _insert_account(
        self, principal: Principal, email: str, password: str, display_name: str, request_id: str = ""
    ) -> Account:
        password_hash = await passwords.hash_password(password)
        now = self._clock.now()
        account = Account(new_id(), email, display_name, password_hash, "active", now)
        async with self._store.write() as tx:
            if await tx.find_account_by_email(email) is not None:
                raise AlreadyExists("An account with this email exists; sign in instead.", reason="ACCOUNT_EXISTS")
            await tx.insert_account(account)
            await tx.record_events(AccountCreated(principal, now, request_id, account))
            if request_id:
                await tx.save_idempotent(
                    "", "CreateAccount", request_id, json.dumps({"account_id": account.id}).encode()
                )
        return account

    async def register_invited_account(
        self, *, invitation_id: str, invitation_token: str, password: str, display_name: str, actor: Principal
    ) -> Account:
        """An invited person creates their account; membership vouches for the link, its email and organization."""
        if self._invitations is None:
            raise FailedPrecondition("Invitations cannot be checked from here.", reason="NO_MEMBERSHIP_LINK")
        passwords.check_password_rules(password)
        name = clean_display_name(display_name)
        invited = await self._invitations.invitation(invitation_id, invitation_token)
        email = normalise_email(invited.email)
        async with self._store.read() as tx:
            policy = await tx.get_policy(invited.organization_id)
        check_password(password, policy, email=email, admin=invited.admin)
        return await self._insert_account(replace(actor, actor_display=email), email, password, name)

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
        chosen = _choose_membership(memberships, organization_id)
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
                await _end_presented_session(tx, previous_session_token, actor, now)
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
            token, session = await _open_session(
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
                    SignInFailed(actor, now, "", account.email, account.id, challenge.organization_id, "bad_code")
                )
            elif not await tx.use_mfa_challenge(challenge.id, now):
                accepted = False
            else:
                chosen = _choose_membership(memberships, challenge.organization_id)
                method = "password+totp" if step is not None else "password+recovery_code"
                token, session = await _open_session(
                    tx, account, chosen, now, actor, ip_address, user_agent, method=method, mfa_enrolled=True
                )
        if not accepted:
            self._ip_limiter.register_failure(ip_address, now)
            raise invalid
        return SignInResult(token, session)

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
            events: list[object] = [
                SignInFailed(actor, now, "", email, account.id if account else "", organization_id, reason)
            ]
            if account is not None and reason == "bad_password":
                after = register_failure(await tx.get_login_failures(account.id), account.id, now, self._lockout)
                await tx.save_login_failures(after)
                if after.is_locked(now):
                    events.append(LoginLocked(actor, now, "", account, after.locked_until or now))
            await tx.record_events(*events)

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
            return await _rotate(tx, session, principal, now, reason="step_up", authenticated_at=now)

    async def authenticate_session(self, token: str, ip_address: str = "", user_agent: str = "") -> Authenticated:
        if not token or len(token) > 512:
            raise Unauthenticated("Invalid session.", reason="INVALID_SESSION")
        now = self._clock.now()
        async with self._store.read() as tx:
            session = await tx.find_session_by_token_hash(token_hash(token))
            account = await tx.get_account(session.account_id) if session else None
            memberships = await tx.active_memberships(session.account_id) if session else []
            policy = await tx.get_policy(session.organization_id) if session else None
            totp = await tx.get_totp(session.account_id) if session else None
        if (
            session is None
            or account is None
            or policy is None
            or account.status != "active"
            or session.revoked_at is not None
            or now >= session.expires_at
            or now >= session.created_at + policy.absolute_lifetime
            or now - session.last_seen_at > policy.idle_timeout
        ):
            raise Unauthenticated("Invalid or expired session.", reason="INVALID_SESSION")
        # A session opened before membership's events reached us has no organization yet: pick it now.
        membership = _choose_membership(memberships, session.organization_id)
        if session.organization_id and membership is None:
            raise Unauthenticated("Invalid or expired session.", reason="INVALID_SESSION")  # no longer a member
        rotated_token = ""
        if session.rotate_required:
            async with self._store.write() as tx:
                rotated_token, session = await _rotate(tx, session, _system_actor(session), now, reason="rotated")
        elif now - session.last_seen_at >= TOUCH_INTERVAL:
            async with self._store.write() as tx:
                await tx.touch_session(session.id, now)
        permissions = membership.permissions if membership else frozenset()
        enrollment_required = (
            membership is not None and policy.requires_mfa(permissions) and (totp is None or totp.confirmed_at is None)
        )
        principal = Principal(
            actor_type=ACTOR_USER,
            actor_id=account.id,
            actor_display=account.email,
            account_id=account.id,
            organization_id=membership.organization_id if membership else session.organization_id,
            # Until the person enrols a second factor the policy demands, they may do nothing else.
            permissions=frozenset() if enrollment_required else permissions,
            credential_id=session.id,
            ip_address=ip_address,
            user_agent=user_agent,
            authenticated_at=session.authenticated_at or session.created_at,
        )
        minted = self._mint(principal)
        return replace(minted, rotated_session_token=rotated_token, mfa_enrollment_required=enrollment_required)

    async def authenticate_api_key(self, secret: str, ip_address: str = "", user_agent: str = "") -> Authenticated:
        invalid = Unauthenticated("Invalid API key.", reason="INVALID_API_KEY")
        parts = secret.split("_", 2)
        if len(secret) > 512 or len(parts) != 3 or parts[0] != API_KEY_PREFIX:
            raise invalid
        now = self._clock.now()
        async with self._store.read() as tx:
            api_key = await tx.find_api_key_by_prefix(parts[1])
        if (
            api_key is None
            or not hmac.compare_digest(api_key.secret_hash, token_hash(secret))
            or api_key.revoked_at is not None
            or (api_key.expires_at is not None and now >= api_key.expires_at)
        ):
            raise invalid
        if api_key.last_used_at is None or now - api_key.last_used_at >= TOUCH_INTERVAL:
            async with self._store.write() as tx:
                await tx.touch_api_key(api_key.id, now)
        principal = Principal(
            actor_type=ACTOR_SERVICE_ACCOUNT if api_key.kind == SERVICE_ACCOUNT_KIND else ACTOR_API_KEY,
            actor_id=api_key.id,
            actor_display=api_key.name,
            organization_id=api_key.organization_id,
            permissions=api_key.permissions,
            credential_id=api_key.id,
            ip_address=ip_address,
            user_agent=user_agent,
        )
        return self._mint(principal)

    def _mint(self, principal: Principal) -> Authenticated:
        token, expires_at = self._signer.mint(principal)
        return Authenticated(principal, token, expires_at)

    async def sign_out(self, principal: Principal, session_id: str) -> None:
        if principal.actor_type != ACTOR_USER or principal.credential_id != (session_id or principal.credential_id):
            raise PermissionDenied("You can end only your own session.", reason="NOT_YOUR_SESSION")
        now = self._clock.now()
        async with self._store.write() as tx:
            session = await tx.get_session(principal.credential_id)
            if session is None:
                raise NotFound("No such session.")
            if await tx.revoke_session(session.id, now):
                await tx.record_events(SessionEnded(principal, now, "", session, "sign_out"))

    async def list_sessions(self, principal: Principal, account_id: str = "") -> list[Session]:
        require_session(principal)
        target = await self._session_owner(principal, account_id)
        async with self._store.read() as tx:
            return await tx.open_sessions(target, principal.organization_id, self._clock.now())

    async def revoke_session(self, principal: Principal, session_id: str) -> None:
        require_session(principal)
        now = self._clock.now()
        async with self._store.write() as tx:
            session = await tx.get_session(session_id[:64])
            if session is None or session.organization_id != principal.organization_id:
                raise NotFound("No such session.")
            if session.account_id != principal.account_id:
                await self._session_owner(principal, session.account_id, tx)
            if await tx.revoke_session(session.id, now):
                reason = "sign_out" if session.account_id == principal.account_id else "admin_revoked"
                await tx.record_events(SessionEnded(principal, now, "", session, reason))

    async def revoke_account_sessions(
        self, principal: Principal, account_id: str = "", keep_current: bool = False
    ) -> int:
        """Sign an account out everywhere in the organization ("sign out everywhere")."""
        require_session(principal)
        now = self._clock.now()
        async with self._store.write() as tx:
            target = await self._session_owner(principal, account_id, tx)
            keep = principal.credential_id if keep_current and target == principal.account_id else ""
            reason = "sign_out_everywhere" if target == principal.account_id else "admin_revoked"
            return await revoke_sessions_with_events(
                tx, target, principal.organization_id, principal, now, reason, keep_session_id=keep
            )

    async def _session_owner(self, principal: Principal, account_id: str, tx: IdentityTransaction | None = None) -> str:
        """Whose sessions the caller may see or end: their own, or a member's with "security.manage"."""
        if not account_id or account_id == principal.account_id:
            return principal.account_id
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        if tx is None:
            async with self._store.read() as read_tx:
                membership = await read_tx.get_membership(principal.organization_id, account_id[:64])
        else:
            membership = await tx.get_membership(principal.organization_id, account_id[:64])
        if membership is None:
            raise NotFound("No such member.")
        return membership.account_id


async def revoke_sessions_with_events(
    tx: IdentityTransaction,
    account_id: str,
    organization_id: str | None,
    actor: Principal,
    now: datetime,
    reason: str,
    keep_session_id: str = "",
) -> int:
    """End an account's sessions and publish session.ended for each, which every service's revocation
    feed turns into a refusal of principals minted from them."""
    ended = await tx.revoke_sessions(account_id, organization_id, now, keep_session_id)
    if ended:
        await tx.record_events(*(SessionEnded(actor, now, "", session, reason) for session in ended))
    return len(ended)


async def _open_session(
    tx: IdentityTransaction,
    account: Account,
    membership: Membership | None,
    now: datetime,
    anonymous: Principal,
    ip_address: str,
    user_agent: str,
    *,
    method: str,
    mfa_enrolled: bool,
) -> tuple[str, Session]:
    """A new session with a fresh token (never one the client chose), lifetime from the organization's policy."""
    organization_id = membership.organization_id if membership else ""
    policy = await tx.get_policy(organization_id) if organization_id else SecurityPolicy("")
    token = new_secret_token()
    session = Session(
        id=new_id(),
        token_hash=token_hash(token),
        account_id=account.id,
        organization_id=organization_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.absolute_lifetime,
        ip_address=ip_address[:64],
        user_agent=user_agent[:512],
        authenticated_at=now,
        mfa_enrollment_required=bool(membership)
        and policy.requires_mfa(membership.permissions if membership else frozenset())
        and not mfa_enrolled,
        method=method,
    )
    await tx.insert_session(session)
    await tx.record_events(SessionStarted(_user_actor(account, session, anonymous), now, "", session, account.email))
    return token, session


async def _rotate(
    tx: IdentityTransaction,
    session: Session,
    actor: Principal,
    now: datetime,
    *,
    reason: str,
    authenticated_at: datetime | None = None,
) -> tuple[str, Session]:
    """Replace a session by a new one with a new id and token; the old token stops working at once."""
    token = new_secret_token()
    replacement = replace(
        session,
        id=new_id(),
        token_hash=token_hash(token),
        last_seen_at=now,
        authenticated_at=authenticated_at or session.authenticated_at,
        rotate_required=False,
        revoked_at=None,
    )
    await tx.revoke_session(session.id, now)
    await tx.insert_session(replacement)
    await tx.record_events(SessionEnded(actor, now, "", session, reason))
    return token, replacement


async def _end_presented_session(tx: IdentityTransaction, token: str, actor: Principal, now: datetime) -> None:
    """A browser signing in ends whatever session it held, so no earlier id survives the sign-in."""
    if len(token) > 512:
        return
    session = await tx.find_session_by_token_hash(token_hash(token))
    if session is not None and await tx.revoke_session(session.id, now):
        await tx.record_events(SessionEnded(actor, now, "", session, "replaced_at_sign_in"))


def require_session(principal: Principal) -> None:
    if principal.actor_type != ACTOR_USER or not principal.credential_id:
        raise PermissionDenied("This needs a signed-in person.", reason="SESSION_REQUIRED")


def _system_actor(session: Session) -> Principal:
    return Principal(actor_type=ACTOR_SYSTEM, actor_id="identity", actor_display="identity", credential_id=session.id)


async def password_policy_for(tx: IdentityTransaction, account_id: str) -> tuple[SecurityPolicy, bool]:
    """The rules a person's new password must meet: the strictest of their organizations', and whether they
    are an admin anywhere (admins need longer passwords)."""
    memberships = await tx.active_memberships(account_id)
    policies = [await tx.get_policy(m.organization_id) for m in memberships]
    return strictest(policies), any(is_admin(m.permissions) for m in memberships)


def check_new_password(password: str, policy: SecurityPolicy, email: str, admin: bool) -> None:
    passwords.check_password_rules(password)
    check_password(password, policy, email=email, admin=admin)


def _choose_membership(memberships: list[Membership], organization_id: str) -> Membership | None:
    """The active membership in the requested organization, or the oldest one when none is requested."""
    if organization_id:
        return next((m for m in memberships if m.organization_id == organization_id), None)
    return memberships[0] if memberships else None


def _user_actor(account: Account, session: Session, anonymous: Principal) -> Principal:
    return Principal(
        actor_type=ACTOR_USER,
        actor_id=account.id,
        actor_display=account.email,
        account_id=account.id,
        organization_id=session.organization_id,
        credential_id=session.id,
        ip_address=anonymous.ip_address,
        user_agent=anonymous.user_agent,
    )
