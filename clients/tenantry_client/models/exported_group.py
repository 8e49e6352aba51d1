from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ExportedGroup")


@_attrs_define
class ExportedGroup:
    """
    Attributes:
        category (str):
        description (str):
        id (str):
        is_default (bool):
        kind (str):
        locked (bool):
        member_count (int):
        name (str):
    """

    category: str
    description: str
    id: str
    is_default: bool
    kind: str
    locked: bool
    member_count: int
    name: str

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        description = self.description

        id = self.id

        is_default = self.is_default

        kind = self.kind

        locked = self.locked

        member_count = self.member_count

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "category": category,
                "description": description,
                "id": id,
                "is_default": is_default,
                "kind": kind,
                "locked": locked,
                "member_count": member_count,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = d.pop("category")

        description = d.pop("description")

        id = d.pop("id")

        is_default = d.pop("is_default")

        kind = d.pop("kind")

        locked = d.pop("locked")

        member_count = d.pop("member_count")

        name = d.pop("name")

        exported_group = cls(
            category=category,
            description=description,
            id=id,
            is_default=is_default,
            kind=kind,
            locked=locked,
            member_count=member_count,
            name=name,
        )

        return exported_group
