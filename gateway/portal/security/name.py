"""How one appears in the organization, from the Security page: the name one goes by (Talkatoo: a member renames
themselves) and one's picture (respond.io's avatar)."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway.portal.security.page import back_to_security, posted_from_security_page
from gateway.portal.shared import MAX_FORM_FIELD, SignedIn, call, form_field, services

SECTION = "name"
PICTURE_SECTION = "picture"
# Membership refuses a picture over 256 KiB with a clear message; the form reads one byte more, so it can.
MAX_PICTURE_BYTES = 256 * 1024 + 1


@posted_from_security_page(SECTION)
async def rename_myself(request: Request, form: FormData, person: SignedIn) -> Response:
    await call(
        request,
        services(request).membership.RenameMember,
        membership_pb.RenameMemberRequest(
            organization_id=person.caller.organization_id,
            display_name=form_field(form, "display_name", MAX_FORM_FIELD + 1),
        ),
        person.caller,
    )
    return back_to_security(request, person, "name-changed", SECTION)


@posted_from_security_page(PICTURE_SECTION, allows_file=True)
async def set_my_picture(request: Request, form: FormData, person: SignedIn) -> Response:
    """The uploaded picture, or none when the form's remove button was used."""
    upload = form.get("picture")
    removing = form_field(form, "remove", 3) == "yes"
    picture = b"" if removing or not isinstance(upload, UploadFile) else await upload.read(MAX_PICTURE_BYTES)
    await call(
        request,
        services(request).membership.SetMemberAvatar,
        membership_pb.SetMemberAvatarRequest(organization_id=person.caller.organization_id, data=picture),
        person.caller,
    )
    return back_to_security(request, person, "picture-removed" if removing else "picture-changed", PICTURE_SECTION)
