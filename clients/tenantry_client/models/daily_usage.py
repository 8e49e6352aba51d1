from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DailyUsage")


@_attrs_define
class DailyUsage:
    """
    Attributes:
        day (datetime.date):
        members (int):
        metric (str):
        total (int):
    """

    day: datetime.date
    members: int
    metric: str
    total: int

    def to_dict(self) -> dict[str, Any]:
        day = self.day.isoformat()

        members = self.members

        metric = self.metric

        total = self.total

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "day": day,
                "members": members,
                "metric": metric,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        day = datetime.date.fromisoformat(d.pop("day"))

        members = d.pop("members")

        metric = d.pop("metric")

        total = d.pop("total")

        daily_usage = cls(
            day=day,
            members=members,
            metric=metric,
            total=total,
        )

        return daily_usage
