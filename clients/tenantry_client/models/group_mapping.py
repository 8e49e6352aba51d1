from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="GroupMapping")


@_attrs_define
class GroupMapping:
    """
    Attributes:
        idp_group (str):
        group_id (str | Unset): membership group; empty for none Default: ''.
        role (str | Unset): role key; empty for none Default: ''.
    """

    idp_group: str
    group_id: str | Unset = ""
    role: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        idp_group = self.idp_group

        group_id = self.group_id

        role = self.role

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "idp_group": idp_group,
            }
        )
        if group_id is not UNSET:
            field_dict["group_id"] = group_id
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        idp_group = d.pop("idp_group")

        group_id = d.pop("group_id", UNSET)

        role = d.pop("role", UNSET)

        group_mapping = cls(
            idp_group=idp_group,
            group_id=group_id,
            role=role,
        )

        return group_mapping
