"""Identity's use cases: who may be signed in, for how long, and with which credential."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.common.clock import Clock
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
)
from services.common.ids import new_id, new_secret_token
from services.common.principal import (
    ACTOR_API_KEY,
    ACTOR_USER,
    PLATFORM_ADMIN,
    Principal,
    PrincipalSigner,
)
from services.identity.domain import passwords
from services.identity.domain.events import AccountCreated, LoginLocked, SessionEnded, SessionStarted, SignInFailed
from services.identity.domain.lockout import IpLimiter, LockoutPolicy, register_failure
from services.identity.domain.model import Account, ApiKey, Membership, Session
from services.identity.domain.ports import IdentityStore, InvitationChecker

PLATFORM_ACCOUNTS_CREATE = "platform.accounts.create"
API_KEYS_MANAGE = "api_keys.manage"
INVALID_CREDENTIALS = "Invalid email or password."
API_KEY_PREFIX = "tnt"
# last_seen_at / last_used_at are written at most this often, to keep authentication read-mostly.
TOUCH_INTERVAL = timedelta(seconds=60)
MAX_EMAIL_LENGTH = 320
MAX_NAME_LENGTH = 200


def normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    if not email or len(email) > MAX_EMAIL_LENGTH or "@" not in email or any(ch.isspace() for ch in email):
        raise InvalidArgument("Invalid email address.", [FieldViolation("email", "a valid email address")])
    return email


def token_hash(token: str) -> str:
    """Credentials are stored as SHA-256: they are 256-bit random, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def _name(raw: str, field_name: str) -> str:
    name = raw.strip()
    if len(name) > MAX_NAME_LENGTH or any(ord(ch) < 32 for ch in name):
        raise InvalidArgument(
            f"{field_name} is too long or has control characters.",
            [FieldViolation(field_name, f"at most {MAX_NAME_LENGTH} printable characters")],
        )
    return name


@dataclass(frozen=True)
class SessionPolicy:
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_lifetime: timedelta = timedelta(hours=12)


@dataclass(frozen=True)
class Authenticated:
    principal: Principal
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    secret: str


