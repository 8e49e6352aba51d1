"""SCIM tokens: the bearer credentials an identity provider provisions one organization with. Shown once and
stored hashed; rotation keeps the old token working for an overlap; revocation is effective at once (the gateway
asks identity for every request it has not resolved within its few seconds of cache)."""

from __future__ import annotations

import hmac
import json
import secrets
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from services.common.clock import Clock
from services.common.errors import FieldViolation, InvalidArgument, NotFound, Unauthenticated
from services.common.ids import new_id, new_secret_token
from services.common.people import clean_display_name
from services.common.permissions import (
    GROUPS_CREATE,
    GROUPS_MANAGE,
    MEMBERS_INVITE,
    MEMBERS_MANAGE_ROLES,
    MEMBERS_READ,
    MEMBERS_REMOVE,
    SEATS_TRUE_UP,
    SECURITY_MANAGE,
)
from services.common.principal import ACTOR_SCIM, Principal
from services.identity.domain.authentication import Authenticated
from services.identity.domain.events import ApiKeyCreated, CredentialRevoked
from services.identity.domain.model import ApiKey
from services.identity.domain.ports import IdentityTransaction
from services.identity.domain.tokens import token_hash

SCIM_TOKEN_PREFIX = "scim"
SCIM_TOKEN_KIND = "scim_token"
SCIM_ENTITLEMENT = "scim"
MAX_OVERLAP = timedelta(days=7)
TOUCH_INTERVAL = timedelta(minutes=1)
# What a SCIM principal may do in its organization: provision, deprovision and group members (billing accepts
# members.invite to hold their seats); it never holds an Owner's other powers.
SCIM_PERMISSIONS = frozenset(
    {MEMBERS_READ, MEMBERS_INVITE, MEMBERS_REMOVE, MEMBERS_MANAGE_ROLES, GROUPS_MANAGE, GROUPS_CREATE, SEATS_TRUE_UP}
)


@dataclass(frozen=True)
class ScimToken:
    id: str
    organization_id: str
    name: str
    prefix: str
    secret_hash: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def works_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def as_credential(self) -> ApiKey:
        """The token as the credential events (created, revoked) describe it, kind "scim_token"."""
        return ApiKey(
            id=self.id,
            organization_id=self.organization_id,
            name=self.name,
            prefix=self.prefix,
            secret_hash="",
            permissions=SCIM_PERMISSIONS,
            created_by=self.created_by,
            created_at=self.created_at,
            expires_at=self.expires_at,
            revoked_at=self.revoked_at,
            kind=SCIM_TOKEN_KIND,
        )


@dataclass(frozen=True)
class NewScimToken:
    token: ScimToken
    # Empty when an idempotent retry returns a token created before.
    secret: str


class Entitlements(Protocol):
    """What the organization's plan includes (services.common.entitlements over identity's projection)."""

    async def require(self, organization_id: str, entitlement: str) -> None:
        """Raise FailedPrecondition (reason ENTITLEMENT_REQUIRED, or ENTITLEMENTS_UNKNOWN before billing's set
        arrived) unless the organization's plan includes it."""
        ...


class ScimTokenTransaction(IdentityTransaction, Protocol):
    async def insert_scim_token(self, token: ScimToken) -> None: ...
    async def find_scim_token_by_prefix(self, prefix: str) -> ScimToken | None: ...
    async def get_scim_token(self, organization_id: str, token_id: str) -> ScimToken | None: ...
    async def touch_scim_token(self, token_id: str, used_at: datetime) -> None: ...
    async def list_scim_tokens(
        self, organization_id: str, include_inactive: bool, now: datetime
    ) -> list[ScimToken]: ...
    async def revoke_scim_token(self, token_id: str, now: datetime) -> bool: ...
    async def expire_scim_token(self, token_id: str, expires_at: datetime) -> None: ...


class ScimTokenStore(Protocol):
    def write(self) -> AbstractAsyncContextManager[ScimTokenTransaction]: ...
    def read(self) -> AbstractAsyncContextManager[ScimTokenTransaction]: ...


class PrincipalMinter(Protocol):
    def mint(self, principal: Principal) -> tuple[str, datetime]: ...


