from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.role import Role


T = TypeVar("T", bound="RoleReply")


@_attrs_define
class RoleReply:
    """
    Attributes:
        role (Role):
    """

    role: Role

    def to_dict(self) -> dict[str, Any]:
        role = self.role.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.role import Role  # noqa: PLC0415

        d = dict(src_dict)
        role = Role.from_dict(d.pop("role"))

        role_reply = cls(
            role=role,
        )

        return role_reply
