from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScimHoldPolicy")


@_attrs_define
class ScimHoldPolicy:
    """
    Attributes:
        floor (int): Deprovisions an hour never held, whatever the organization's size.
        percent (int): Percent of the members within a sliding hour (default 10).
    """

    floor: int
    percent: int

    def to_dict(self) -> dict[str, Any]:
        floor = self.floor

        percent = self.percent

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "floor": floor,
                "percent": percent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        floor = d.pop("floor")

        percent = d.pop("percent")

        scim_hold_policy = cls(
            floor=floor,
            percent=percent,
        )

        return scim_hold_policy