class ScimTokenUseCases:
    def __init__(self, store: ScimTokenStore, clock: Clock, entitlements: Entitlements, minter: PrincipalMinter):
        self._store = store
        self._clock = clock
        self._entitlements = entitlements
        self._minter = minter

    async def create(
        self, principal: Principal, name: str, expires_at: datetime | None = None, idempotency_key: str = ""
    ) -> NewScimToken:
        organization_id = principal.organization_id
        principal.authorize(SECURITY_MANAGE, organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        token_name = clean_display_name(name, "name")
        if not token_name:
            raise InvalidArgument("A token needs a name.", [FieldViolation("name", "must not be empty")])
        if expires_at is not None and expires_at <= now:
            raise InvalidArgument("expire_time is in the past.", [FieldViolation("expire_time", "in the future")])
        await self._entitlements.require(organization_id, SCIM_ENTITLEMENT)
        return await self._issue(principal, token_name, expires_at, "CreateScimToken", idempotency_key)

    async def _issue(
        self,
        principal: Principal,
        name: str,
        expires_at: datetime | None,
        operation: str,
        idempotency_key: str,
        previous: tuple[ScimToken, datetime] | None = None,
    ) -> NewScimToken:
        now = self._clock.now()
        prefix = secrets.token_hex(6)
        secret = f"{SCIM_TOKEN_PREFIX}_{prefix}_{new_secret_token()}"
        token = ScimToken(
            id=new_id(),
            organization_id=principal.organization_id,
            name=name,
            prefix=prefix,
            secret_hash=token_hash(secret),
            created_by=principal.actor_id,
            created_at=now,
            expires_at=expires_at,
        )
        async with self._store.write() as tx:
            if idempotency_key:
                stored = await tx.load_idempotent(principal.organization_id, operation, idempotency_key)
                if stored is not None:
                    existing = await tx.get_scim_token(principal.organization_id, json.loads(stored)["token_id"])
                    if existing is not None:
                        return NewScimToken(existing, "")
            await tx.insert_scim_token(token)
            await tx.record_events(ApiKeyCreated(principal, now, token.as_credential()))
            if previous is not None:
                old, ends_at = previous
                if ends_at <= now:
                    if await tx.revoke_scim_token(old.id, now):
                        await tx.record_events(
                            CredentialRevoked(principal, now, replace(old, revoked_at=now).as_credential())
                        )
                else:
                    await tx.expire_scim_token(old.id, ends_at)
            if idempotency_key:
                await tx.save_idempotent(
                    principal.organization_id, operation, idempotency_key, json.dumps({"token_id": token.id}).encode()
                )
        return NewScimToken(token, secret)

    async def list_tokens(self, principal: Principal, include_inactive: bool = False) -> list[ScimToken]:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        async with self._store.read() as tx:
            return await tx.list_scim_tokens(principal.organization_id, include_inactive, self._clock.now())

    async def rotate(
        self, principal: Principal, token_id: str, overlap: timedelta, idempotency_key: str = ""
    ) -> tuple[NewScimToken, ScimToken]:
        """A new token with the old one's name and expiry; the old one works until the overlap ends."""
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        if not timedelta(0) <= overlap <= MAX_OVERLAP:
            raise InvalidArgument("The overlap is 0 to 7 days.", [FieldViolation("overlap_seconds", "0 to 604800")])
        async with self._store.read() as tx:
            old = await tx.get_scim_token(principal.organization_id, token_id[:64])
        if old is None or not old.works_at(now):
            raise NotFound("No such active SCIM token.")
        issued = await self._issue(
            principal, old.name, old.expires_at, "RotateScimToken", idempotency_key, (old, now + overlap)
        )
        async with self._store.read() as tx:
            previous = await tx.get_scim_token(principal.organization_id, old.id)
        return issued, previous or old

    async def revoke(self, principal: Principal, token_id: str) -> ScimToken:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            token = await tx.get_scim_token(principal.organization_id, token_id[:64])
            if token is None:
                raise NotFound("No such SCIM token.")
            if await tx.revoke_scim_token(token.id, now):
                token = replace(token, revoked_at=now)
                await tx.record_events(CredentialRevoked(principal, now, token.as_credential()))
        return token

    async def authenticate(self, secret: str, ip_address: str = "", user_agent: str = "") -> Authenticated:
        """The SCIM principal of a working token; Unauthenticated otherwise (never which part failed)."""
        invalid = Unauthenticated("Invalid SCIM token.", reason="INVALID_SCIM_TOKEN")
        parts = secret.split("_", 2)
        if len(secret) > 512 or len(parts) != 3 or parts[0] != SCIM_TOKEN_PREFIX:
            raise invalid
        now = self._clock.now()
        async with self._store.read() as tx:
            token = await tx.find_scim_token_by_prefix(parts[1])
        if token is None or not hmac.compare_digest(token.secret_hash, token_hash(secret)) or not token.works_at(now):
            raise invalid
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
            async with self._store.write() as tx:
                await tx.touch_scim_token(token.id, now)
        principal = Principal(
            actor_type=ACTOR_SCIM,
            actor_id=token.id,
            actor_display=token.name,
            organization_id=token.organization_id,
            permissions=SCIM_PERMISSIONS,
            credential_id=token.id,
            ip_address=ip_address,
            user_agent=user_agent,
        )
        principal_token, expires_at = self._minter.mint(principal)
        return Authenticated(principal, principal_token, expires_at)
