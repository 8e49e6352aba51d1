"""REST routes of pictures: members' (respond.io's avatar; set or remove one's own or, as an admin, a member's;
read anyone's in the organization, as the image itself or an SVG of the initials when there is none) and the
organization's logo (uploaded by an Owner, served here since the portal shows images only from its own origin)."""

from __future__ import annotations

from html import escape

from starlette.responses import Response
from tenantry.membership.v1 import membership_service_pb2 as membership_pb

from gateway.models.members import AvatarUpload, MemberAvatar, OrganizationReply
from gateway.routes.organization import organization_reply
from gateway.routing import ApiRoute, Context
from services.common.organization_logo import LOGO_PATH

# Pictures change rarely and are revalidated by their ETag; private: they are only for the organization's members.
CACHE_CONTROL = "private, max-age=300"
INITIALS_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img">'
    '<rect width="64" height="64" rx="32" fill="#3b5bdb"/>'
    '<text x="32" y="40" font-family="sans-serif" font-size="24" text-anchor="middle" fill="#ffffff">{}</text></svg>'
)


async def _set(context: Context, member_id: str, picture: bytes) -> MemberAvatar:
    """`member_id` empty: the caller's own picture."""
    reply = await context.call(
        context.clients.membership.SetMemberAvatar,
        membership_pb.SetMemberAvatarRequest(
            organization_id=context.organization_id, member_id=member_id, data=picture
        ),
    )
    shown = reply.avatar
    url = f"/v1/members/{member_id}/avatar" if member_id else "/v1/me/avatar"
    return MemberAvatar(member_id=shown.member_id, content_type=shown.content_type, initials=shown.initials, url=url)


async def set_my_avatar(context: Context) -> MemberAvatar:
    return await _set(context, "", context.body_as(AvatarUpload).picture)


async def set_member_avatar(context: Context) -> MemberAvatar:
    return await _set(context, context.path("member_id"), context.body_as(AvatarUpload).picture)


async def remove_my_avatar(context: Context) -> MemberAvatar:
    return await _set(context, "", b"")


async def remove_member_avatar(context: Context) -> MemberAvatar:
    return await _set(context, context.path("member_id"), b"")


async def get_my_avatar(context: Context) -> Response:
    return await _picture(context, "")


async def get_member_avatar(context: Context) -> Response:
    return await _picture(context, context.path("member_id"))


async def _picture(context: Context, member_id: str) -> Response:
    reply = await context.call(
        context.clients.membership.GetMemberAvatar,
        membership_pb.GetMemberAvatarRequest(organization_id=context.organization_id, member_id=member_id),
    )
    shown = reply.avatar
    if shown.content_type:
        return _image(context, shown.data, shown.content_type, shown.etag)
    return _image(context, INITIALS_SVG.format(escape(shown.initials)).encode(), "image/svg+xml", "")


def _image(context: Context, body: bytes, media_type: str, service_etag: str) -> Response:
    """A picture, revalidated by its ETag (304 when If-None-Match names it)."""
    etag = f'"{service_etag}"' if service_etag else ""
    headers = {"Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
    if etag:
        headers["ETag"] = etag
        if context.request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


async def get_organization_logo(context: Context) -> Response:
    reply = await context.call(
        context.clients.membership.GetOrganizationLogo,
        membership_pb.GetOrganizationLogoRequest(organization_id=context.organization_id),
    )
    return _image(context, reply.data, reply.content_type, reply.etag)


async def _set_logo(context: Context, picture: bytes) -> OrganizationReply:
    reply = await context.call(
        context.clients.membership.SetOrganizationLogo,
        membership_pb.SetOrganizationLogoRequest(organization_id=context.organization_id, data=picture),
    )
    return organization_reply(context, reply.organization)


async def set_organization_logo(context: Context) -> OrganizationReply:
    return await _set_logo(context, context.body_as(AvatarUpload).picture)


async def remove_organization_logo(context: Context) -> OrganizationReply:
    return await _set_logo(context, b"")


_GET_SUMMARY = "the picture as an image, or an SVG of the initials when there is none; revalidate with If-None-Match"
ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/me/avatar",
        get_my_avatar,
        f"Your own picture: {_GET_SUMMARY}.",
        response_media=("image/png", "image/jpeg", "image/webp", "image/svg+xml"),
    ),
    ApiRoute(
        "PUT",
        "/v1/me/avatar",
        set_my_avatar,
        "Set your own picture (a PNG, JPEG or WebP of at most 256 KiB, base64). Audited (member.avatar_changed).",
        body=AvatarUpload,
        response=MemberAvatar,
    ),
    ApiRoute("DELETE", "/v1/me/avatar", remove_my_avatar, "Remove your own picture.", response=MemberAvatar),
    ApiRoute(
        "GET",
        "/v1/members/{member_id}/avatar",
        get_member_avatar,
        f"A member's picture, seen by anyone in the organization: {_GET_SUMMARY}.",
        response_media=("image/png", "image/jpeg", "image/webp", "image/svg+xml"),
    ),
    ApiRoute(
        "PUT",
        "/v1/members/{member_id}/avatar",
        set_member_avatar,
        "Set a member's picture (members.invite, within what you may touch). Audited.",
        body=AvatarUpload,
        response=MemberAvatar,
    ),
    ApiRoute(
        "DELETE",
        "/v1/members/{member_id}/avatar",
        remove_member_avatar,
        "Remove a member's picture (members.invite, within what you may touch).",
        response=MemberAvatar,
    ),
    ApiRoute(
        "GET",
        LOGO_PATH,
        get_organization_logo,
        "The organization's uploaded logo, for any member; revalidate with If-None-Match (404 when none).",
        response_media=("image/png", "image/jpeg", "image/webp"),
    ),
    ApiRoute(
        "PUT",
        LOGO_PATH,
        set_organization_logo,
        "Upload the organization's logo (a PNG, JPEG or WebP of at most 256 KiB, base64; org.manage): logo_url "
        "becomes its address here. Audited (organization.updated, before and after).",
        body=AvatarUpload,
        response=OrganizationReply,
    ),
    ApiRoute(
        "DELETE",
        LOGO_PATH,
        remove_organization_logo,
        "Remove the organization's uploaded logo (org.manage).",
        response=OrganizationReply,
    ),
)
