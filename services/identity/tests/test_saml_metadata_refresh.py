"""IdP metadata imported by URL and refreshed on a schedule, against a real local HTTPS server whose metadata
changes, on SQLite and PostgreSQL: changes are applied and audited with before/after fingerprints; a failure
keeps the last good metadata and is recorded on the connection (as gRPC and REST show it)."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from tenantry.events.v1 import identity_events_pb2

from services.common.errors import InvalidArgument
from services.identity.adapters.metadata_fetcher import HttpsMetadataFetcher
from services.identity.convert_sso import connection_to_proto
from services.identity.domain.sso.metadata_refresh import MetadataRefresh
from services.identity.domain.sso.model import SAML, SsoConnection
from services.identity.tests.metadata_server import MetadataDocument, metadata_server
from services.identity.tests.sso_harness import Sso, sso_on
from tests.peers.saml_idp import KeyPair, SamlIdp

IDP_ENTITY_ID = "https://idp.acme.test/metadata"


@dataclass
class Refresh:
    sso: Sso
    document: MetadataDocument
    url: str

    @property
    def worker(self) -> MetadataRefresh:
        assert self.sso.use_cases.metadata_refresh is not None
        return self.sso.use_cases.metadata_refresh

    async def connection(self) -> tuple[SsoConnection, str]:
        """A SAML connection whose metadata was imported from the server's URL, and our SP metadata."""
        connection = await self.sso.use_cases.connections.create(
            self.sso.owner, SsoConnection(id="", organization_id="", name="Acme IdP", protocol=SAML)
        )
        sp_metadata = await self.sso.use_cases.connections.sp_metadata(connection.id)
        self.document.body = SamlIdp(IDP_ENTITY_ID, "https://idp.test/sso", KeyPair.generate(), sp_metadata).metadata()
        connection = await self.sso.use_cases.connections.import_metadata(
            self.sso.owner, connection.id, metadata_url=self.url
        )
        return connection, sp_metadata

    async def current(self, connection_id: str) -> SsoConnection:
        return await self.sso.use_cases.connections.get(self.sso.owner, connection_id)

    async def changes(self, event_type: str) -> list[identity_events_pb2.SsoConnectionChanged]:
        found = []
        for envelope in await self.sso.identity.events(event_type):
            payload = identity_events_pb2.SsoConnectionChanged()
            envelope.payload.Unpack(payload)
            found.append(payload)
        return found


@pytest.fixture
async def refresh(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Refresh]:
    with metadata_server() as (document, url, ca_file):
        trust = ssl.create_default_context(cafile=ca_file)
        fetcher = HttpsMetadataFetcher(5.0, verify=trust, allow_private_addresses=True)
        async with sso_on(database_url, principal_keys, fetcher) as harness:
            yield Refresh(harness, document, url)


def fingerprints(connection: SsoConnection) -> list[str]:
    return [c.fingerprint_sha256 for c in connection.certificates]


async def test_changed_certificates_and_sso_url_are_applied_and_audited_with_before_and_after_fingerprints(
    refresh: Refresh,
) -> None:
    connection, sp_metadata = await refresh.connection()
    assert await refresh.worker.run_pass() == 0  # unchanged metadata: nothing to apply, nothing audited
    assert (await refresh.current(connection.id)).metadata_refreshed_at == refresh.sso.identity.clock.now()
    rolled = SamlIdp(IDP_ENTITY_ID, "https://idp.test/sso-v2", KeyPair.generate(), sp_metadata)
    refresh.document.body = rolled.metadata()
    assert await refresh.worker.run_pass() == 1
    after = await refresh.current(connection.id)
    assert after.idp_sso_url == "https://idp.test/sso-v2"
    assert [c.certificate_pem.strip() for c in after.certificates] == [rolled.keys.certificate_pem.strip()]
    assert after.version == connection.version + 1
    [change] = await refresh.changes("identity.sso_connection.metadata_refreshed")
    assert [c.fingerprint_sha256 for c in change.before.idp_certificates] == fingerprints(connection)
    assert [c.fingerprint_sha256 for c in change.after.idp_certificates] == fingerprints(after)
    assert fingerprints(connection) != fingerprints(after)
    assert (change.before.saml.idp_sso_url, change.after.saml.idp_sso_url) == (
        "https://idp.test/sso",
        "https://idp.test/sso-v2",
    )
    assert await refresh.worker.run_pass() == 0
    assert len(await refresh.changes("identity.sso_connection.metadata_refreshed")) == 1


async def test_a_failed_refresh_keeps_the_last_good_metadata_and_records_the_failure_on_the_connection(
    refresh: Refresh,
) -> None:
    connection, sp_metadata = await refresh.connection()
    good_body = refresh.document.body
    refresh.document.status = 500
    assert await refresh.worker.run_pass() == 0
    failed = await refresh.current(connection.id)
    assert fingerprints(failed) == fingerprints(connection)
    assert failed.idp_sso_url == connection.idp_sso_url
    assert "500" in failed.metadata_refresh_error
    assert failed.metadata_refresh_failed_at == refresh.sso.identity.clock.now()
    shown = connection_to_proto(failed).saml.metadata_refresh  # what GetConnection and REST show
    assert "500" in shown.last_error and shown.HasField("last_failure_time")
    # Still failing: recorded again, audited once.
    assert await refresh.worker.run_pass() == 0
    assert len(await refresh.changes("identity.sso_connection.metadata_refresh_failed")) == 1
    # Metadata we would not import is a failure too: not XML, a DOCTYPE, another IdP's entity id.
    refresh.document.status = 200
    impostor = SamlIdp("https://evil.test/metadata", "https://evil.test/sso", KeyPair.generate(), sp_metadata)
    for body in ("not xml", '<!DOCTYPE x [<!ENTITY e "e">]><x/>', impostor.metadata()):
        refresh.document.body = body
        assert await refresh.worker.run_pass() == 0
        still = await refresh.current(connection.id)
        assert fingerprints(still) == fingerprints(connection) and still.metadata_refresh_error
    assert "entity id" in still.metadata_refresh_error
    # Back to good: the failure is cleared, nothing else changed.
    refresh.document.body = good_body
    assert await refresh.worker.run_pass() == 0
    recovered = await refresh.current(connection.id)
    assert (recovered.metadata_refresh_error, recovered.metadata_refresh_failed_at) == ("", None)
    assert fingerprints(recovered) == fingerprints(connection)


async def test_the_production_fetcher_refuses_an_address_inside_our_network(refresh: Refresh) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await HttpsMetadataFetcher(5.0).fetch(refresh.url)
    assert "public address" in caught.value.message
    assert refresh.document.fetches == 0
