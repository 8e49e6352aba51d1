from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="RoleDefinition")


@_attrs_define
class RoleDefinition:
    """
    Attributes:
        key (str): lower case letters, digits and _, starting with a letter
        name (str):
        permissions (list[str]):
    """

    key: str
    name: str
    permissions: list[str]

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        name = self.name

        permissions = self.permissions

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "name": name,
                "permissions": permissions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        name = d.pop("name")

        permissions = cast(list[str], d.pop("permissions"))

        role_definition = cls(
            key=key,
            name=name,
            permissions=permissions,
        )

        return role_definition
