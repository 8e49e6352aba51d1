"""IdP metadata imported from a URL, fetched again on a schedule by a lease-guarded worker (one replica).

A changed certificate set or SSO URL is applied and audited with the connection before and after (the
certificates' fingerprints included). A failed fetch, or metadata we would not import, keeps the last good
metadata in force and records the failure on the connection (shown over gRPC and REST); the first failure after a
success is audited, and the next success clears it. Metadata naming another entity id is refused: the connection's
IdP does not change identity by a refresh.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from services.common.clock import Clock
from services.common.errors import DomainError
from services.common.principal import system_principal
from services.identity.domain.sso.connections import MAX_CERTIFICATES, parse_certificate
from services.identity.domain.sso.events import SsoConnectionChanged
from services.identity.domain.sso.model import SsoConnection
from services.identity.domain.sso.ports import (
    ImportedMetadata,
    MetadataFetcher,
    SamlToolkit,
    SsoStore,
    SsoTransaction,
)

WORKER = "sso-metadata-refresh"
MAX_ERROR_LENGTH = 500


class MetadataRefresh:
    def __init__(self, store: SsoStore, clock: Clock, saml: SamlToolkit, fetcher: MetadataFetcher):
        self._store = store
        self._clock = clock
        self._saml = saml
        self._fetcher = fetcher

    async def run_pass(self) -> int:
        """Refresh every connection with a metadata URL; how many changed."""
        async with self._store.read() as tx:
            connections = await tx.connections_with_metadata_url()
        changed = 0
        for connection in connections:
            changed += await self.refresh(connection)
        return changed

    async def _fetched(self, connection: SsoConnection) -> ImportedMetadata | str:
        """The metadata as imported, or why it cannot be."""
        try:
            imported = self._saml.read_idp_metadata(await self._fetcher.fetch(connection.metadata_url))
        except DomainError as error:
            return error.message
        except Exception:  # the worker goes on with the other connections; the cause is recorded generically
            return "The metadata could not be fetched or read."
        if imported.entity_id != connection.idp_entity_id:
            return "The metadata describes another entity id than the connection's identity provider."
        return imported

    async def refresh(self, connection: SsoConnection) -> int:
        fetched = await self._fetched(connection)
        now = self._clock.now()
        async with self._store.write() as tx:
            before = await tx.get_connection(connection.id)
            if before is None or before.metadata_url != connection.metadata_url:
                return 0  # deleted or re-imported meanwhile
            if isinstance(fetched, str):
                await self._record_failure(tx, before, fetched, now)
                return 0
            certificates = [parse_certificate(pem, before.id, now) for pem in fetched.certificates_pem]
            certificates = certificates[:MAX_CERTIFICATES]
            same_certificates = {c.fingerprint_sha256 for c in certificates} == {
                c.fingerprint_sha256 for c in before.certificates
            }
            status = replace(
                before, metadata_refreshed_at=now, metadata_refresh_failed_at=None, metadata_refresh_error=""
            )
            if same_certificates and fetched.sso_url == before.idp_sso_url:
                # Unchanged: only the refresh state moves (not a configuration change, so the version stays).
                await tx.save_connection(status, before.version)
                return 0
            updated = replace(status, idp_sso_url=fetched.sso_url, version=before.version + 1, updated_at=now)
            if not await tx.save_connection(updated, before.version):
                return 0  # changed by an administrator meanwhile: the next pass looks again
            if not same_certificates:
                await tx.replace_idp_certificates(before.id, certificates)
            after = await tx.get_connection(before.id)
            actor = replace(system_principal(WORKER), organization_id=before.organization_id)
            await tx.record_events(SsoConnectionChanged(actor, now, "metadata_refreshed", before, after))
            return 1

    @staticmethod
    async def _record_failure(tx: SsoTransaction, before: SsoConnection, error: str, now: datetime) -> None:
        after = replace(before, metadata_refresh_failed_at=now, metadata_refresh_error=error[:MAX_ERROR_LENGTH])
        await tx.save_connection(after, before.version)
        if not before.metadata_refresh_error:
            actor = replace(system_principal(WORKER), organization_id=before.organization_id)
            await tx.record_events(SsoConnectionChanged(actor, now, "metadata_refresh_failed", before, after))
