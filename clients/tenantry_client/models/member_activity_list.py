from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.member_activity import MemberActivity


T = TypeVar("T", bound="MemberActivityList")


@_attrs_define
class MemberActivityList:
    """
    Attributes:
        members (list[MemberActivity]):
        next_page_token (str):
    """

    members: list[MemberActivity]
    next_page_token: str

    def to_dict(self) -> dict[str, Any]:
        members = []
        for members_item_data in self.members:
            members_item = members_item_data.to_dict()
            members.append(members_item)

        next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "members": members,
                "next_page_token": next_page_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member_activity import MemberActivity  # noqa: PLC0415

        d = dict(src_dict)
        members = []
        _members = d.pop("members")
        for members_item_data in _members:
            members_item = MemberActivity.from_dict(members_item_data)

            members.append(members_item)

        next_page_token = d.pop("next_page_token")

        member_activity_list = cls(
            members=members,
            next_page_token=next_page_token,
        )

        return member_activity_list
