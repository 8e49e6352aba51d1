from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="MemberGroupsAddition")


@_attrs_define
class MemberGroupsAddition:
    """
    Attributes:
        group_ids (list[str]): at most 10 workspaces
    """

    group_ids: list[str]

    def to_dict(self) -> dict[str, Any]:
        group_ids = self.group_ids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "group_ids": group_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        group_ids = cast(list[str], d.pop("group_ids"))

        member_groups_addition = cls(
            group_ids=group_ids,
        )

        return member_groups_addition
