"""Organization: its profile (name, logo, brand colour, who may create groups, how long invitations last), the
deletion date when one is scheduled, and an Owner's early deletion (typing the name, after a recent sign-in) that
any Owner can cancel during its grace period. Membership validates every value; the page shows its refusal."""

from __future__ import annotations

import grpc
from google.protobuf.field_mask_pb2 import FieldMask
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from tenantry.membership.v1 import deletion_service_pb2 as deletion_pb
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway import convert
from gateway.portal.shared import (
    MAX_FORM_FIELD,
    SignedIn,
    call,
    checked_form,
    confirm_identity,
    form_field,
    notice_of,
    page_refusal,
    portal_page,
    see_other,
    services,
    settings_of,
    signed_in,
    to_sign_in,
)
from services.common import permissions as p
from services.common.organization_logo import UPLOADED_LOGO

ORGANIZATION_PAGE = "/portal/organization"
NOTICES = {
    "saved": "The organization's profile was saved.",
    "deletion-requested": "The organization will be deleted when the grace period ends. Every Owner was emailed.",
    "deletion-canceled": "The deletion was canceled. Every Owner was emailed.",
    "identity-confirmed": "Thank you. Make your change again.",
    "logo-saved": "The logo was saved.",
    "logo-removed": "The logo was removed.",
}
# Membership refuses a picture over 256 KiB with a clear message; one byte more is read, so that it can.
MAX_LOGO_BYTES = 256 * 1024 + 1
# Refusals that ask for a fresh sign-in (the privileged window), or a wrong password while giving it.
REAUTHENTICATE = frozenset({"REAUTHENTICATION_REQUIRED", "INVALID_CREDENTIALS", "INVALID_SECOND_FACTOR"})
MAX_TOTP_CODE = 12
EDITABLE = (
    "display_name",
    "logo_url",
    "brand_color",
    "secondary_color",
    "accent_color",
    "welcome_message",
    "welcome_video_url",
    "group_creation_policy",
)
FIELD_LIMITS = {"welcome_message": 2000, "logo_url": 2048, "welcome_video_url": 2048}


async def organization_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await render_organization(request, person, notice=notice_of(request, NOTICES))


async def render_organization(request: Request, person: SignedIn, status: int = 200, **values: object) -> Response:
    try:
        organization = (
            await call(
                request,
                services(request).membership.GetOrganization,
                membership_pb.GetOrganizationRequest(organization_id=person.caller.organization_id),
                person.caller,
            )
        ).organization
    except grpc.aio.AioRpcError as exc:
        if exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND):
            return portal_page(request, person, "forbidden.html", "organization", 403)
        raise
    return portal_page(
        request,
        person,
        "organization.html",
        "organization",
        status,
        organization=convert.organization(organization),
        organization_name=organization.display_name,
        may_delete=p.ORG_DELETE in person.caller.principal.permissions,
        uploaded_logo=bool(UPLOADED_LOGO.match(organization.logo_url)),
        **values,
    )


async def save_organization(request: Request) -> Response:
    person, form, answer = await _posted(request)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    ttl = form_field(form, "invitation_ttl_days", 4)
    organization = membership_pb.Organization(
        id=person.caller.organization_id,
        invitation_ttl_days=int(ttl) if ttl.isdigit() else (-1 if ttl else 0),
        # One character over each limit, so that membership refuses what is too long rather than keep a cut.
        **{name: form_field(form, name, FIELD_LIMITS.get(name, MAX_FORM_FIELD) + 1) for name in EDITABLE},
    )
    try:
        await call(
            request,
            services(request).membership.UpdateOrganization,
            membership_pb.UpdateOrganizationRequest(
                organization=organization, update_mask=FieldMask(paths=[*EDITABLE, "invitation_ttl_days"])
            ),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render_organization(
            request, person, refusal.status, error=refusal.message, errors_by_field=refusal.field_errors
        )
    return see_other(f"{ORGANIZATION_PAGE}?notice=saved")


async def save_logo(request: Request) -> Response:
    """The logo form: the uploaded picture, or none when its remove button was used."""
    person, form, answer = await _posted(request, allows_file=True)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    upload, removing = form.get("logo"), form_field(form, "remove", 3) == "yes"
    picture = b"" if removing or not isinstance(upload, UploadFile) else await upload.read(MAX_LOGO_BYTES)
    try:
        await call(
            request,
            services(request).membership.SetOrganizationLogo,
            membership_pb.SetOrganizationLogoRequest(organization_id=person.caller.organization_id, data=picture),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render_organization(request, person, refusal.status, error=refusal.message)
    return see_other(f"{ORGANIZATION_PAGE}?notice={'logo-removed' if removing else 'logo-saved'}")


async def _posted(
    request: Request, allows_file: bool = False
) -> tuple[SignedIn | None, FormData | None, Response | None]:
    """Who posts and their form, or the answer to give instead (sign in; a form from elsewhere)."""
    person = await signed_in(request)
    if person is None:
        return None, None, to_sign_in()
    form = await checked_form(request, allows_file=allows_file)
    if form is None:
        return (
            person,
            None,
            await render_organization(request, person, 403, error="This request did not come from this site."),
        )
    return person, form, None


async def _refused(request: Request, person: SignedIn, error: grpc.aio.AioRpcError) -> Response:
    """The page with the refusal; when identity asks for a recent sign-in, with the form that gives it."""
    refusal = page_refusal(error)
    return await render_organization(
        request,
        person,
        refusal.status,
        error=refusal.message,
        errors_by_field=refusal.field_errors,
        reauthenticate=refusal.reason in REAUTHENTICATE,
    )


async def request_deletion(request: Request) -> Response:
    """An Owner's early deletion: the typed name must be the organization's exact name."""
    person, form, answer = await _posted(request)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    try:
        await call(
            request,
            services(request).deletion.RequestOrganizationDeletion,
            deletion_pb.RequestOrganizationDeletionRequest(
                organization_id=person.caller.organization_id,
                confirm_name=form_field(form, "confirm_name", MAX_FORM_FIELD + 1),
            ),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        return await _refused(request, person, exc)
    return person.with_cookie(see_other(f"{ORGANIZATION_PAGE}?notice=deletion-requested"), settings_of(request))


async def cancel_deletion(request: Request) -> Response:
    person, form, answer = await _posted(request)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    try:
        await call(
            request,
            services(request).deletion.CancelOrganizationDeletion,
            deletion_pb.CancelOrganizationDeletionRequest(organization_id=person.caller.organization_id),
            person.caller,
        )
    except grpc.aio.AioRpcError as exc:
        return await _refused(request, person, exc)
    return person.with_cookie(see_other(f"{ORGANIZATION_PAGE}?notice=deletion-canceled"), settings_of(request))


async def confirm(request: Request) -> Response:
    """A fresh sign-in of this session (password and code), after which the deletion is asked for again."""
    person, form, answer = await _posted(request)
    if answer is not None or person is None or form is None:
        return answer or to_sign_in()
    try:
        await confirm_identity(
            request, person, form_field(form, "password"), form_field(form, "totp_code", MAX_TOTP_CODE)
        )
    except grpc.aio.AioRpcError as exc:
        return await _refused(request, person, exc)
    return person.with_cookie(see_other(f"{ORGANIZATION_PAGE}?notice=identity-confirmed"), settings_of(request))
