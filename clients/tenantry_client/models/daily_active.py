from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DailyActive")


@_attrs_define
class DailyActive:
    """
    Attributes:
        active_members (int):
        day (datetime.date):
    """

    active_members: int
    day: datetime.date

    def to_dict(self) -> dict[str, Any]:
        active_members = self.active_members

        day = self.day.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "active_members": active_members,
                "day": day,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active_members = d.pop("active_members")

        day = datetime.date.fromisoformat(d.pop("day"))

        daily_active = cls(
            active_members=active_members,
            day=day,
        )

        return daily_active
