"""SSO's tables: connections (settings as JSON), certificates, SP keys, domains, the policy, pending sign-ins,
the replay cache and the (issuer, subject) links."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import Row, delete, insert, select, update

from services.common.projections import insert_new
from services.common.secret_box import SecretBox
from services.identity.domain.model import Session
from services.identity.domain.sso.model import (
    AttributeMapping,
    GroupMapping,
    IdentityLink,
    IdpCertificate,
    PendingSignIn,
    SpCertificate,
    SpKey,
    SsoConnection,
    SsoDomain,
    SsoPolicy,
)
from services.identity.store.queries import Queries, entity_of, row_of
from services.identity.store.tables import (
    sessions,
    sso_connections,
    sso_domains,
    sso_identity_links,
    sso_idp_certificates,
    sso_pending_sign_ins,
    sso_policies,
    sso_replay_cache,
    sso_sp_keys,
)

# Connection fields kept in their own columns; every other field goes into the JSON settings document.
_COLUMNS = frozenset({"id", "organization_id", "name", "protocol", "enabled", "version", "created_at", "updated_at"})
_NOT_STORED = frozenset({"certificates", "sp_certificates"})
# Settings that are moments: ISO 8601 text in the JSON document.
_MOMENTS = ("metadata_refreshed_at", "metadata_refresh_failed_at")


def client_secret_context(connection_id: str) -> str:
    """Where an OIDC client secret is stored: its sealed value opens only in its own connection's row."""
    return f"identity.sso_connections:{connection_id}"


def sp_key_context(key_id: str) -> str:
    """Where an SP private key is stored: its sealed value opens only in its own row."""
    return f"identity.sso_sp_keys:{key_id}"


def _settings_of(connection: SsoConnection, box: SecretBox) -> str:
    document = {
        name: value for name, value in asdict(connection).items() if name not in _COLUMNS and name not in _NOT_STORED
    }
    for name in _MOMENTS:
        moment = getattr(connection, name)
        document[name] = moment.isoformat() if moment else None
    if connection.oidc_client_secret:
        document["oidc_client_secret"] = box.seal(connection.oidc_client_secret, client_secret_context(connection.id))
    return json.dumps(document, sort_keys=True)


def _fingerprint(certificate_pem: str) -> str:
    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def _sp_certificate(key: SpKey) -> SpCertificate:
    return SpCertificate(key.id, key.certificate_pem, _fingerprint(key.certificate_pem), key.created_at, key.retires_at)


def _connection(
    row: Row, certificates: list[IdpCertificate], box: SecretBox, sp_keys: list[SpKey] | None = None
) -> SsoConnection:
    settings: dict[str, Any] = json.loads(row.settings)
    for name in _MOMENTS:
        if settings.get(name):
            settings[name] = datetime.fromisoformat(settings[name])
    if settings.get("oidc_client_secret"):
        settings["oidc_client_secret"] = box.open(settings["oidc_client_secret"], client_secret_context(row.id))
    mapping = settings.pop("attribute_mapping", {}) or {}
    groups = settings.pop("group_mappings", []) or []
    algorithms = settings.pop("oidc_allowed_algorithms", []) or []
    scopes = settings.pop("oidc_scopes", []) or []
    known = SsoConnection.__dataclass_fields__
    return SsoConnection(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        protocol=row.protocol,
        enabled=row.enabled,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        attribute_mapping=AttributeMapping(**mapping),
        group_mappings=tuple(GroupMapping(**g) for g in groups),
        oidc_allowed_algorithms=tuple(algorithms),
        oidc_scopes=tuple(scopes),
        certificates=tuple(certificates),
        sp_certificates=tuple(_sp_certificate(key) for key in sp_keys or []),
        **{k: v for k, v in settings.items() if k in known},
    )


