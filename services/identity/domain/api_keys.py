"""API keys and service accounts: an organization's credentials for programs."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from services.common.clock import Clock
from services.common.entitlements import LIMIT_API_KEYS, require_limit
from services.common.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from services.common.ids import new_id, new_secret_token
from services.common.people import clean_display_name
from services.common.permissions import API_KEYS_MANAGE, PLATFORM_ADMIN
from services.common.principal import ACTOR_SERVICE_ACCOUNT, Principal
from services.identity.domain.events import ApiKeyCreated, CredentialRevoked
from services.identity.domain.model import API_KEY_KIND, SERVICE_ACCOUNT_KIND, ApiKey
from services.identity.domain.ports import IdentityStore
from services.identity.domain.tokens import token_hash

API_KEY_PREFIX = "tnt"


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    secret: str


class ApiKeyUseCases:
    def __init__(self, store: IdentityStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def create_api_key(
        self,
        principal: Principal,
        *,
        name: str,
        permissions: list[str],
        expires_at: datetime | None = None,
        idempotency_key: str = "",
        kind: str = API_KEY_KIND,
    ) -> NewApiKey:
        """A credential for programs, never granting more than its creator holds; its secret is shown once."""
        principal.authorize(API_KEYS_MANAGE, principal.organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        key_name = clean_display_name(name, "name")
        if not key_name:
            raise InvalidArgument("A key needs a name.", [FieldViolation("name", "must not be empty")])
        held = {p for p in principal.permissions if not p.startswith("platform.")}
        requested = set(permissions) or held
        if not requested <= held or PLATFORM_ADMIN in requested:
            raise PermissionDenied(
                f"You can grant only permissions you hold; missing {sorted(requested - held)}.",
                reason="CANNOT_GRANT_PERMISSION",
            )
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
            kind=kind,
        )
        operation = "CreateServiceAccount" if kind == SERVICE_ACCOUNT_KIND else "CreateApiKey"
        async with self._store.write() as tx:
            if idempotency_key:
                stored = await tx.load_idempotent(principal.organization_id, operation, idempotency_key)
                if stored is not None:
                    existing = await tx.get_api_key(principal.organization_id, json.loads(stored)["api_key_id"])
                    if existing is not None:
                        return NewApiKey(existing, "")
            entitlements = await tx.lock_entitlements(principal.organization_id)
            in_use = await tx.count_active_api_keys(principal.organization_id, now)
            require_limit(entitlements, principal.organization_id, LIMIT_API_KEYS, in_use + 1)
            await tx.insert_api_key(api_key)
            await tx.record_events(ApiKeyCreated(principal, now, api_key))
            if idempotency_key:
                await tx.save_idempotent(
                    principal.organization_id,
                    operation,
                    idempotency_key,
                    json.dumps({"api_key_id": api_key.id}).encode(),
                )
        return NewApiKey(api_key, secret)

    async def create_service_account(
        self,
        principal: Principal,
        *,
        name: str,
        permissions: list[str],
        expires_at: datetime | None = None,
        idempotency_key: str = "",
    ) -> NewApiKey:
        if principal.actor_type == ACTOR_SERVICE_ACCOUNT:
            raise PermissionDenied("A service account cannot create service accounts.", reason="NOT_ALLOWED")
        return await self.create_api_key(
            principal,
            name=name,
            permissions=permissions,
            expires_at=expires_at,
            idempotency_key=idempotency_key,
            kind=SERVICE_ACCOUNT_KIND,
        )

    async def list_api_keys(self, principal: Principal, include_inactive: bool = False) -> list[ApiKey]:
        principal.authorize(API_KEYS_MANAGE, principal.organization_id)
        async with self._store.read() as tx:
            return await tx.list_api_keys(principal.organization_id, include_inactive, self._clock.now())

    async def revoke_api_key(self, principal: Principal, api_key_id: str) -> ApiKey:
        principal.authorize(API_KEYS_MANAGE, principal.organization_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            api_key = await tx.get_api_key(principal.organization_id, api_key_id[:64])
            if api_key is None:
                raise NotFound("No such API key.")
            if await tx.revoke_api_key(api_key.id, now):
                api_key = replace(api_key, revoked_at=now)
                await tx.record_events(CredentialRevoked(principal, now, api_key))
        return api_key
