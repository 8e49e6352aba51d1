"""REST routes: API keys and service accounts."""

from __future__ import annotations

from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from starlette.responses import JSONResponse, Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway import convert
from gateway.routing import (
    STRING,
    ApiRoute,
    BadRequest,
    Context,
    body_schema,
)

_CREDENTIAL_BODY = body_schema(
    "name",
    name=STRING,
    permissions={"type": "array", "items": STRING},
    expire_time={"type": "string", "format": "date-time"},
)


def _credential_request(context: Context) -> dict[str, Any]:
    body = context.body
    permissions = body.get("permissions", [])
    if (
        not isinstance(body.get("name"), str)
        or not isinstance(permissions, list)
        or set(body) - {"name", "permissions", "expire_time"}
    ):
        raise BadRequest(
            "name (string), permissions (list) and expire_time (RFC 3339) are expected.",
            [{"field": "name", "description": "string"}],
        )
    fields: dict[str, Any] = {
        "name": body["name"][:200],
        "permissions": [str(p) for p in permissions][:100],
        "request_id": context.idempotency_key(),
    }
    expire_time = body.get("expire_time")
    if expire_time:
        stamp = Timestamp()
        try:
            stamp.FromJsonString(str(expire_time))
        except ValueError as exc:
            raise BadRequest(
                "expire_time must be an RFC 3339 time.", [{"field": "expire_time", "description": "RFC 3339"}]
            ) from exc
        fields["expire_time"] = stamp
    return fields


async def list_api_keys(context: Context) -> Response:
    reply = await context.call(
        context.clients.identity.ListApiKeys,
        identity_pb.ListApiKeysRequest(include_inactive=context.query("include_inactive") == "true"),
    )
    return JSONResponse({"api_keys": [convert.api_key(k) for k in reply.api_keys]})


async def create_api_key(context: Context) -> Response:
    reply = await context.call(
        context.clients.identity.CreateApiKey, identity_pb.CreateApiKeyRequest(**_credential_request(context))
    )
    return JSONResponse({"api_key": convert.api_key(reply.api_key), "secret": reply.secret}, status_code=201)


async def revoke_api_key(context: Context) -> Response:
    reply = await context.call(
        context.clients.identity.RevokeApiKey,
        identity_pb.RevokeApiKeyRequest(api_key_id=str(context.request.path_params["api_key_id"])[:64]),
    )
    return JSONResponse({"api_key": convert.api_key(reply.api_key)})


async def create_service_account(context: Context) -> Response:
    reply = await context.call(
        context.clients.identity.CreateServiceAccount,
        identity_pb.CreateServiceAccountRequest(**_credential_request(context)),
    )
    return JSONResponse(
        {"service_account": convert.api_key(reply.service_account), "secret": reply.secret}, status_code=201
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/api-keys",
        list_api_keys,
        "The organization's API keys and service accounts, without secrets (api_keys.manage).",
        query=(("include_inactive", "boolean"),),
    ),
    ApiRoute(
        "POST",
        "/v1/api-keys",
        create_api_key,
        "Create an API key with permissions you hold (api_keys.manage, privileged window); the secret is shown once.",
        request_schema=_CREDENTIAL_BODY,
        success_status=201,
    ),
    ApiRoute(
        "DELETE",
        "/v1/api-keys/{api_key_id}",
        revoke_api_key,
        "Revoke an API key or service account; requests with it fail within seconds (api_keys.manage).",
    ),
    ApiRoute(
        "POST",
        "/v1/service-accounts",
        create_service_account,
        "Create a service account for internal gRPC callers (api_keys.manage, privileged window).",
        request_schema=_CREDENTIAL_BODY,
        success_status=201,
    ),
)