class SsoQueries(Queries):
    # Seals OIDC client secrets at rest; SqlIdentityStore gives each of its transactions the service's box.
    secret_box: SecretBox

    async def _certificates(self, connection_id: str) -> list[IdpCertificate]:
        rows = await self.connection.execute(
            select(sso_idp_certificates)
            .where(sso_idp_certificates.c.connection_id == connection_id)
            .order_by(sso_idp_certificates.c.created_at, sso_idp_certificates.c.id)
        )
        return [entity_of(IdpCertificate, row) for row in rows]

    async def insert_connection(self, connection: SsoConnection) -> None:
        await self.connection.execute(
            insert(sso_connections).values(
                id=connection.id,
                organization_id=connection.organization_id,
                name=connection.name,
                protocol=connection.protocol,
                enabled=connection.enabled,
                settings=_settings_of(connection, self.secret_box),
                version=connection.version,
                created_at=connection.created_at,
                updated_at=connection.updated_at,
            )
        )

    async def get_connection(self, connection_id: str) -> SsoConnection | None:
        row = await self._one(select(sso_connections).where(sso_connections.c.id == connection_id))
        if row is None:
            return None
        return _connection(row, await self._certificates(row.id), self.secret_box, await self.sp_keys(row.id))

    async def list_connections(self, organization_id: str) -> list[SsoConnection]:
        rows = (
            await self.connection.execute(
                select(sso_connections)
                .where(sso_connections.c.organization_id == organization_id)
                .order_by(sso_connections.c.created_at, sso_connections.c.id)
            )
        ).all()
        return [
            _connection(row, await self._certificates(row.id), self.secret_box, await self.sp_keys(row.id))
            for row in rows
        ]

    async def connections_with_metadata_url(self) -> list[SsoConnection]:
        """SAML connections of every organization whose IdP metadata came from a URL (the refresh worker's list)."""
        rows = (
            await self.connection.execute(
                select(sso_connections).where(sso_connections.c.protocol == "saml").order_by(sso_connections.c.id)
            )
        ).all()
        return [
            _connection(row, await self._certificates(row.id), self.secret_box, await self.sp_keys(row.id))
            for row in rows
            if json.loads(row.settings).get("metadata_url")
        ]

    async def save_connection(self, connection: SsoConnection, expected_version: int) -> bool:
        result = await self.connection.execute(
            update(sso_connections)
            .where(sso_connections.c.id == connection.id, sso_connections.c.version == expected_version)
            .values(
                name=connection.name,
                enabled=connection.enabled,
                settings=_settings_of(connection, self.secret_box),
                version=connection.version,
                updated_at=connection.updated_at,
            )
        )
        return bool(result.rowcount)

    async def delete_connection(self, connection_id: str) -> None:
        for table in (sso_idp_certificates, sso_sp_keys):
            await self.connection.execute(delete(table).where(table.c.connection_id == connection_id))
        await self.connection.execute(delete(sso_connections).where(sso_connections.c.id == connection_id))

    async def insert_idp_certificate(self, certificate: IdpCertificate) -> bool:
        return await insert_new(self.connection, sso_idp_certificates, row_of(certificate))

    async def delete_idp_certificate(self, connection_id: str, certificate_id: str) -> bool:
        result = await self.connection.execute(
            delete(sso_idp_certificates).where(
                sso_idp_certificates.c.connection_id == connection_id, sso_idp_certificates.c.id == certificate_id
            )
        )
        return bool(result.rowcount)

    async def replace_idp_certificates(self, connection_id: str, certificates: list[IdpCertificate]) -> None:
        await self.connection.execute(
            delete(sso_idp_certificates).where(sso_idp_certificates.c.connection_id == connection_id)
        )
        for certificate in certificates:
            await insert_new(self.connection, sso_idp_certificates, row_of(certificate))

    async def insert_sp_key(self, key: SpKey) -> None:
        # The private key decrypts assertions and signs requests: sealed at rest like every other secret.
        sealed = replace(key, private_key_pem=self.secret_box.seal(key.private_key_pem, sp_key_context(key.id)))
        await self.connection.execute(insert(sso_sp_keys).values(**row_of(sealed)))

    def _sp_key(self, row: Row) -> SpKey:
        key = entity_of(SpKey, row)
        return replace(key, private_key_pem=self.secret_box.open(key.private_key_pem, sp_key_context(key.id)))

    async def sp_keys(self, connection_id: str) -> list[SpKey]:
        rows = await self.connection.execute(
            select(sso_sp_keys)
            .where(sso_sp_keys.c.connection_id == connection_id, sso_sp_keys.c.retired_at.is_(None))
            .order_by(sso_sp_keys.c.created_at.desc(), sso_sp_keys.c.id.desc())
        )
        return [self._sp_key(row) for row in rows]

    async def schedule_sp_key_retirement(self, key_id: str, retires_at: datetime) -> None:
        """The key stays in use until `retires_at`; an earlier schedule is kept (an overlap is never extended)."""
        await self.connection.execute(
            update(sso_sp_keys)
            .where(sso_sp_keys.c.id == key_id, sso_sp_keys.c.retired_at.is_(None))
            .where((sso_sp_keys.c.retires_at.is_(None)) | (sso_sp_keys.c.retires_at > retires_at))
            .values(retires_at=retires_at)
        )

    async def retire_sp_key(self, connection_id: str, key_id: str, now: datetime) -> bool:
        """Retire an unretired key of the connection; False when there is none with that id."""
        result = await self.connection.execute(
            update(sso_sp_keys)
            .where(
                sso_sp_keys.c.connection_id == connection_id,
                sso_sp_keys.c.id == key_id,
                sso_sp_keys.c.retired_at.is_(None),
            )
            .values(retired_at=now)
        )
        return bool(result.rowcount)

    async def sp_keys_past_overlap(self, now: datetime) -> list[SpKey]:
        """Keys of every connection whose overlap has ended but that are not marked retired yet."""
        rows = await self.connection.execute(
            select(sso_sp_keys)
            .where(sso_sp_keys.c.retired_at.is_(None), sso_sp_keys.c.retires_at <= now)
            .order_by(sso_sp_keys.c.connection_id, sso_sp_keys.c.id)
        )
        return [self._sp_key(row) for row in rows]

    async def insert_domain(self, domain: SsoDomain) -> bool:
        return await insert_new(self.connection, sso_domains, row_of(domain))

    async def get_domain(self, organization_id: str, domain: str) -> SsoDomain | None:
        row = await self._one(
            select(sso_domains).where(sso_domains.c.organization_id == organization_id, sso_domains.c.domain == domain)
        )
        return entity_of(SsoDomain, row) if row else None

    async def list_domains(self, organization_id: str) -> list[SsoDomain]:
        rows = await self.connection.execute(
            select(sso_domains).where(sso_domains.c.organization_id == organization_id).order_by(sso_domains.c.domain)
        )
        return [entity_of(SsoDomain, row) for row in rows]

    async def mark_domain_verified(self, organization_id: str, domain: str, now: datetime) -> bool:
        owner = await self.verified_domain_owner(domain)
        if owner is not None and owner != organization_id:
            return False
        # The unique verified_domain column is the invariant; the check above only gives the common case a
        # clear answer.
        await self.connection.execute(
            update(sso_domains)
            .where(sso_domains.c.organization_id == organization_id, sso_domains.c.domain == domain)
            .values(state="verified", verified_at=now, verified_domain=domain)
        )
        return True

    async def delete_domain(self, organization_id: str, domain: str) -> bool:
        result = await self.connection.execute(
            delete(sso_domains).where(sso_domains.c.organization_id == organization_id, sso_domains.c.domain == domain)
        )
        return bool(result.rowcount)

    async def verified_domain_owner(self, domain: str) -> str | None:
        return await self.connection.scalar(
            select(sso_domains.c.organization_id).where(sso_domains.c.verified_domain == domain)
        )

    async def get_sso_policy(self, organization_id: str) -> SsoPolicy:
        row = await self._one(select(sso_policies).where(sso_policies.c.organization_id == organization_id))
        if row is None:
            return SsoPolicy(organization_id)
        return SsoPolicy(organization_id, row.sso_required, tuple(json.loads(row.break_glass_account_ids)), row.version)

    async def save_sso_policy(self, policy: SsoPolicy, expected_version: int) -> bool:
        values = {
            "sso_required": policy.sso_required,
            "break_glass_account_ids": json.dumps(list(policy.break_glass_account_ids)),
            "version": policy.version,
        }
        if expected_version == 0:
            return await insert_new(
                self.connection, sso_policies, {"organization_id": policy.organization_id, **values}
            )
        result = await self.connection.execute(
            update(sso_policies)
            .where(
                sso_policies.c.organization_id == policy.organization_id,
                sso_policies.c.version == expected_version,
            )
            .values(**values)
        )
        return bool(result.rowcount)

    async def insert_pending_sign_in(self, pending: PendingSignIn) -> None:
        await self.connection.execute(
            delete(sso_pending_sign_ins).where(sso_pending_sign_ins.c.expires_at < pending.created_at)
        )
        await self.connection.execute(insert(sso_pending_sign_ins).values(**row_of(pending)))

    async def use_pending_sign_in(self, request_id: str, now: datetime) -> PendingSignIn | None:
        row = await self._one(select(sso_pending_sign_ins).where(sso_pending_sign_ins.c.id == request_id))
        if row is None:
            return None
        if not await self._set_once(sso_pending_sign_ins, request_id, "used_at", now):
            return None
        return entity_of(PendingSignIn, row)

    async def remember_message_id(self, issuer: str, message_id: str, expires_at: datetime, now: datetime) -> bool:
        await self.connection.execute(delete(sso_replay_cache).where(sso_replay_cache.c.expires_at < now))
        return await insert_new(
            self.connection,
            sso_replay_cache,
            {"issuer": issuer, "message_id": message_id, "expires_at": expires_at},
        )

    async def find_identity_link(self, organization_id: str, issuer: str, subject: str) -> IdentityLink | None:
        row = await self._one(
            select(sso_identity_links).where(
                sso_identity_links.c.organization_id == organization_id,
                sso_identity_links.c.issuer == issuer,
                sso_identity_links.c.subject == subject,
            )
        )
        return entity_of(IdentityLink, row) if row else None

    async def insert_identity_link(self, link: IdentityLink) -> None:
        await insert_new(self.connection, sso_identity_links, row_of(link))

    async def cap_session_expiry(self, session_id: str, expires_at: datetime) -> None:
        await self.connection.execute(
            update(sessions)
            .where(sessions.c.id == session_id, sessions.c.expires_at > expires_at)
            .values(expires_at=expires_at)
        )

    async def password_sessions(self, organization_id: str, now: datetime) -> list[Session]:
        rows = await self.connection.execute(
            select(sessions).where(
                sessions.c.organization_id == organization_id,
                sessions.c.method == "password",
                sessions.c.revoked_at.is_(None),
                sessions.c.expires_at > now,
            )
        )
        return [entity_of(Session, row) for row in rows]
