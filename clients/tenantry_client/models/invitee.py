from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Invitee")


@_attrs_define
class Invitee:
    """
    Attributes:
        email (str):
        display_name (str | Unset):  Default: ''.
        group_ids (list[str] | Unset):
        role (str | Unset):  Default: ''.
    """

    email: str
    display_name: str | Unset = ""
    group_ids: list[str] | Unset = UNSET
    role: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        display_name = self.display_name

        group_ids: list[str] | Unset = UNSET
        if not isinstance(self.group_ids, Unset):
            group_ids = self.group_ids

        role = self.role

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if group_ids is not UNSET:
            field_dict["group_ids"] = group_ids
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        display_name = d.pop("display_name", UNSET)

        group_ids = cast(list[str], d.pop("group_ids", UNSET))

        role = d.pop("role", UNSET)

        invitee = cls(
            email=email,
            display_name=display_name,
            group_ids=group_ids,
            role=role,
        )

        return invitee
