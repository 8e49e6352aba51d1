from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="GroupMembersAddition")


@_attrs_define
class GroupMembersAddition:
    """
    Attributes:
        member_ids (list[str]):
        as_admins (bool | Unset):  Default: False.
    """

    member_ids: list[str]
    as_admins: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        member_ids = self.member_ids

        as_admins = self.as_admins

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "member_ids": member_ids,
            }
        )
        if as_admins is not UNSET:
            field_dict["as_admins"] = as_admins

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        member_ids = cast(list[str], d.pop("member_ids"))

        as_admins = d.pop("as_admins", UNSET)

        group_members_addition = cls(
            member_ids=member_ids,
            as_admins=as_admins,
        )

        return group_members_addition
