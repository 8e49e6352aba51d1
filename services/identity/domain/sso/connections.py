"""Managing connections to identity providers: create, change, certificates, metadata, our SP keys.
Every change needs "security.manage" and a recent sign-in, and is audited with before and after."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime

from cryptography import x509

from services.common.clock import Clock
from services.common.errors import Aborted, FieldViolation, InvalidArgument, NotFound
from services.common.ids import new_id
from services.common.permissions import SECURITY_MANAGE
from services.common.principal import Principal
from services.identity.domain.oidc import check_algorithm_allow_list
from services.identity.domain.sso.events import SsoConnectionChanged
from services.identity.domain.sso.model import (
    OIDC,
    PROTOCOLS,
    SAML,
    AttributeMapping,
    IdpCertificate,
    SpKey,
    SsoConnection,
)
from services.identity.domain.sso.ports import Entitlements, MetadataFetcher, SamlToolkit, SsoStore, SsoTransaction

SSO_ENTITLEMENT = "sso"
MAX_CERTIFICATES = 5

# Attribute names the common identity providers send (SAML claim URIs), applied when a preset is chosen.
PRESETS: dict[str, AttributeMapping] = {
    "entra_id": AttributeMapping(
        email="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        display_name="http://schemas.microsoft.com/identity/claims/displayname",
        groups="http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    ),
    "okta": AttributeMapping(email="email", display_name="displayName", groups="groups"),
    "google": AttributeMapping(email="email", display_name="name", groups="groups"),
}

EDITABLE_FIELDS = frozenset(
    {
        "name",
        "enabled",
        "idp_initiated_enabled",
        "jit_provisioning",
        "default_role",
        "attribute_mapping",
        "group_mappings",
        "idp_entity_id",
        "idp_sso_url",
        "require_encrypted_assertions",
        "oidc_issuer",
        "oidc_client_id",
        "oidc_allowed_algorithms",
        "oidc_client_secret",
        "oidc_scopes",
    }
)


def acs_url(public_url: str, connection_id: str) -> str:
    """Our Assertion Consumer Service URL: from the configured public URL, never from a request's Host."""
    return f"{public_url.rstrip('/')}/sso/saml/{connection_id}/acs"


def sp_entity_id(public_url: str, connection_id: str) -> str:
    return f"{public_url.rstrip('/')}/sso/saml/{connection_id}/metadata"


def parse_certificate(
    pem: str, connection_id: str, now: datetime, field_name: str = "certificate_pem"
) -> IdpCertificate:
    try:
        certificate = x509.load_pem_x509_certificate(pem.strip().encode())
    except ValueError:
        raise InvalidArgument(
            "The certificate is not a PEM X.509 certificate.", [FieldViolation(field_name, "not a PEM certificate")]
        ) from None
    der_hash = hashlib.sha256(certificate.public_bytes(encoding=_der())).hexdigest()
    return IdpCertificate(
        id=new_id(),
        connection_id=connection_id,
        certificate_pem=pem.strip() + "\n",
        fingerprint_sha256=der_hash,
        expires_at=certificate.not_valid_after_utc.astimezone(UTC),
        created_at=now,
    )


def _der():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def oidc_problems(connection: SsoConnection) -> list[FieldViolation]:
    """An OIDC connection's own rules: an http(s) issuer, a client, an asymmetric algorithm allow-list."""
    problems: list[FieldViolation] = []
    if connection.oidc_issuer and not connection.oidc_issuer.startswith(("https://", "http://")):
        problems.append(FieldViolation("oidc.issuer", "an http(s) URL"))
    if len(connection.oidc_client_secret) > 1024:
        problems.append(FieldViolation("oidc.client_secret", "at most 1024 characters"))
    if len(connection.oidc_scopes) > 20 or any(not s or len(s) > 100 or " " in s for s in connection.oidc_scopes):
        problems.append(FieldViolation("oidc.scopes", "at most 20 scopes of 1 to 100 characters, no spaces"))
    if connection.oidc_allowed_algorithms:
        try:
            check_algorithm_allow_list(connection.oidc_allowed_algorithms)
        except InvalidArgument as error:
            problems.append(FieldViolation("oidc.allowed_algorithms", error.message))
    return problems


