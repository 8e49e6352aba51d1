from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SeatUsage")


@_attrs_define
class SeatUsage:
    """
    Attributes:
        active (int):
        available (int):
        in_use (int):
        invited (int):
        organization_id (str):
        purchased (int):
    """

    active: int
    available: int
    in_use: int
    invited: int
    organization_id: str
    purchased: int

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        available = self.available

        in_use = self.in_use

        invited = self.invited

        organization_id = self.organization_id

        purchased = self.purchased

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "active": active,
                "available": available,
                "in_use": in_use,
                "invited": invited,
                "organization_id": organization_id,
                "purchased": purchased,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        available = d.pop("available")

        in_use = d.pop("in_use")

        invited = d.pop("invited")

        organization_id = d.pop("organization_id")

        purchased = d.pop("purchased")

        seat_usage = cls(
            active=active,
            available=available,
            in_use=in_use,
            invited=invited,
            organization_id=organization_id,
            purchased=purchased,
        )

        return seat_usage
