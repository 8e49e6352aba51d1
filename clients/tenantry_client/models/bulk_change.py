from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.bulk_change_action import BulkChangeAction
from ..types import UNSET, Unset

T = TypeVar("T", bound="BulkChange")


@_attrs_define
class BulkChange:
    """
    Attributes:
        action (BulkChangeAction):
        member_ids (list[str]):
        group_ids (list[str] | Unset):
        role (str | Unset):  Default: ''.
    """

    action: BulkChangeAction
    member_ids: list[str]
    group_ids: list[str] | Unset = UNSET
    role: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        member_ids = self.member_ids

        group_ids: list[str] | Unset = UNSET
        if not isinstance(self.group_ids, Unset):
            group_ids = self.group_ids

        role = self.role

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "member_ids": member_ids,
            }
        )
        if group_ids is not UNSET:
            field_dict["group_ids"] = group_ids
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = BulkChangeAction(d.pop("action"))

        member_ids = cast(list[str], d.pop("member_ids"))

        group_ids = cast(list[str], d.pop("group_ids", UNSET))

        role = d.pop("role", UNSET)

        bulk_change = cls(
            action=action,
            member_ids=member_ids,
            group_ids=group_ids,
            role=role,
        )

        return bulk_change
