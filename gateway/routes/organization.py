"""REST routes: The caller's organization."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.routing import (
    ApiRoute,
    BadRequest,
    Context,
)


async def get_organization(context: Context) -> Response:
    reply = await context.call(
        context.clients.membership.GetOrganization,
        membership_pb.GetOrganizationRequest(organization_id=context.organization_id),
    )
    return JSONResponse({"organization": convert.organization(reply.organization)})


ORGANIZATION_FIELDS = ("display_name", "logo_url", "brand_color", "group_creation_policy")


ORGANIZATION_NUMBERS = ("invitation_ttl_days",)


async def update_organization(context: Context) -> Response:
    unknown = set(context.body) - {*ORGANIZATION_FIELDS, *ORGANIZATION_NUMBERS}
    if not context.body or unknown:
        raise BadRequest(
            f"Only these fields can be changed: {', '.join((*ORGANIZATION_FIELDS, *ORGANIZATION_NUMBERS))}.",
            [{"field": name, "description": "cannot be changed here"} for name in sorted(unknown)],
        )
    mistyped = sorted(
        name
        for name, value in context.body.items()
        if not (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000
            if name in ORGANIZATION_NUMBERS
            else isinstance(value, str)
        )
    )
    if mistyped:
        raise BadRequest("Values must be strings.", [{"field": name, "description": "string"} for name in mistyped])
    request = membership_pb.UpdateOrganizationRequest(
        organization=membership_pb.Organization(
            id=context.organization_id,
            etag=context.request.headers.get("if-match", "")[:64],
            **{name: context.body.get(name, "")[:4096] for name in ORGANIZATION_FIELDS},
            invitation_ttl_days=context.body.get("invitation_ttl_days", 0),
        ),
        request_id=context.idempotency_key(),
    )
    request.update_mask.paths.extend(sorted(context.body))
    reply = await context.call(context.clients.membership.UpdateOrganization, request)
    return JSONResponse(
        {"organization": convert.organization(reply.organization)}, headers={"ETag": reply.organization.etag}
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET", "/v1/organization", get_organization, "The caller's organization with member counts (members.read)."
    ),
    ApiRoute(
        "PATCH",
        "/v1/organization",
        update_organization,
        "Change the organization's profile (org.manage); send If-Match with its etag.",
        request_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "display_name": {"type": "string", "maxLength": 200},
                "logo_url": {"type": "string", "format": "uri", "maxLength": 2048, "description": "https only"},
                "brand_color": {"type": "string", "pattern": "^(#[0-9a-fA-F]{6})?$"},
                "group_creation_policy": {"type": "string", "enum": ["owners", "admins", "everyone"]},
                "invitation_ttl_days": {"type": "integer", "minimum": 0, "maximum": 90, "description": "0: default"},
            },
        },
    ),
)
