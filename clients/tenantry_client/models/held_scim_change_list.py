from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.held_scim_change import HeldScimChange


T = TypeVar("T", bound="HeldScimChangeList")


@_attrs_define
class HeldScimChangeList:
    """
    Attributes:
        held_changes (list[HeldScimChange]):
    """

    held_changes: list[HeldScimChange]

    def to_dict(self) -> dict[str, Any]:
        held_changes = []
        for held_changes_item_data in self.held_changes:
            held_changes_item = held_changes_item_data.to_dict()
            held_changes.append(held_changes_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "held_changes": held_changes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.held_scim_change import HeldScimChange  # noqa: PLC0415

        d = dict(src_dict)
        held_changes = []
        _held_changes = d.pop("held_changes")
        for held_changes_item_data in _held_changes:
            held_changes_item = HeldScimChange.from_dict(held_changes_item_data)

            held_changes.append(held_changes_item)

        held_scim_change_list = cls(
            held_changes=held_changes,
        )

        return held_scim_change_list
