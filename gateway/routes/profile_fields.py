"""REST routes: Profile fields."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.convert import FIELD_TYPES
from gateway.routing import (
    ApiRoute,
    BadRequest,
    Context,
)


async def list_profile_fields(context: Context) -> Response:
    reply = await context.call(
        context.clients.membership.ListProfileFields,
        membership_pb.ListProfileFieldsRequest(organization_id=context.organization_id),
    )
    return JSONResponse({"fields": [convert.profile_field_json(f) for f in reply.fields]})


async def save_profile_field(context: Context) -> Response:
    body = context.body
    choices = body.get("choices", [])
    if (
        set(body) - {"key", "label", "type", "choices", "shown"}
        or not all(isinstance(body.get(name, ""), str) for name in ("key", "label", "type"))
        or not isinstance(body.get("shown", True), bool)
        or not isinstance(choices, list)
        or not all(isinstance(c, str) for c in choices)
    ):
        raise BadRequest(
            "Send key, label, type (text, choice or date), choices (strings) and shown (boolean).",
            [{"field": "body", "description": "key, label, type, choices, shown"}],
        )
    reply = await context.call(
        context.clients.membership.SaveProfileField,
        membership_pb.SaveProfileFieldRequest(
            organization_id=context.organization_id,
            field=membership_pb.ProfileField(
                key=body.get("key", "")[:64],
                label=body.get("label", "")[:400],
                type=FIELD_TYPES.get(body.get("type", ""), membership_pb.PROFILE_FIELD_TYPE_UNSPECIFIED),
                choices=[c[:400] for c in choices[:101]],
                shown=body.get("shown", True),
            ),
        ),
    )
    return JSONResponse({"field": convert.profile_field_json(reply.field)})


async def delete_profile_field(context: Context) -> Response:
    await context.call(
        context.clients.membership.DeleteProfileField,
        membership_pb.DeleteProfileFieldRequest(
            organization_id=context.organization_id, key=str(context.request.path_params["key"])[:64]
        ),
    )
    return Response(status_code=204)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/profile-fields", list_profile_fields, "The organization's profile fields (members.read)."),
    ApiRoute(
        "POST",
        "/v1/profile-fields",
        save_profile_field,
        "Create or change a profile field by key: text, choice or date, shown or not (org.manage).",
        request_schema={
            "type": "object",
            "required": ["key", "label", "type"],
            "additionalProperties": False,
            "properties": {
                "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
                "label": {"type": "string", "maxLength": 100},
                "type": {"type": "string", "enum": ["text", "choice", "date"]},
                "choices": {"type": "array", "maxItems": 100, "items": {"type": "string"}},
                "shown": {"type": "boolean"},
            },
        },
    ),
    ApiRoute(
        "DELETE",
        "/v1/profile-fields/{key}",
        delete_profile_field,
        "Delete a profile field and every value of it (org.manage).",
        success_status=204,
    ),
)
