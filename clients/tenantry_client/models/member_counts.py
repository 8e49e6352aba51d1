from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MemberCounts")


@_attrs_define
class MemberCounts:
    """
    Attributes:
        active (int):
        deactivated (int):
        invited (int):
    """

    active: int
    deactivated: int
    invited: int

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        deactivated = self.deactivated

        invited = self.invited

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "active": active,
                "deactivated": deactivated,
                "invited": invited,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        deactivated = d.pop("deactivated")

        invited = d.pop("invited")

        member_counts = cls(
            active=active,
            deactivated=deactivated,
            invited=invited,
        )

        return member_counts
