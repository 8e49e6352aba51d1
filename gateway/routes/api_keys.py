"""REST routes of API keys and service accounts."""

from __future__ import annotations

from typing import Any

from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway import convert
from gateway.models.identity import (
    ApiKeyList,
    ApiKeyListQuery,
    ApiKeyReply,
    CreatedApiKey,
    CreatedServiceAccount,
    Credential,
)
from gateway.routing import ApiRoute, Context


def credential_fields(context: Context) -> dict[str, Any]:
    credential = context.body_as(Credential)
    fields: dict[str, Any] = {
        "name": credential.name,
        "permissions": credential.permissions,
        "idempotency_key": context.idempotency_key,
    }
    if credential.expire_time is not None:
        fields["expire_time"] = convert.timestamp(credential.expire_time)
    return fields


async def list_api_keys(context: Context) -> ApiKeyList:
    reply = await context.call(
        context.clients.identity.ListApiKeys,
        identity_pb.ListApiKeysRequest(include_inactive=context.params_as(ApiKeyListQuery).include_inactive),
    )
    return ApiKeyList.model_validate({"api_keys": [convert.api_key(k) for k in reply.api_keys]})


async def create_api_key(context: Context) -> CreatedApiKey:
    reply = await context.call(
        context.clients.identity.CreateApiKey, identity_pb.CreateApiKeyRequest(**credential_fields(context))
    )
    return CreatedApiKey.model_validate({"api_key": convert.api_key(reply.api_key), "secret": reply.secret})


async def revoke_api_key(context: Context) -> ApiKeyReply:
    reply = await context.call(
        context.clients.identity.RevokeApiKey, identity_pb.RevokeApiKeyRequest(api_key_id=context.path("api_key_id"))
    )
    return ApiKeyReply.model_validate({"api_key": convert.api_key(reply.api_key)})


async def create_service_account(context: Context) -> CreatedServiceAccount:
    reply = await context.call(
        context.clients.identity.CreateServiceAccount,
        identity_pb.CreateServiceAccountRequest(**credential_fields(context)),
    )
    return CreatedServiceAccount.model_validate(
        {"service_account": convert.api_key(reply.service_account), "secret": reply.secret}
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/api-keys",
        list_api_keys,
        "The organization's API keys and service accounts, without secrets (api_keys.manage).",
        query=ApiKeyListQuery,
        response=ApiKeyList,
    ),
    ApiRoute(
        "POST",
        "/v1/api-keys",
        create_api_key,
        "Create an API key with permissions you hold (api_keys.manage, privileged window); the secret is shown once.",
        body=Credential,
        response=CreatedApiKey,
        success_status=201,
        shows_secret_once=True,
    ),
    ApiRoute(
        "DELETE",
        "/v1/api-keys/{api_key_id}",
        revoke_api_key,
        "Revoke an API key or service account; requests with it fail within seconds (api_keys.manage).",
        response=ApiKeyReply,
    ),
    ApiRoute(
        "POST",
        "/v1/service-accounts",
        create_service_account,
        "Create a service account for internal gRPC callers (api_keys.manage, privileged window).",
        body=Credential,
        response=CreatedServiceAccount,
        success_status=201,
        shows_secret_once=True,
    ),
)
