"""REST routes: The organization's security policy."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from tenantry.identity.v1 import identity_service_pb2 as identity_pb

from gateway import convert
from gateway.convert import POLICY_FIELDS
from gateway.routing import (
    STRING,
    ApiRoute,
    BadRequest,
    Context,
)


async def get_security_policy(context: Context) -> Response:
    reply = await context.call(
        context.clients.identity.GetSecurityPolicy,
        identity_pb.GetSecurityPolicyRequest(organization_id=context.organization_id),
    )
    return JSONResponse({"policy": convert.policy_json(reply.policy)}, headers={"ETag": reply.policy.etag})


async def update_security_policy(context: Context) -> Response:
    body = context.body
    unknown = set(body) - set(POLICY_FIELDS)
    mistyped = [
        name
        for name, value in body.items()
        if name in POLICY_FIELDS
        and (not isinstance(value, POLICY_FIELDS[name]) or (POLICY_FIELDS[name] is int and isinstance(value, bool)))
    ]
    if not body or unknown or mistyped:
        raise BadRequest(
            "Send one or more policy fields with their types.",
            [{"field": n, "description": "unknown field"} for n in sorted(unknown)]
            + [{"field": n, "description": f"must be {POLICY_FIELDS[n]}"} for n in mistyped],
        )
    if any(not isinstance(d, str) for d in body.get("allowed_invitation_domains", [])):
        raise BadRequest("allowed_invitation_domains must be strings.")
    policy = identity_pb.SecurityPolicy(
        organization_id=context.organization_id, etag=context.request.headers.get("if-match", "")[:64]
    )
    for name, value in body.items():
        if name == "allowed_invitation_domains":
            policy.allowed_invitation_domains.extend(str(d)[:253] for d in value[:100])
        else:
            setattr(policy, name, value)
    request = identity_pb.UpdateSecurityPolicyRequest(policy=policy, request_id=context.idempotency_key())
    request.update_mask.paths.extend(sorted(body))
    reply = await context.call(context.clients.identity.UpdateSecurityPolicy, request)
    return JSONResponse({"policy": convert.policy_json(reply.policy)}, headers={"ETag": reply.policy.etag})


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/security-policy", get_security_policy, "The organization's security policy."),
    ApiRoute(
        "PATCH",
        "/v1/security-policy",
        update_security_policy,
        "Change security policy fields (security.manage, privileged window); send If-Match with the etag.",
        request_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                name: {"type": "array", "items": STRING}
                if kind is list
                else {"type": {int: "integer", str: "string", bool: "boolean"}[kind]}  # type: ignore[index]
                for name, kind in POLICY_FIELDS.items()
            },
        },
    ),
)
