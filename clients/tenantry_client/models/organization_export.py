from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.exported_group import ExportedGroup
    from ..models.exported_member import ExportedMember


T = TypeVar("T", bound="OrganizationExport")


@_attrs_define
class OrganizationExport:
    """format=json: members and groups in one document.

    Attributes:
        groups (list[ExportedGroup]):
        members (list[ExportedMember]):
    """

    groups: list[ExportedGroup]
    members: list[ExportedMember]

    def to_dict(self) -> dict[str, Any]:
        groups = []
        for groups_item_data in self.groups:
            groups_item = groups_item_data.to_dict()
            groups.append(groups_item)

        members = []
        for members_item_data in self.members:
            members_item = members_item_data.to_dict()
            members.append(members_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "groups": groups,
                "members": members,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exported_group import ExportedGroup  # noqa: PLC0415
        from ..models.exported_member import ExportedMember  # noqa: PLC0415

        d = dict(src_dict)
        groups = []
        _groups = d.pop("groups")
        for groups_item_data in _groups:
            groups_item = ExportedGroup.from_dict(groups_item_data)

            groups.append(groups_item)

        members = []
        _members = d.pop("members")
        for members_item_data in _members:
            members_item = ExportedMember.from_dict(members_item_data)

            members.append(members_item)

        organization_export = cls(
            groups=groups,
            members=members,
        )

        return organization_export
