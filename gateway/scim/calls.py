"""One authenticated SCIM request: the SCIM token checked through identity on every request (so a revoked token
fails at once), the organization it reaches, and the SCIM error body of every failure."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.identity.v1 import scim_token_service_pb2 as token_pb
from tenantry.membership.v1 import provisioning_service_pb2 as pb

from gateway.auth import client_ip, request_id_for, user_agent
from gateway.clients import ServiceClients
from gateway.scim import resources
from gateway.scim.errors import ScimResponse, from_grpc_error, scim_error
from gateway.settings import GatewaySettings
from services.common.idempotency import IDEMPOTENCY_KEY_METADATA_KEY
from services.common.principal import outgoing_metadata

PREFIX = "/scim/v2"
MAX_BODY = 64 * 1024
MAX_ID = 64
SEARCH_PARAMETERS = ("filter", "attributes", "excludedAttributes", "sortBy", "sortOrder", "startIndex", "count")


class ScimCall:
    """One authenticated SCIM request: its organization and the metadata its RPCs carry."""

    def __init__(self, request: Request, clients: ServiceClients, organization_id: str, metadata: Any):
        self.request = request
        self.clients = clients
        self.organization_id = organization_id
        self.metadata = metadata

    @property
    def base_url(self) -> str:
        settings: GatewaySettings = self.request.app.state.settings
        return settings.public_url.rstrip("/") + PREFIX

    async def call(self, method: Callable[..., Awaitable[Any]], message: Any) -> Any:
        return await method(message, metadata=self.metadata, timeout=self.clients.timeout)

    async def body(self) -> dict[str, Any]:
        raw = await self.request.body()
        if len(raw) > MAX_BODY:
            raise ScimFailure(scim_error(413, "The request body is larger than 64 KiB."))
        try:
            document = json.loads(raw)
        except ValueError as exc:
            raise ScimFailure(scim_error(400, "The body is not JSON.", "invalidSyntax")) from exc
        if not isinstance(document, dict):
            raise ScimFailure(scim_error(400, "The body must be a JSON object.", "invalidSyntax"))
        return document

    def user_id(self) -> str:
        user_id = str(self.request.path_params["user_id"])
        if len(user_id) > MAX_ID:
            raise ScimFailure(scim_error(404, f"No user {user_id[:MAX_ID]!r}."))
        return user_id

    def group_id(self) -> str:
        group_id = str(self.request.path_params["group_id"])
        if len(group_id) > MAX_ID:
            raise ScimFailure(scim_error(404, f"No group {group_id[:MAX_ID]!r}."))
        return group_id

    def wants_members(self) -> bool:
        params = self.request.query_params
        return resources.wants_members(params.get("attributes", ""), params.get("excludedAttributes", ""))

    async def search_parameters(self) -> dict[str, str]:
        """A query's parameters: the URL's, or for a POST to .search (RFC 7644 §3.4.3) the body's, its lists of
        attributes joined as the URL would carry them."""
        if self.request.method != "POST":
            return dict(self.request.query_params)
        document = await self.body()
        parameters: dict[str, str] = {}
        for name in SEARCH_PARAMETERS:
            value = document.get(name)
            if isinstance(value, list):
                value = ",".join(str(item) for item in value)
            if value is not None:
                parameters[name] = str(value)
        return parameters

    def expected_version(self) -> int:
        return resources.version_of(self.request.headers.get("if-match", ""))


class ScimFailure(Exception):
    def __init__(self, response: ScimResponse):
        super().__init__(response.status_code)
        self.response = response


Handler = Callable[[ScimCall], Awaitable[Response]]


async def run(handler: Handler, call: ScimCall) -> Response:
    """The handler's response, or the SCIM error of its failure."""
    try:
        return await handler(call)
    except ScimFailure as failure:
        return failure.response
    except grpc.aio.AioRpcError as exc:
        return from_grpc_error(exc)


def scim_endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        clients: ServiceClients = request.app.state.clients
        authorization = request.headers.get("authorization", "")
        if not authorization.lower().startswith("bearer ") or len(authorization) > 600:
            return scim_error(401, "Send a SCIM token as Authorization: Bearer <token>.")
        try:
            authenticated = await clients.scim_tokens.AuthenticateScimToken(
                token_pb.AuthenticateScimTokenRequest(
                    token=authorization[7:].strip(), ip_address=client_ip(request), user_agent=user_agent(request)
                ),
                timeout=clients.timeout,
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
                return scim_error(401, "The SCIM token is not valid.")
            return from_grpc_error(exc)
        metadata = outgoing_metadata(
            authenticated.principal_token, request_id_for(request), client_ip(request), user_agent(request)
        )
        key = request.headers.get("idempotency-key", "")
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and key and key.isascii() and key.isprintable():
            metadata = (*metadata, (IDEMPOTENCY_KEY_METADATA_KEY, key[:200]))
        return await run(handler, ScimCall(request, clients, authenticated.principal.organization_id, metadata))

    return endpoint


def patch_operations(document: dict[str, Any]) -> list[pb.ScimPatchOperation]:
    operations = document.get("Operations") or document.get("operations")
    if not isinstance(operations, list) or not all(isinstance(o, dict) for o in operations):
        raise ScimFailure(scim_error(400, "A PATCH needs Operations.", "invalidSyntax"))
    return [
        pb.ScimPatchOperation(
            op=str(o.get("op", ""))[:32],
            path=str(o.get("path", "") or "")[:1024],
            value_json=json.dumps(o["value"]) if "value" in o else "",
        )
        for o in operations[:101]
    ]
