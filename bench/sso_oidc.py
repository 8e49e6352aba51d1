"""Benchmark of the OIDC relying party: callback handling against raw joserfc JWT verification, same run.

    .venv/bin/python -m bench.sso_oidc [--callbacks N] [--verifications N] [--concurrency C]

- raw verify: `joserfc.jwt.decode` of one real RS256 ID token with the IdP's public key, the floor any
  verification pays.
- ID token check: what the relying party does with a token (header and allow-list, JWKS lookup in the cache,
  joserfc signature, claims), on the same token.
- callback: `OidcSignIn.complete` for sign-ins begun and authorized beforehand (the pending login used once in
  SQLite, the code exchanged at the provider's token endpoint, the ID token verified, UserInfo fetched and its
  subject checked). The provider is the real peer process (tests/peers/oidc_provider.py, Flask's threaded server),
  so this rate includes its two answers per callback.
Everything runs on 127.0.0.1; loops are bounded in count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from bench.invite_flow import percentile
from services.common import migrations
from services.common.clock import SystemClock
from services.common.db import Database
from services.common.messaging import Outbox
from services.common.nats_server import free_port
from services.identity.adapters.oidc import HttpOidcProviders
from services.identity.domain.oidc import OidcConnection, check_id_token_claims, digest
from services.identity.domain.oidc_sign_in import OidcSignIn
from services.identity.events.publish import to_envelope
from services.identity.main import MIGRATIONS_DIR
from services.identity.store.sql import SqlIdentityStore
from services.identity.store.tables import messaging
from tests.peers.oidc_provider import running_oidc_provider

REDIRECT_URI = "http://127.0.0.1:8080/sso/oidc/callback"
PERSON = {"sub": "bench-person", "email": "bench@acme.test", "email_verified": True, "name": "Bench Person"}


class Connections(dict[str, OidcConnection]):
    async def oidc_connection(self, connection_id: str) -> OidcConnection | None:
        return self.get(connection_id)


def rate(count: int, elapsed: float, latencies: list[float]) -> dict[str, float]:
    return {
        "per_s": round(count / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.5), 3),
        "p99_ms": round(percentile(latencies, 0.99), 3),
    }


async def measure(callbacks: int, verifications: int, concurrency: int, data_dir: Path) -> dict[str, object]:
    url = f"sqlite+aiosqlite:///{data_dir / 'identity.db'}"
    migrations.upgrade(MIGRATIONS_DIR, url)
    db = Database(url)
    clock = SystemClock()
    store = SqlIdentityStore(db, Outbox(messaging, clock), clock, to_envelope)
    with running_oidc_provider(free_port()) as peer:
        connection = OidcConnection(
            connection_id="bench",
            organization_id="org-bench",
            issuer=peer.issuer,
            client_id="bench-client",
            client_secret=secrets.token_urlsafe(24),
            redirect_uri=REDIRECT_URI,
        )
        peer.configure(connection.client_id, connection.client_secret, REDIRECT_URI, PERSON)
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=concurrency * 2)) as http:
            providers = HttpOidcProviders(http, clock)
            sign_in = OidcSignIn(store, providers, Connections(bench=connection), clock)

            async def authorized() -> tuple[dict[str, str], str]:
                binding = secrets.token_urlsafe(32)
                response = await http.get(await sign_in.begin(connection, binding))
                return dict(parse_qsl(urlsplit(response.headers["location"]).query)), binding

            # The callbacks to handle, prepared first (begin + the IdP's redirect), then handled under the clock.
            pending = [await authorized() for _ in range(callbacks)]
            latencies: list[float] = []
            queue = iter(pending)

            async def worker() -> None:
                for params, binding in queue:
                    started = time.perf_counter()
                    await sign_in.complete(params, binding)
                    latencies.append((time.perf_counter() - started) * 1000)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            callback = rate(callbacks, time.perf_counter() - started, latencies)

            # One real ID token of the peer, for the two verification loops.
            params, binding = await authorized()
            login_tokens = await _one_id_token(http, store, connection, params, binding)
            provider = providers.provider(connection)
            keys = KeySet.import_key_set((await http.get(f"{peer.issuer}/jwks")).json())

    token, nonce = login_tokens
    raw_latencies: list[float] = []
    started = time.perf_counter()
    for _ in range(verifications):
        one = time.perf_counter()
        jwt.decode(token, keys, algorithms=["RS256"])
        raw_latencies.append((time.perf_counter() - one) * 1000)
    raw = rate(verifications, time.perf_counter() - started, raw_latencies)

    check_latencies: list[float] = []
    started = time.perf_counter()
    for _ in range(verifications):
        one = time.perf_counter()
        claims = await provider.verified_claims(token)
        check_id_token_claims(claims, connection, nonce, clock.now())
        check_latencies.append((time.perf_counter() - one) * 1000)
    check = rate(verifications, time.perf_counter() - started, check_latencies)
    await db.dispose()
    return {
        "raw_joserfc_verify": raw,
        "id_token_check": check | {"ratio_to_raw": round(check["per_s"] / raw["per_s"], 3)},
        "callback": callback
        | {"ratio_to_raw": round(callback["per_s"] / raw["per_s"], 4), "concurrency": float(concurrency)},
    }


async def _one_id_token(
    http: httpx.AsyncClient, store: SqlIdentityStore, connection: OidcConnection, params: dict[str, str], binding: str
) -> tuple[str, str]:
    """An ID token and its nonce, from a sign-in whose code this bench exchanges itself (as the callback would)."""
    async with store.write() as tx:
        login = await tx.consume_oidc_login(digest(params["state"]), digest(binding), SystemClock().now())
    assert login is not None
    answer = await http.post(
        f"{connection.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": connection.redirect_uri,
            "code_verifier": login.code_verifier,
        },
        auth=(connection.client_id, connection.client_secret),
    )
    return str(answer.json()["id_token"]), login.nonce


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--callbacks", type=int, default=300)
    parser.add_argument("--verifications", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        figures = asyncio.run(measure(args.callbacks, args.verifications, args.concurrency, Path(directory)))
    print(json.dumps({"sso_oidc": figures}, indent=2))


if __name__ == "__main__":
    main()
