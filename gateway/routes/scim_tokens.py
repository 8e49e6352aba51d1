"""REST routes of SCIM tokens: what an organization gives its identity provider to provision it over /scim/v2."""

from __future__ import annotations

from tenantry.identity.v1 import scim_token_service_pb2 as token_pb

from gateway import convert
from gateway.models.identity import (
    CreatedScimToken,
    NewScimToken,
    RotatedScimToken,
    ScimTokenList,
    ScimTokenListQuery,
    ScimTokenReply,
    ScimTokenRotation,
)
from gateway.routing import ApiRoute, Context


async def list_scim_tokens(context: Context) -> ScimTokenList:
    reply = await context.call(
        context.clients.scim_tokens.ListScimTokens,
        token_pb.ListScimTokensRequest(include_inactive=context.params_as(ScimTokenListQuery).include_inactive),
    )
    return ScimTokenList.model_validate({"scim_tokens": [convert.scim_token(t) for t in reply.tokens]})


async def create_scim_token(context: Context) -> CreatedScimToken:
    body = context.body_as(NewScimToken)
    request = token_pb.CreateScimTokenRequest(name=body.name, idempotency_key=context.idempotency_key)
    if body.expire_time is not None:
        request.expire_time.CopyFrom(convert.timestamp(body.expire_time))
    reply = await context.call(context.clients.scim_tokens.CreateScimToken, request)
    return CreatedScimToken.model_validate({"scim_token": convert.scim_token(reply.token), "secret": reply.secret})


async def rotate_scim_token(context: Context) -> RotatedScimToken:
    reply = await context.call(
        context.clients.scim_tokens.RotateScimToken,
        token_pb.RotateScimTokenRequest(
            token_id=context.path("token_id"),
            overlap_seconds=context.body_as(ScimTokenRotation).overlap_seconds,
            idempotency_key=context.idempotency_key,
        ),
    )
    return RotatedScimToken.model_validate(
        {
            "scim_token": convert.scim_token(reply.token),
            "secret": reply.secret,
            "previous": convert.scim_token(reply.previous),
        }
    )


async def revoke_scim_token(context: Context) -> ScimTokenReply:
    reply = await context.call(
        context.clients.scim_tokens.RevokeScimToken,
        token_pb.RevokeScimTokenRequest(token_id=context.path("token_id"), idempotency_key=context.idempotency_key),
    )
    return ScimTokenReply.model_validate({"scim_token": convert.scim_token(reply.token)})


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/scim-tokens",
        list_scim_tokens,
        "The organization's SCIM tokens, without secrets, with their last use (security.manage).",
        query=ScimTokenListQuery,
        response=ScimTokenList,
    ),
    ApiRoute(
        "POST",
        "/v1/scim-tokens",
        create_scim_token,
        "Create a SCIM token for your identity provider (security.manage, recent sign-in, a plan with SCIM); "
        "the secret is shown once.",
        body=NewScimToken,
        response=CreatedScimToken,
        success_status=201,
        shows_secret_once=True,
    ),
    ApiRoute(
        "POST",
        "/v1/scim-tokens/{token_id}/rotate",
        rotate_scim_token,
        "Replace a SCIM token; the old one keeps working for overlap_seconds (security.manage, recent sign-in).",
        body=ScimTokenRotation,
        response=RotatedScimToken,
        success_status=201,
        shows_secret_once=True,
    ),
    ApiRoute(
        "DELETE",
        "/v1/scim-tokens/{token_id}",
        revoke_scim_token,
        "Revoke a SCIM token; the identity provider's next request fails (security.manage).",
        response=ScimTokenReply,
    ),
)
