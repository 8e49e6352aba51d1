from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.seat_difference import SeatDifference


T = TypeVar("T", bound="Reconciliation")


@_attrs_define
class Reconciliation:
    """
    Attributes:
        billing_seats (int):
        differences (list[SeatDifference]):
        in_sync (bool):
        membership_members (int):
    """

    billing_seats: int
    differences: list[SeatDifference]
    in_sync: bool
    membership_members: int

    def to_dict(self) -> dict[str, Any]:
        billing_seats = self.billing_seats

        differences = []
        for differences_item_data in self.differences:
            differences_item = differences_item_data.to_dict()
            differences.append(differences_item)

        in_sync = self.in_sync

        membership_members = self.membership_members

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "billing_seats": billing_seats,
                "differences": differences,
                "in_sync": in_sync,
                "membership_members": membership_members,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.seat_difference import SeatDifference  # noqa: PLC0415

        d = dict(src_dict)
        billing_seats = d.pop("billing_seats")

        differences = []
        _differences = d.pop("differences")
        for differences_item_data in _differences:
            differences_item = SeatDifference.from_dict(differences_item_data)

            differences.append(differences_item)

        in_sync = d.pop("in_sync")

        membership_members = d.pop("membership_members")

        reconciliation = cls(
            billing_seats=billing_seats,
            differences=differences,
            in_sync=in_sync,
            membership_members=membership_members,
        )

        return reconciliation
