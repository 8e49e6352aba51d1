"""Members' pictures (respond.io: a user's profile is their avatar, display name, role and email). A person sets
their own, an admin anyone's they may touch; every member of the organization sees them. A member without one is
shown by their initials. Pictures are small PNG, JPEG or WebP files, recognised by their content, not by what the
uploader says they are."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.common.principal import Principal
from services.membership.domain.events import MemberChanged
from services.membership.domain.model import Avatar
from services.membership.domain.ports import Clock, MembershipStore
from services.membership.domain.profile_fields import member_to_edit, own_member_id

MAX_AVATAR_BYTES = 256 * 1024
# The formats a browser shows everywhere, by their first bytes.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


@dataclass(frozen=True)
class AvatarView:
    """What a member looks like: their picture, or the initials to draw instead."""

    member_id: str
    avatar: Avatar | None
    initials: str


def content_type_of(data: bytes) -> str:
    """The picture's type from its content; refused when it is none of the accepted formats or too large."""
    if len(data) > MAX_AVATAR_BYTES:
        raise InvalidArgument(
            f"The picture is larger than {MAX_AVATAR_BYTES // 1024} KiB.",
            [FieldViolation("data", f"at most {MAX_AVATAR_BYTES} bytes")],
        )
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    raise InvalidArgument(
        "The picture must be a PNG, JPEG or WebP image.", [FieldViolation("data", "a PNG, JPEG or WebP image")]
    )


def initials_of(display_name: str, email: str) -> str:
    """Up to two letters: of the first and last words of the name, else of the email address."""
    words = [word for word in display_name.split() if word[:1].isalnum()]
    if not words:
        return email[:1].upper() or "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


class AvatarUseCases:
    def __init__(self, store: MembershipStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def set(self, principal: Principal, organization_id: str, member_id: str, data: bytes) -> AvatarView:
        """The member's new picture, or none (empty `data`): their own (`member_id` empty names the caller's
        membership), or anyone's an admin may touch. Recorded as member.avatar_changed."""
        principal.require_organization(organization_id)
        avatar: Avatar | None = None
        now = self._clock.now()
        if data:
            avatar = Avatar(content_type_of(data), data, hashlib.sha256(data).hexdigest()[:32], now)
        async with self._store.write() as tx:
            member_id = member_id or await own_member_id(tx, principal, organization_id)
            member = await member_to_edit(tx, principal, organization_id, member_id)
            before = await tx.avatar(organization_id, member.id)
            if (before.etag if before else None) != (avatar.etag if avatar else None):
                await tx.put_avatar(organization_id, member.id, avatar)
                await tx.record_events(MemberChanged(principal, now, member, "avatar", member))
        return AvatarView(member.id, avatar, initials_of(member.display_name, member.email))

    async def get(self, principal: Principal, organization_id: str, member_id: str) -> AvatarView:
        """Any member of the organization sees another's picture (it shows in lists and the Team page)."""
        principal.require_organization(organization_id)
        async with self._store.read() as tx:
            member_id = member_id or await own_member_id(tx, principal, organization_id)
            member = await tx.get_member(organization_id, member_id)
            if member is None:
                raise NotFound("No such member.")
            avatar = await tx.avatar(organization_id, member.id)
        return AvatarView(member.id, avatar, initials_of(member.display_name, member.email))
