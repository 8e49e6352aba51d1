"""SSO's use cases on the identity harness: a real pysaml2 IdP, a real DNS server, the SAML toolkit with xmlsec1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.common.db import Database
from services.common.entitlements import Entitlements
from services.common.messaging import Outbox
from services.common.principal import ACTOR_USER, Principal
from services.common.tests.entitlement_events import deliver_entitlements, entitlements_changed
from services.identity.adapters.dns import DnspythonResolver
from services.identity.adapters.saml import Pysaml2Toolkit
from services.identity.domain.sso.model import SAML, SsoConnection
from services.identity.domain.sso.ports import MetadataFetcher
from services.identity.domain.sso.use_cases import SsoUseCases
from services.identity.events.publish import to_envelope
from services.identity.store.sql import SqlIdentityStore
from services.identity.store.tables import entitlements, messaging
from services.identity.tests.dns_server import TxtZone, dns_server
from services.identity.tests.harness import OWNER_PERMISSIONS, Identity, identity_on
from tests.peers.saml_idp import KeyPair, SamlIdp, encoded

PUBLIC_URL = "https://tenantry.test"
ORG = "org-1"
SP_KEY_OVERLAP = timedelta(days=7)


@dataclass
class Sso:
    identity: Identity
    use_cases: SsoUseCases
    zone: TxtZone
    owner: Principal
    replica_db: Database | None = None
    replica: SsoUseCases | None = None

    async def on_plan(self, version: int, features: tuple[str, ...]) -> None:
        """Billing's entitlement set for ORG reaches identity's projection, as its consumer applies it."""
        envelope = entitlements_changed(ORG, version=version, features=features)
        await deliver_entitlements(self.identity.db, entitlements, envelope)

    async def connection_with_idp(self, keys: KeyPair | None = None) -> tuple[SsoConnection, SamlIdp]:
        """An enabled SAML connection whose IdP metadata was imported, and that IdP."""
        connection = await self.use_cases.connections.create(
            self.owner, SsoConnection(id="", organization_id="", name="Acme IdP", protocol=SAML)
        )
        metadata = await self.use_cases.connections.sp_metadata(connection.id)
        idp = SamlIdp(
            f"https://idp-{connection.id[:8]}.test/metadata",
            "https://idp.test/sso",
            keys or KeyPair.generate(),
            metadata,
        )
        await self.use_cases.connections.import_metadata(self.owner, connection.id, metadata_xml=idp.metadata())
        connection = await self.use_cases.connections.update(self.owner, connection.id, {"enabled": True})
        return connection, idp

    async def verified_domain(self, name: str = "acme.test") -> None:
        domain = await self.use_cases.domains.add(self.owner, name)
        self.zone.records[f"_tenantry-challenge.{name}"] = [f"tenantry-domain-verification={domain.token}"]
        assert (await self.use_cases.domains.verify(self.owner, name)).state == "verified"

    def response(self, idp: SamlIdp, connection: SsoConnection, in_response_to: str | None, **kwargs: object) -> str:
        return encoded(
            idp.response(
                acs_url=f"{PUBLIC_URL}/sso/saml/{connection.id}/acs",
                sp_entity_id=f"{PUBLIC_URL}/sso/saml/{connection.id}/metadata",
                in_response_to=in_response_to,
                **{"name_id": "ann@acme.test"} | kwargs,  # type: ignore[arg-type]
            )
        )


def owner_principal(account_id: str, now: datetime) -> Principal:
    return Principal(
        actor_type=ACTOR_USER,
        actor_id=account_id,
        account_id=account_id,
        organization_id=ORG,
        permissions=frozenset(OWNER_PERMISSIONS),
        authenticated_at=now,
    )


def wire(
    store: SqlIdentityStore, db: Database, identity: Identity, port: int, fetcher: MetadataFetcher | None = None
) -> SsoUseCases:
    return SsoUseCases.wire(
        store,
        identity.clock,
        saml=Pysaml2Toolkit(),
        resolver=DnspythonResolver(["127.0.0.1"], port=port, timeout_seconds=2),
        entitlements=Entitlements(db, entitlements),
        public_url=PUBLIC_URL,
        metadata_fetcher=fetcher,
        sp_key_overlap=SP_KEY_OVERLAP,
    )


@asynccontextmanager
async def sso_on(
    database_url: str, principal_keys: tuple[str, str], metadata_fetcher: MetadataFetcher | None = None
) -> AsyncIterator[Sso]:
    async with identity_on(database_url, principal_keys) as identity:
        # Responses are issued by a real IdP on the real clock.
        identity.clock.advance(datetime.now(UTC) - identity.clock.now())
        owner_id = await identity.owner_account("owner@acme.test")
        with dns_server() as (zone, port):
            replica_db = Database(database_url)
            replica_store = SqlIdentityStore(
                replica_db, Outbox(messaging, identity.clock), identity.clock, to_envelope, identity.secret_box
            )
            try:
                harness = Sso(
                    identity,
                    wire(identity.store, identity.db, identity, port, metadata_fetcher),
                    zone,
                    owner_principal(owner_id, identity.clock.now()),
                    replica_db,
                    wire(replica_store, replica_db, identity, port),
                )
                await harness.on_plan(version=1, features=("audit_log", "sso"))  # the Team plan
                yield harness
            finally:
                await replica_db.dispose()
