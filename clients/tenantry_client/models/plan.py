from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.money import Money


T = TypeVar("T", bound="Plan")


@_attrs_define
class Plan:
    """
    Attributes:
        entitlements (list[str]):
        id (str):
        interval (str):
        maximum_seats (int):
        minimum_seats (int):
        name (str):
        price_per_seat (Money):
        trial_days (int):
    """

    entitlements: list[str]
    id: str
    interval: str
    maximum_seats: int
    minimum_seats: int
    name: str
    price_per_seat: Money
    trial_days: int

    def to_dict(self) -> dict[str, Any]:
        entitlements = self.entitlements

        id = self.id

        interval = self.interval

        maximum_seats = self.maximum_seats

        minimum_seats = self.minimum_seats

        name = self.name

        price_per_seat = self.price_per_seat.to_dict()

        trial_days = self.trial_days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "entitlements": entitlements,
                "id": id,
                "interval": interval,
                "maximum_seats": maximum_seats,
                "minimum_seats": minimum_seats,
                "name": name,
                "price_per_seat": price_per_seat,
                "trial_days": trial_days,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money import Money  # noqa: PLC0415

        d = dict(src_dict)
        entitlements = cast(list[str], d.pop("entitlements"))

        id = d.pop("id")

        interval = d.pop("interval")

        maximum_seats = d.pop("maximum_seats")

        minimum_seats = d.pop("minimum_seats")

        name = d.pop("name")

        price_per_seat = Money.from_dict(d.pop("price_per_seat"))

        trial_days = d.pop("trial_days")

        plan = cls(
            entitlements=entitlements,
            id=id,
            interval=interval,
            maximum_seats=maximum_seats,
            minimum_seats=minimum_seats,
            name=name,
            price_per_seat=price_per_seat,
            trial_days=trial_days,
        )

        return plan
