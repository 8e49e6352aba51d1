"""The identity provider's side of SCIM, shared by the end-to-end SCIM tests: a suite whose organizations get the
Enterprise plan (it sells "scim"), an Owner's SCIM token, an HTTP client on /scim/v2, scim2-client over httpx, and
the IdPs' documented payloads (tests/e2e/fixtures/scim/)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import grpc
import httpx
from scim2_client.client import BaseSyncSCIMClient, RawResponse
from tenantry.identity.v1 import identity_service_pb2 as identity_pb
from tenantry.identity.v1 import identity_service_pb2_grpc as identity_grpc
from tenantry.identity.v1 import scim_token_service_pb2 as token_pb
from tenantry.identity.v1 import scim_token_service_pb2_grpc as token_grpc

from gateway.settings import GatewaySettings
from services.billing.domain.catalogue import DEFAULT_CATALOGUE_PATH
from services.common.principal import outgoing_metadata
from services.suite import Suite
from tests.e2e.conftest import Owner, signed_in_client, start_suite, wait_for

FIXTURES = Path(__file__).parent / "fixtures" / "scim"
SCIM_TYPE = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
DEACTIVATE = {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
}


def enterprise_catalogue(folder: Path, trial_days: int | None = None) -> Path:
    """The shipped catalogue with the Enterprise plan as every new organization's plan (and, if given, its trial)."""
    text = DEFAULT_CATALOGUE_PATH.read_text().replace(
        'default_plan = "team-monthly"', 'default_plan = "enterprise-yearly"'
    )
    if trial_days is not None:
        text = text.replace("trial_days = 14", f"trial_days = {trial_days}")
    catalogue = folder / "catalogue.toml"
    catalogue.write_text(text)
    return catalogue


def start_enterprise_suite(
    folder: Path, smtp_port: int | None = None, extra_env: dict[str, str] | None = None, trial_days: int | None = None
) -> Suite:
    """The suite as real processes, its new organizations on the Enterprise plan."""
    catalogue = enterprise_catalogue(folder, trial_days)
    return start_suite(
        folder / "data", smtp_port, {"TENANTRY_BILLING_CATALOGUE_PATH": str(catalogue)} | (extra_env or {})
    )


class HttpxScimClient(BaseSyncSCIMClient):
    """scim2-client's requests and response checks, sent with httpx."""

    def __init__(self, client: httpx.Client, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client = client

    def _stays_under_base_url(self, endpoint: str) -> bool:
        url = self.client.build_request("GET", endpoint).url
        return url.host == self.client.base_url.host and url.path.startswith(self.client.base_url.path)

    def _parse_json(self, response: RawResponse) -> Any:
        assert isinstance(response, httpx.Response)
        return response.json()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, url, **kwargs)


def owner_principal_token(suite: Suite, owner: Owner) -> str:
    """The principal token identity gives the Owner's fresh session (a recent sign-in)."""
    with signed_in_client(suite, owner) as client:
        session_token = client.cookies.get(GatewaySettings().cookie_name)
    assert session_token

    async def authenticate() -> str:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{suite.ports.identity}") as channel:
            reply = await identity_grpc.IdentityServiceStub(channel).Authenticate(
                identity_pb.AuthenticateRequest(session_token=session_token)
            )
            return str(reply.principal_token)

    return asyncio.run(authenticate())


def revoke_scim_token(suite: Suite, owner: Owner, token_id: str) -> None:
    principal_token = owner_principal_token(suite, owner)

    async def revoke() -> None:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{suite.ports.identity}") as channel:
            await token_grpc.ScimTokenServiceStub(channel).RevokeScimToken(
                token_pb.RevokeScimTokenRequest(token_id=token_id), metadata=outgoing_metadata(principal_token)
            )

    asyncio.run(revoke())


def scim_token(suite: Suite, owner: Owner) -> tuple[str, str]:
    """(secret, token id) of a SCIM token the Owner creates after signing in."""
    principal_token = owner_principal_token(suite, owner)

    async def create() -> token_pb.CreateScimTokenResponse | None:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{suite.ports.identity}") as channel:
            try:
                return await token_grpc.ScimTokenServiceStub(channel).CreateScimToken(
                    token_pb.CreateScimTokenRequest(name="Okta"), metadata=outgoing_metadata(principal_token)
                )
            except grpc.aio.AioRpcError as exc:
                # The subscription opens when billing consumes organization.created.
                if exc.code() == grpc.StatusCode.FAILED_PRECONDITION:
                    return None
                raise

    created = wait_for(lambda: asyncio.run(create()), timeout=30)
    return created.secret, created.token.id


def scim_http(suite: Suite, secret: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{suite.gateway_url}/scim/v2",
        headers={"Authorization": f"Bearer {secret}", "Content-Type": SCIM_TYPE},
        timeout=15,
    )


def scim_fixture(name: str, **ids: str) -> Any:
    """A fixture, its placeholders (USER_A, GROUP_ID, ...) replaced by the ids of this run."""
    text = (FIXTURES / name).read_text()
    for placeholder, value in ids.items():
        text = text.replace(placeholder, value)
    return json.loads(text)
