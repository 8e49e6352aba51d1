from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SeatChange")


@_attrs_define
class SeatChange:
    """
    Attributes:
        seats (int):
    """

    seats: int

    def to_dict(self) -> dict[str, Any]:
        seats = self.seats

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "seats": seats,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seats = d.pop("seats")

        seat_change = cls(
            seats=seats,
        )

        return seat_change
