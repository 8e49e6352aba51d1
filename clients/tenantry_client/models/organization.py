from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.member_counts import MemberCounts


T = TypeVar("T", bound="Organization")


@_attrs_define
class Organization:
    """
    Attributes:
        accent_color (str):
        brand_color (str):
        create_time (datetime.datetime | None):
        deletion_time (datetime.datetime | None):
        display_name (str):
        etag (str):
        group_creation_policy (str):
        id (str):
        invitation_ttl_days (int):
        logo_url (str):
        member_counts (MemberCounts):
        requested_deletion_time (datetime.datetime | None):
        secondary_color (str):
        welcome_message (str):
        welcome_video_url (str):
    """

    accent_color: str
    brand_color: str
    create_time: datetime.datetime | None
    deletion_time: datetime.datetime | None
    display_name: str
    etag: str
    group_creation_policy: str
    id: str
    invitation_ttl_days: int
    logo_url: str
    member_counts: MemberCounts
    requested_deletion_time: datetime.datetime | None
    secondary_color: str
    welcome_message: str
    welcome_video_url: str

    def to_dict(self) -> dict[str, Any]:
        accent_color = self.accent_color

        brand_color = self.brand_color

        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        deletion_time: None | str
        if isinstance(self.deletion_time, datetime.datetime):
            deletion_time = self.deletion_time.isoformat()
        else:
            deletion_time = self.deletion_time

        display_name = self.display_name

        etag = self.etag

        group_creation_policy = self.group_creation_policy

        id = self.id

        invitation_ttl_days = self.invitation_ttl_days

        logo_url = self.logo_url

        member_counts = self.member_counts.to_dict()

        requested_deletion_time: None | str
        if isinstance(self.requested_deletion_time, datetime.datetime):
            requested_deletion_time = self.requested_deletion_time.isoformat()
        else:
            requested_deletion_time = self.requested_deletion_time

        secondary_color = self.secondary_color

        welcome_message = self.welcome_message

        welcome_video_url = self.welcome_video_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "accent_color": accent_color,
                "brand_color": brand_color,
                "create_time": create_time,
                "deletion_time": deletion_time,
                "display_name": display_name,
                "etag": etag,
                "group_creation_policy": group_creation_policy,
                "id": id,
                "invitation_ttl_days": invitation_ttl_days,
                "logo_url": logo_url,
                "member_counts": member_counts,
                "requested_deletion_time": requested_deletion_time,
                "secondary_color": secondary_color,
                "welcome_message": welcome_message,
                "welcome_video_url": welcome_video_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member_counts import MemberCounts  # noqa: PLC0415

        d = dict(src_dict)
        accent_color = d.pop("accent_color")

        brand_color = d.pop("brand_color")

        def _parse_create_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                create_time_type_0 = datetime.datetime.fromisoformat(data)

                return create_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        create_time = _parse_create_time(d.pop("create_time"))

        def _parse_deletion_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deletion_time_type_0 = datetime.datetime.fromisoformat(data)

                return deletion_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deletion_time = _parse_deletion_time(d.pop("deletion_time"))

        display_name = d.pop("display_name")

        etag = d.pop("etag")

        group_creation_policy = d.pop("group_creation_policy")

        id = d.pop("id")

        invitation_ttl_days = d.pop("invitation_ttl_days")

        logo_url = d.pop("logo_url")

        member_counts = MemberCounts.from_dict(d.pop("member_counts"))

        def _parse_requested_deletion_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                requested_deletion_time_type_0 = datetime.datetime.fromisoformat(data)

                return requested_deletion_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        requested_deletion_time = _parse_requested_deletion_time(d.pop("requested_deletion_time"))

        secondary_color = d.pop("secondary_color")

        welcome_message = d.pop("welcome_message")

        welcome_video_url = d.pop("welcome_video_url")

        organization = cls(
            accent_color=accent_color,
            brand_color=brand_color,
            create_time=create_time,
            deletion_time=deletion_time,
            display_name=display_name,
            etag=etag,
            group_creation_policy=group_creation_policy,
            id=id,
            invitation_ttl_days=invitation_ttl_days,
            logo_url=logo_url,
            member_counts=member_counts,
            requested_deletion_time=requested_deletion_time,
            secondary_color=secondary_color,
            welcome_message=welcome_message,
            welcome_video_url=welcome_video_url,
        )

        return organization
