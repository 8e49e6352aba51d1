from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScimTokenRotation")


@_attrs_define
class ScimTokenRotation:
    """
    Attributes:
        overlap_seconds (int | Unset): how long the old token keeps working (0 revokes it at once) Default: 3600.
    """

    overlap_seconds: int | Unset = 3600

    def to_dict(self) -> dict[str, Any]:
        overlap_seconds = self.overlap_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if overlap_seconds is not UNSET:
            field_dict["overlap_seconds"] = overlap_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        overlap_seconds = d.pop("overlap_seconds", UNSET)

        scim_token_rotation = cls(
            overlap_seconds=overlap_seconds,
        )

        return scim_token_rotation