def check_connection(connection: SsoConnection) -> None:
    problems: list[FieldViolation] = []
    if not connection.name.strip() or len(connection.name) > 200:
        problems.append(FieldViolation("name", "1 to 200 characters"))
    if connection.protocol not in PROTOCOLS:
        problems.append(FieldViolation("protocol", "SAML or OIDC"))
    if connection.preset and connection.preset not in PRESETS:
        problems.append(FieldViolation("preset", f"one of {sorted(PRESETS)}"))
    for name in ("idp_entity_id", "idp_sso_url", "oidc_issuer", "oidc_client_id"):
        if len(getattr(connection, name)) > 1024:
            problems.append(FieldViolation(name, "at most 1024 characters"))
    if connection.idp_sso_url and not connection.idp_sso_url.startswith(("https://", "http://")):
        problems.append(FieldViolation("idp_sso_url", "an http(s) URL"))
    if "none" in {a.lower() for a in connection.oidc_allowed_algorithms}:
        problems.append(FieldViolation("oidc_allowed_algorithms", '"none" is never allowed'))
    if connection.protocol == OIDC:
        problems.extend(oidc_problems(connection))
    if problems:
        raise InvalidArgument("The connection has invalid fields.", problems)


class ConnectionUseCases:
    def __init__(
        self,
        store: SsoStore,
        clock: Clock,
        saml: SamlToolkit,
        entitlements: Entitlements,
        public_url: str,
        metadata_fetcher: MetadataFetcher | None = None,
    ):
        self._store = store
        self._clock = clock
        self._saml = saml
        self._entitlements = entitlements
        self._public_url = public_url
        self._fetcher = metadata_fetcher

    def acs_url(self, connection_id: str) -> str:
        return acs_url(self._public_url, connection_id)

    def sp_entity_id(self, connection_id: str) -> str:
        return sp_entity_id(self._public_url, connection_id)

    def _authorize_change(self, principal: Principal) -> datetime:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        return now

    async def _owned(self, tx: SsoTransaction, principal: Principal, connection_id: str) -> SsoConnection:
        connection = await tx.get_connection(connection_id[:64])
        if connection is None or connection.organization_id != principal.organization_id:
            raise NotFound("No such SSO connection.")
        return connection

    async def create(self, principal: Principal, draft: SsoConnection, idempotency_key: str = "") -> SsoConnection:
        now = self._authorize_change(principal)
        mapping = PRESETS.get(draft.preset, draft.attribute_mapping)
        connection = replace(
            draft,
            id=new_id(),
            organization_id=principal.organization_id,
            name=draft.name.strip(),
            enabled=False,
            attribute_mapping=mapping,
            certificates=(),
            version=1,
            created_at=now,
            updated_at=now,
        )
        check_connection(connection)
        async with self._store.write() as tx:
            if idempotency_key:
                stored = await tx.load_idempotent(principal.organization_id, "CreateSsoConnection", idempotency_key)
                if stored is not None:
                    return await self._owned(tx, principal, json.loads(stored)["connection_id"])
            await tx.insert_connection(connection)
            if connection.protocol == SAML:
                private_pem, certificate_pem = self._saml.new_key_pair(self.sp_entity_id(connection.id))
                await tx.insert_sp_key(SpKey(new_id(), connection.id, private_pem, certificate_pem, now))
                connection = await self._owned(tx, principal, connection.id)  # with its SP certificate
            await tx.record_events(SsoConnectionChanged(principal, now, "created", None, connection))
            if idempotency_key:
                await tx.save_idempotent(
                    principal.organization_id,
                    "CreateSsoConnection",
                    idempotency_key,
                    json.dumps({"connection_id": connection.id}).encode(),
                )
        return connection

    async def get(self, principal: Principal, connection_id: str) -> SsoConnection:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        async with self._store.read() as tx:
            return await self._owned(tx, principal, connection_id)

    async def list(self, principal: Principal) -> list[SsoConnection]:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        async with self._store.read() as tx:
            return await tx.list_connections(principal.organization_id)

    async def update(
        self, principal: Principal, connection_id: str, changes: dict[str, object], expected_version: int = 0
    ) -> SsoConnection:
        now = self._authorize_change(principal)
        unknown = sorted(set(changes) - EDITABLE_FIELDS)
        if unknown or not changes:
            raise InvalidArgument(
                "The update mask must name fields that can be changed.",
                [FieldViolation("update_mask", f"cannot change {name!r}") for name in unknown]
                or [FieldViolation("update_mask", "not empty")],
            )
        async with self._store.write() as tx:
            before = await self._owned(tx, principal, connection_id)
            if expected_version and expected_version != before.version:
                raise Aborted("The connection changed since you read it; reload and try again.", reason="ETAG_MISMATCH")
            after = replace(before, **changes, version=before.version + 1, updated_at=now)  # type: ignore[arg-type]
            check_connection(after)
            if after.enabled and not before.enabled:
                await self._entitlements.require(principal.organization_id, SSO_ENTITLEMENT)
                check_ready(after)
            if not await tx.save_connection(after, before.version):
                raise Aborted("The connection changed at the same time; try again.", reason="CONCURRENT_UPDATE")
            await tx.record_events(SsoConnectionChanged(principal, now, "updated", before, after))
        return after

    async def delete(self, principal: Principal, connection_id: str) -> None:
        now = self._authorize_change(principal)
        async with self._store.write() as tx:
            before = await self._owned(tx, principal, connection_id)
            await tx.delete_connection(before.id)
            await tx.record_events(SsoConnectionChanged(principal, now, "deleted", before, None))

    async def add_certificate(self, principal: Principal, connection_id: str, certificate_pem: str) -> SsoConnection:
        now = self._authorize_change(principal)
        async with self._store.write() as tx:
            before = await self._owned(tx, principal, connection_id)
            certificate = parse_certificate(certificate_pem, before.id, now)
            if len(before.certificates) >= MAX_CERTIFICATES:
                raise InvalidArgument(
                    f"A connection trusts at most {MAX_CERTIFICATES} certificates; remove an old one first.",
                    [FieldViolation("certificate_pem", "too many certificates")],
                )
            if await tx.insert_idp_certificate(certificate):
                after = await self._owned(tx, principal, before.id)
                await tx.record_events(SsoConnectionChanged(principal, now, "certificate_added", before, after))
                return after
            return before

    async def remove_certificate(self, principal: Principal, connection_id: str, certificate_id: str) -> SsoConnection:
        now = self._authorize_change(principal)
        async with self._store.write() as tx:
            before = await self._owned(tx, principal, connection_id)
            if not await tx.delete_idp_certificate(before.id, certificate_id[:64]):
                raise NotFound("No such certificate on this connection.")
            after = await self._owned(tx, principal, before.id)
            await tx.record_events(SsoConnectionChanged(principal, now, "certificate_removed", before, after))
            return after

    async def import_metadata(
        self, principal: Principal, connection_id: str, *, metadata_xml: str = "", metadata_url: str = ""
    ) -> SsoConnection:
        now = self._authorize_change(principal)
        # Another organization's connection is not found before anything is fetched on its behalf.
        async with self._store.read() as tx:
            await self._owned(tx, principal, connection_id)
        if metadata_url:
            if not metadata_url.startswith("https://"):
                raise InvalidArgument("Metadata is fetched over HTTPS.", [FieldViolation("metadata_url", "https URL")])
            if self._fetcher is None:
                raise InvalidArgument("Fetching metadata is not configured.", [FieldViolation("metadata_url", "")])
            metadata_xml = await self._fetcher.fetch(metadata_url)
        if not metadata_xml or len(metadata_xml) > 512 * 1024:
            raise InvalidArgument("Give the metadata XML (at most 512 KiB).", [FieldViolation("metadata_xml", "")])
        imported = self._saml.read_idp_metadata(metadata_xml)
        async with self._store.write() as tx:
            before = await self._owned(tx, principal, connection_id)
            certificates = [parse_certificate(pem, before.id, now) for pem in imported.certificates_pem]
            after = replace(
                before,
                idp_entity_id=imported.entity_id,
                idp_sso_url=imported.sso_url,
                metadata_url=metadata_url,
                metadata_refreshed_at=now if metadata_url else None,
                metadata_refresh_failed_at=None,
                metadata_refresh_error="",
                version=before.version + 1,
                updated_at=now,
            )
            if not await tx.save_connection(after, before.version):
                raise Aborted("The connection changed at the same time; try again.", reason="CONCURRENT_UPDATE")
            await tx.replace_idp_certificates(before.id, certificates[:MAX_CERTIFICATES])
            after = await self._owned(tx, principal, before.id)
            await tx.record_events(SsoConnectionChanged(principal, now, "metadata_imported", before, after))
            return after

    async def sp_metadata(self, connection_id: str) -> str:
        """Public: identity providers fetch it. Every SP key in use, for signing and encryption."""
        async with self._store.read() as tx:
            connection = await tx.get_connection(connection_id[:64])
            if connection is None or connection.protocol != SAML:
                raise NotFound("No such SAML connection.")
            now = self._clock.now()
            keys = [key for key in await tx.sp_keys(connection.id) if key.in_use(now)]
        return self._saml.sp_metadata(
            self.sp_entity_id(connection.id), self.acs_url(connection.id), [k.certificate_pem for k in keys]
        )


def check_ready(connection: SsoConnection) -> None:
    """A connection can be enabled only when it can verify what its IdP sends."""
    if connection.protocol == SAML and not (
        connection.idp_entity_id and connection.idp_sso_url and connection.certificates
    ):
        raise InvalidArgument(
            "Import the IdP metadata (entity id, SSO URL, certificate) before enabling the connection.",
            [FieldViolation("enabled", "the connection is not configured")],
        )
