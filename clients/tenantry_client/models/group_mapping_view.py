from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="GroupMappingView")


@_attrs_define
class GroupMappingView:
    """
    Attributes:
        group_id (str):
        idp_group (str):
        role (str):
    """

    group_id: str
    idp_group: str
    role: str

    def to_dict(self) -> dict[str, Any]:
        group_id = self.group_id

        idp_group = self.idp_group

        role = self.role

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "group_id": group_id,
                "idp_group": idp_group,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        group_id = d.pop("group_id")

        idp_group = d.pop("idp_group")

        role = d.pop("role")

        group_mapping_view = cls(
            group_id=group_id,
            idp_group=idp_group,
            role=role,
        )

        return group_mapping_view
