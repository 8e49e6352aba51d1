from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.group_activity import GroupActivity


T = TypeVar("T", bound="GroupActivityList")


@_attrs_define
class GroupActivityList:
    """
    Attributes:
        groups (list[GroupActivity]):
        next_page_token (str):
    """

    groups: list[GroupActivity]
    next_page_token: str

    def to_dict(self) -> dict[str, Any]:
        groups = []
        for groups_item_data in self.groups:
            groups_item = groups_item_data.to_dict()
            groups.append(groups_item)

        next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "groups": groups,
                "next_page_token": next_page_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.group_activity import GroupActivity  # noqa: PLC0415

        d = dict(src_dict)
        groups = []
        _groups = d.pop("groups")
        for groups_item_data in _groups:
            groups_item = GroupActivity.from_dict(groups_item_data)

            groups.append(groups_item)

        next_page_token = d.pop("next_page_token")

        group_activity_list = cls(
            groups=groups,
            next_page_token=next_page_token,
        )

        return group_activity_list
