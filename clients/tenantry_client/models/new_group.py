from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.new_group_kind import NewGroupKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="NewGroup")


@_attrs_define
class NewGroup:
    """
    Attributes:
        name (str):
        category (str | Unset):  Default: ''.
        description (str | Unset):  Default: ''.
        is_default (bool | Unset): new members join it (groups.manage) Default: False.
        kind (NewGroupKind | Unset):  Default: NewGroupKind.TEAM.
        locked (bool | Unset): only admins change its members Default: False.
    """

    name: str
    category: str | Unset = ""
    description: str | Unset = ""
    is_default: bool | Unset = False
    kind: NewGroupKind | Unset = NewGroupKind.TEAM
    locked: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        category = self.category

        description = self.description

        is_default = self.is_default

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        locked = self.locked

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if category is not UNSET:
            field_dict["category"] = category
        if description is not UNSET:
            field_dict["description"] = description
        if is_default is not UNSET:
            field_dict["is_default"] = is_default
        if kind is not UNSET:
            field_dict["kind"] = kind
        if locked is not UNSET:
            field_dict["locked"] = locked

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        category = d.pop("category", UNSET)

        description = d.pop("description", UNSET)

        is_default = d.pop("is_default", UNSET)

        _kind = d.pop("kind", UNSET)
        kind: NewGroupKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = NewGroupKind(_kind)

        locked = d.pop("locked", UNSET)

        new_group = cls(
            name=name,
            category=category,
            description=description,
            is_default=is_default,
            kind=kind,
            locked=locked,
        )

        return new_group