class IdentityUseCases:
    def __init__(
        self,
        store: IdentityStore,
        clock: Clock,
        signer: PrincipalSigner,
        policy: SessionPolicy,
        lockout: LockoutPolicy | None = None,
        invitations: InvitationChecker | None = None,
    ):
        self._store = store
        self._clock = clock
        self._signer = signer
        self._policy = policy
        self._lockout = lockout or LockoutPolicy()
        self._ip_limiter = IpLimiter(self._lockout)
        self._invitations = invitations

    async def create_account(
        self, principal: Principal, *, email: str, password: str, display_name: str = "", request_id: str = ""
    ) -> Account:
        if not principal.has(PLATFORM_ACCOUNTS_CREATE):
            raise PermissionDenied("Only operators may create accounts directly.", reason="MISSING_PERMISSION")
        normalized = normalize_email(email)
        passwords.check_password_rules(password)
        name = _name(display_name, "display_name")
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
        """An invited person creates their account; membership vouches for the link and its email."""
        if self._invitations is None:
            raise FailedPrecondition("Invitations cannot be checked from here.", reason="NO_MEMBERSHIP_LINK")
        passwords.check_password_rules(password)
        name = _name(display_name, "display_name")
        email = normalize_email(await self._invitations.invited_email(invitation_id, invitation_token))
        return await self._insert_account(replace(actor, actor_display=email), email, password, name)

    async def sign_in(
        self,
        *,
        email: str,
        password: str,
        organization_id: str = "",
        ip_address: str = "",
        user_agent: str = "",
        actor: Principal,
    ) -> tuple[str, Session]:
        """Open a session; every failure is the same Unauthenticated error."""
        try:
            normalized = normalize_email(email)
        except InvalidArgument:
            normalized = ""
        now = self._clock.now()
        retry_after = self._ip_limiter.retry_after(ip_address, now)
        if retry_after:
            raise ResourceExhausted(
                "Too many failed sign-ins from this address; try again later.",
                retry_after_seconds=retry_after,
                reason="TOO_MANY_ATTEMPTS",
            )
        async with self._store.read() as tx:
            account = await tx.find_account_by_email(normalized) if normalized else None
            memberships = await tx.active_memberships(account.id) if account else []
            failures = await tx.get_login_failures(account.id) if account else None
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
            self._ip_limiter.register_failure(ip_address, now)
            async with self._store.write() as tx:
                events: list[object] = [
                    SignInFailed(actor, now, "", normalized, account.id if account else "", organization_id, reason)
                ]
                if account is not None and not matches and not locked:
                    after = register_failure(await tx.get_login_failures(account.id), account.id, now, self._lockout)
                    await tx.save_login_failures(after)
                    if after.is_locked(now):
                        events.append(LoginLocked(actor, now, "", account, after.locked_until or now))
                await tx.record_events(*events)
            raise Unauthenticated(INVALID_CREDENTIALS, reason="INVALID_CREDENTIALS")
        token = new_secret_token()
        session = Session(
            id=new_id(),
            token_hash=token_hash(token),
            account_id=account.id,
            organization_id=chosen.organization_id if chosen else "",
            created_at=now,
            last_seen_at=now,
            expires_at=now + self._policy.absolute_lifetime,
            ip_address=ip_address[:64],
            user_agent=user_agent[:512],
        )
        new_hash = await passwords.hash_password(password) if needs_rehash else None
        async with self._store.write() as tx:
            if new_hash:
                await tx.update_password_hash(account.id, new_hash)
            if failures is not None:
                await tx.clear_login_failures(account.id)
            await tx.insert_session(session)
            await tx.record_events(
                SessionStarted(_user_actor(account, session, actor), now, "", session, account.email)
            )
        return token, session

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

    async def authenticate_session(self, token: str, ip_address: str = "", user_agent: str = "") -> Authenticated:
        if not token or len(token) > 512:
            raise Unauthenticated("Invalid session.", reason="INVALID_SESSION")
        now = self._clock.now()
        async with self._store.read() as tx:
            session = await tx.find_session_by_token_hash(token_hash(token))
            account = await tx.get_account(session.account_id) if session else None
            memberships = await tx.active_memberships(session.account_id) if session else []
        if (
            session is None
            or account is None
            or account.status != "active"
            or session.revoked_at is not None
            or now >= session.expires_at
            or now - session.last_seen_at > self._policy.idle_timeout
        ):
            raise Unauthenticated("Invalid or expired session.", reason="INVALID_SESSION")
        if now - session.last_seen_at >= TOUCH_INTERVAL:
            async with self._store.write() as tx:
                await tx.touch_session(session.id, now)
        # A session opened before membership's events reached us has no organization yet: pick it now.
        membership = _choose_membership(memberships, session.organization_id)
        principal = Principal(
            actor_type=ACTOR_USER,
            actor_id=account.id,
            actor_display=account.email,
            account_id=account.id,
            organization_id=membership.organization_id if membership else session.organization_id,
            permissions=membership.permissions if membership else frozenset(),
            credential_id=session.id,
            ip_address=ip_address,
            user_agent=user_agent,
        )
        return self._mint(principal)

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
            actor_type=ACTOR_API_KEY,
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

    async def create_api_key(
        self,
        principal: Principal,
        *,
        name: str,
        permissions: list[str],
        expires_at: datetime | None = None,
        request_id: str = "",
    ) -> NewApiKey:
        principal.authorize(API_KEYS_MANAGE, principal.organization_id)
        key_name = _name(name, "name")
        if not key_name:
            raise InvalidArgument("An API key needs a name.", [FieldViolation("name", "must not be empty")])
        held = {p for p in principal.permissions if not p.startswith("platform.")}
        requested = set(permissions) or held
        if not requested <= held or PLATFORM_ADMIN in requested:
            raise PermissionDenied(
                f"You can grant only permissions you hold; missing {sorted(requested - held)}.",
                reason="CANNOT_GRANT_PERMISSION",
            )
        now = self._clock.now()
        if expires_at is not None and expires_at <= now:
            raise InvalidArgument(
                "expire_time is in the past.", [FieldViolation("expire_time", "must be in the future")]
            )
        prefix = secrets.token_hex(6)
        secret = f"{API_KEY_PREFIX}_{prefix}_{new_secret_token()}"
        api_key = ApiKey(
            id=new_id(),
            organization_id=principal.organization_id,
            name=key_name,
            prefix=prefix,
            secret_hash=token_hash(secret),
            permissions=frozenset(requested),
            created_by=principal.actor_id,
            created_at=now,
            expires_at=expires_at,
        )
        async with self._store.write() as tx:
            if request_id:
                stored = await tx.load_idempotent(principal.organization_id, "CreateApiKey", request_id)
                if stored is not None:
                    existing = await tx.get_api_key(principal.organization_id, json.loads(stored)["api_key_id"])
                    if existing is not None:
                        return NewApiKey(existing, "")
            await tx.insert_api_key(api_key)
            if request_id:
                await tx.save_idempotent(
                    principal.organization_id,
                    "CreateApiKey",
                    request_id,
                    json.dumps({"api_key_id": api_key.id}).encode(),
                )
        return NewApiKey(api_key, secret)


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
