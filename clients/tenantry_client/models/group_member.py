from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="GroupMember")


@_attrs_define
class GroupMember:
    """
    Attributes:
        display_name (str):
        email (str):
        is_admin (bool):
        member_id (str):
    """

    display_name: str
    email: str
    is_admin: bool
    member_id: str

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        email = self.email

        is_admin = self.is_admin

        member_id = self.member_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "display_name": display_name,
                "email": email,
                "is_admin": is_admin,
                "member_id": member_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("display_name")

        email = d.pop("email")

        is_admin = d.pop("is_admin")

        member_id = d.pop("member_id")

        group_member = cls(
            display_name=display_name,
            email=email,
            is_admin=is_admin,
            member_id=member_id,
        )

        return group_member
