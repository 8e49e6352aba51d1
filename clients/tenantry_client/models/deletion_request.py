from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DeletionRequest")


@_attrs_define
class DeletionRequest:
    """
    Attributes:
        confirm_name (str): The organization's exact name, typed to confirm.
    """

    confirm_name: str

    def to_dict(self) -> dict[str, Any]:
        confirm_name = self.confirm_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "confirm_name": confirm_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        confirm_name = d.pop("confirm_name")

        deletion_request = cls(
            confirm_name=confirm_name,
        )

        return deletion_request
