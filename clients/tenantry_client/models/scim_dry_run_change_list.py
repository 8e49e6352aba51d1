from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.scim_dry_run_change import ScimDryRunChange


T = TypeVar("T", bound="ScimDryRunChangeList")


@_attrs_define
class ScimDryRunChangeList:
    """
    Attributes:
        changes (list[ScimDryRunChange]):
        next_page_token (str): empty on the last page
    """

    changes: list[ScimDryRunChange]
    next_page_token: str

    def to_dict(self) -> dict[str, Any]:
        changes = []
        for changes_item_data in self.changes:
            changes_item = changes_item_data.to_dict()
            changes.append(changes_item)

        next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "changes": changes,
                "next_page_token": next_page_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scim_dry_run_change import ScimDryRunChange  # noqa: PLC0415

        d = dict(src_dict)
        changes = []
        _changes = d.pop("changes")
        for changes_item_data in _changes:
            changes_item = ScimDryRunChange.from_dict(changes_item_data)

            changes.append(changes_item)

        next_page_token = d.pop("next_page_token")

        scim_dry_run_change_list = cls(
            changes=changes,
            next_page_token=next_page_token,
        )

        return scim_dry_run_change_list
