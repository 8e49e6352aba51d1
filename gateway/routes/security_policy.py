"""REST routes of the organization's security policy."""

from __future__ import annotations

from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway import convert
from gateway.etags import http_etag
from gateway.models.identity import SecurityPolicyChanges, SecurityPolicyReply
from gateway.routing import ApiRoute, BadRequest, Context, IfMatch


def policy_reply(context: Context, policy: identity_pb.SecurityPolicy) -> SecurityPolicyReply:
    context.response_headers["ETag"] = http_etag(policy.etag)
    return SecurityPolicyReply.model_validate({"policy": convert.security_policy(policy)})


async def get_security_policy(context: Context) -> SecurityPolicyReply:
    reply = await context.call(
        context.clients.identity.GetSecurityPolicy,
        identity_pb.GetSecurityPolicyRequest(organization_id=context.organization_id),
    )
    return policy_reply(context, reply.policy)


async def update_security_policy(context: Context) -> SecurityPolicyReply:
    changes = context.body_as(SecurityPolicyChanges).model_dump(exclude_none=True)
    if not changes:
        raise BadRequest(
            "Send one or more fields to change.", [{"field": "body", "description": "no change"}], status=422
        )
    policy = identity_pb.SecurityPolicy(organization_id=context.organization_id, etag=context.if_match, **changes)
    request = identity_pb.UpdateSecurityPolicyRequest(policy=policy, idempotency_key=context.idempotency_key)
    request.update_mask.paths.extend(sorted(changes))
    reply = await context.call(context.clients.identity.UpdateSecurityPolicy, request)
    return policy_reply(context, reply.policy)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/security-policy",
        get_security_policy,
        "The organization's security policy.",
        response=SecurityPolicyReply,
        returns_etag=True,
    ),
    ApiRoute(
        "PATCH",
        "/v1/security-policy",
        update_security_policy,
        "Change security policy fields (security.manage, privileged window); If-Match with its etag is honoured.",
        body=SecurityPolicyChanges,
        response=SecurityPolicyReply,
        if_match=IfMatch.HONOURED,
        returns_etag=True,
    ),
)
