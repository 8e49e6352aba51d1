"""The OIDC relying party on a real database, against real provider processes (tests/peers/oidc_provider.py)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import Outbox
from services.common.nats_server import free_port
from services.identity.adapters.oidc import HttpOidcProviders
from services.identity.domain.oidc import OidcConnection
from services.identity.domain.oidc_sign_in import OidcCompletion, OidcSignIn
from services.identity.events.publish import to_envelope
from services.identity.main import MIGRATIONS_DIR
from services.identity.store.sql import SqlIdentityStore
from services.identity.store.tables import messaging
from tests.peers.oidc_provider import OidcPeer, running_oidc_provider

REDIRECT_URI = "http://127.0.0.1:8080/sso/oidc/callback"
PERSON: dict[str, Any] = {"sub": "248289761001", "email": "jane@acme.test", "email_verified": True, "name": "Jane Doe"}


@pytest.fixture(scope="module")
def oidc_peers() -> Iterator[tuple[OidcPeer, OidcPeer]]:
    """Two independent identity providers (two issuers), as processes, for the module's tests."""
    with running_oidc_provider(free_port()) as first, running_oidc_provider(free_port()) as second:
        yield first, second


def connection_to(peer: OidcPeer, connection_id: str = "conn-a", **overrides: Any) -> OidcConnection:
    """A connection to `peer`, and the peer configured with its client and the person who signs in."""
    client_secret = secrets.token_urlsafe(24)
    connection = OidcConnection(
        connection_id=connection_id,
        organization_id="org-1",
        issuer=peer.issuer,
        client_id=f"client-{connection_id}",
        client_secret=client_secret,
        redirect_uri=REDIRECT_URI,
    )
    return replace(connection, **overrides)


class Connections(dict[str, OidcConnection]):
    """The connections the use case may look up (in place of the SSO connection store of the sso base)."""

    async def oidc_connection(self, connection_id: str) -> OidcConnection | None:
        return self.get(connection_id)


@dataclass
class RelyingParty:
    sign_in: OidcSignIn
    store: SqlIdentityStore
    providers: HttpOidcProviders
    connections: Connections
    clock: FrozenClock
    http: httpx.AsyncClient
    db: Database

    def add(
        self, peer: OidcPeer, connection: OidcConnection, person: dict[str, Any] | None = None, **peer_kw: Any
    ) -> None:
        self.connections[connection.connection_id] = connection
        peer.configure(
            connection.client_id, connection.client_secret, connection.redirect_uri, person or PERSON, **peer_kw
        )

    async def authorize(self, connection: OidcConnection, binding: str, return_to: str = "/") -> dict[str, str]:
        """Begin, then follow the browser to the IdP: the callback's query parameters."""
        url = await self.sign_in.begin(connection, binding, return_to)
        response = await self.http.get(url)
        assert response.status_code == 302, response.text
        location = response.headers["location"]
        assert location.startswith(connection.redirect_uri)
        return dict(parse_qsl(urlsplit(location).query))

    async def sign_in_through(self, connection: OidcConnection, return_to: str = "/") -> OidcCompletion:
        binding = new_binding()
        return await self.sign_in.complete(await self.authorize(connection, binding, return_to), binding)


def new_binding() -> str:
    return secrets.token_urlsafe(32)


@asynccontextmanager
async def relying_party_on(database_url: str) -> AsyncIterator[RelyingParty]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    # The peer signs with the wall clock; the relying party's clock starts there and moves only when told.
    clock = FrozenClock(datetime.now(UTC))
    store = SqlIdentityStore(db, Outbox(messaging, clock), clock, to_envelope)
    async with httpx.AsyncClient(timeout=10) as http:
        providers = HttpOidcProviders(http, clock)
        connections = Connections()
        sign_in = OidcSignIn(store, providers, connections, clock, allowed_return_origins=("https://app.acme.test",))
        try:
            yield RelyingParty(sign_in, store, providers, connections, clock, http, db)
        finally:
            await db.dispose()
