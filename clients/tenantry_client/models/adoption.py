from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.daily_active import DailyActive


T = TypeVar("T", bound="Adoption")


@_attrs_define
class Adoption:
    """
    Attributes:
        active_users_this_week (int):
        adoption (float): seats_active / seats_purchased (0 when nothing is purchased).
        seats_active (int): Members holding a seat who were active in the last 7 days.
        seats_assigned (int):
        seats_purchased (int):
        trend (list[DailyActive]):
    """

    active_users_this_week: int
    adoption: float
    seats_active: int
    seats_assigned: int
    seats_purchased: int
    trend: list[DailyActive]

    def to_dict(self) -> dict[str, Any]:
        active_users_this_week = self.active_users_this_week

        adoption = self.adoption

        seats_active = self.seats_active

        seats_assigned = self.seats_assigned

        seats_purchased = self.seats_purchased

        trend = []
        for trend_item_data in self.trend:
            trend_item = trend_item_data.to_dict()
            trend.append(trend_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "active_users_this_week": active_users_this_week,
                "adoption": adoption,
                "seats_active": seats_active,
                "seats_assigned": seats_assigned,
                "seats_purchased": seats_purchased,
                "trend": trend,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.daily_active import DailyActive  # noqa: PLC0415

        d = dict(src_dict)
        active_users_this_week = d.pop("active_users_this_week")

        adoption = d.pop("adoption")

        seats_active = d.pop("seats_active")

        seats_assigned = d.pop("seats_assigned")

        seats_purchased = d.pop("seats_purchased")

        trend = []
        _trend = d.pop("trend")
        for trend_item_data in _trend:
            trend_item = DailyActive.from_dict(trend_item_data)

            trend.append(trend_item)

        adoption = cls(
            active_users_this_week=active_users_this_week,
            adoption=adoption,
            seats_active=seats_active,
            seats_assigned=seats_assigned,
            seats_purchased=seats_purchased,
            trend=trend,
        )

        return adoption
