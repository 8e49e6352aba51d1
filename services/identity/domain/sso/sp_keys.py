"""Our SP keys per SAML connection: rotation with overlap and retirement. Rotating adds a new key pair, published
in our metadata next to the old one; the newest signs AuthnRequests, and every key in use decrypts. The old one
stays in use for the overlap (time for IdPs to fetch our metadata), then leaves metadata and decryption: at once
by an explicit retire call, or when the overlap ends (a lease-guarded worker marks it retired). Every step is
audited with the connection's SP certificates before and after."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from services.common.clock import Clock
from services.common.errors import FailedPrecondition, NotFound
from services.common.ids import new_id
from services.common.permissions import SECURITY_MANAGE
from services.common.principal import Principal, system_principal
from services.identity.domain.sso.connections import sp_entity_id
from services.identity.domain.sso.events import SsoConnectionChanged
from services.identity.domain.sso.model import SAML, SpKey, SsoConnection
from services.identity.domain.sso.ports import SamlToolkit, SsoStore, SsoTransaction

DEFAULT_OVERLAP = timedelta(days=7)
WORKER = "sso-sp-key-retirement"


class SpKeyUseCases:
    def __init__(
        self, store: SsoStore, clock: Clock, saml: SamlToolkit, public_url: str, overlap: timedelta = DEFAULT_OVERLAP
    ):
        self._store = store
        self._clock = clock
        self._saml = saml
        self._public_url = public_url
        self._overlap = overlap

    def _authorize_change(self, principal: Principal) -> datetime:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        return now

    @staticmethod
    async def _owned(tx: SsoTransaction, principal: Principal, connection_id: str) -> SsoConnection:
        connection = await tx.get_connection(connection_id[:64])
        if connection is None or connection.organization_id != principal.organization_id:
            raise NotFound("No such SSO connection.")
        if connection.protocol != SAML:
            raise NotFound("No such SAML connection.")
        return connection

    async def rotate(self, principal: Principal, connection_id: str) -> SpKey:
        """A new key, published next to the keys in use; those retire when the overlap ends."""
        now = self._authorize_change(principal)
        async with self._store.write() as tx:
            before = await self._owned(tx, principal, connection_id)
            private_pem, certificate_pem = self._saml.new_key_pair(sp_entity_id(self._public_url, before.id))
            key = SpKey(new_id(), before.id, private_pem, certificate_pem, now)
            for old in await tx.sp_keys(before.id):
                await tx.schedule_sp_key_retirement(old.id, now + self._overlap)
            await tx.insert_sp_key(key)
            after = await self._owned(tx, principal, before.id)
            await tx.record_events(SsoConnectionChanged(principal, now, "sp_key_rotated", before, after))
        return key

    async def retire(self, principal: Principal, connection_id: str, key_id: str) -> SsoConnection:
        """End an old key's overlap now. The newest key signs our requests, so it cannot be retired: rotate first."""
        now = self._authorize_change(principal)
        async with self._store.write() as tx:
            before = await self._owned(tx, principal, connection_id)
            keys = [key for key in await tx.sp_keys(before.id) if key.in_use(now)]
            if not any(key.id == key_id for key in keys):
                raise NotFound("No such SP key in use on this connection.")
            if keys[0].id == key_id:
                raise FailedPrecondition(
                    "The newest SP key signs the connection's requests; rotate to a new key before retiring it.",
                    reason="SP_KEY_IN_USE",
                )
            await tx.retire_sp_key(before.id, key_id, now)
            after = await self._owned(tx, principal, before.id)
            await tx.record_events(SsoConnectionChanged(principal, now, "sp_key_retired", before, after))
            return after

    async def retire_past_overlap(self) -> int:
        """The worker's pass: mark retired (and audit) every key whose overlap has ended."""
        now = self._clock.now()
        retired = 0
        async with self._store.write() as tx:
            for key in await tx.sp_keys_past_overlap(now):
                before = await tx.get_connection(key.connection_id)
                if not await tx.retire_sp_key(key.connection_id, key.id, now) or before is None:
                    continue
                after = await tx.get_connection(key.connection_id)
                actor = replace(system_principal(WORKER), organization_id=before.organization_id)
                await tx.record_events(SsoConnectionChanged(actor, now, "sp_key_retired", before, after))
                retired += 1
        return retired
