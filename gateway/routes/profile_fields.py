"""REST routes of profile fields."""

from __future__ import annotations

from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.models.members import ProfileFieldDefinition, ProfileFieldList, ProfileFieldReply
from gateway.routing import ApiRoute, Context


async def list_profile_fields(context: Context) -> ProfileFieldList:
    reply = await context.call(
        context.clients.membership.ListProfileFields,
        membership_pb.ListProfileFieldsRequest(organization_id=context.organization_id),
    )
    return ProfileFieldList.model_validate({"fields": [convert.profile_field(f) for f in reply.fields]})


async def save_profile_field(context: Context) -> ProfileFieldReply:
    definition = context.body_as(ProfileFieldDefinition)
    reply = await context.call(
        context.clients.membership.SaveProfileField,
        membership_pb.SaveProfileFieldRequest(
            organization_id=context.organization_id,
            field=membership_pb.ProfileField(
                key=definition.key,
                label=definition.label,
                type=convert.FIELD_TYPES[definition.type],
                choices=definition.choices,
                shown=definition.shown,
            ),
        ),
    )
    return ProfileFieldReply.model_validate({"field": convert.profile_field(reply.field)})


async def delete_profile_field(context: Context) -> None:
    await context.call(
        context.clients.membership.DeleteProfileField,
        membership_pb.DeleteProfileFieldRequest(organization_id=context.organization_id, key=context.path("key")),
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/profile-fields",
        list_profile_fields,
        "The organization's profile fields (members.read).",
        response=ProfileFieldList,
    ),
    ApiRoute(
        "POST",
        "/v1/profile-fields",
        save_profile_field,
        "Create or change a profile field by key: text, choice or date, shown or not (org.manage).",
        body=ProfileFieldDefinition,
        response=ProfileFieldReply,
    ),
    ApiRoute(
        "DELETE",
        "/v1/profile-fields/{key}",
        delete_profile_field,
        "Delete a profile field and every value of it (org.manage).",
        success_status=204,
    ),
)
