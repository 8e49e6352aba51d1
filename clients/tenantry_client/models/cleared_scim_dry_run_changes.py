from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ClearedScimDryRunChanges")


@_attrs_define
class ClearedScimDryRunChanges:
    """
    Attributes:
        cleared (int):
    """

    cleared: int

    def to_dict(self) -> dict[str, Any]:
        cleared = self.cleared

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cleared": cleared,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cleared = d.pop("cleared")

        cleared_scim_dry_run_changes = cls(
            cleared=cleared,
        )

        return cleared_scim_dry_run_changes
