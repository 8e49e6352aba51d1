from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MemberAvatar")


@_attrs_define
class MemberAvatar:
    """
    Attributes:
        content_type (str): image/png, image/jpeg or image/webp; empty when the member has none.
        initials (str): Up to two letters to draw when there is no picture.
        member_id (str):
        url (str): Where the picture (or, without one, an SVG of the initials) is served.
    """

    content_type: str
    initials: str
    member_id: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        initials = self.initials

        member_id = self.member_id

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "content_type": content_type,
                "initials": initials,
                "member_id": member_id,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = d.pop("content_type")

        initials = d.pop("initials")

        member_id = d.pop("member_id")

        url = d.pop("url")

        member_avatar = cls(
            content_type=content_type,
            initials=initials,
            member_id=member_id,
            url=url,
        )

        return member_avatar
