from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="GroupMembersRemoval")


@_attrs_define
class GroupMembersRemoval:
    """
    Attributes:
        member_ids (list[str]):
    """

    member_ids: list[str]

    def to_dict(self) -> dict[str, Any]:
        member_ids = self.member_ids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "member_ids": member_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        member_ids = cast(list[str], d.pop("member_ids"))

        group_members_removal = cls(
            member_ids=member_ids,
        )

        return group_members_removal
