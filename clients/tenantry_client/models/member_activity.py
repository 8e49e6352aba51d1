from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.metric_total import MetricTotal


T = TypeVar("T", bound="MemberActivity")


@_attrs_define
class MemberActivity:
    """
    Attributes:
        active_days (int):
        last_active_day (datetime.date):
        member_id (str):
        sign_ins (int):
        usage (list[MetricTotal]):
    """

    active_days: int
    last_active_day: datetime.date
    member_id: str
    sign_ins: int
    usage: list[MetricTotal]

    def to_dict(self) -> dict[str, Any]:
        active_days = self.active_days

        last_active_day = self.last_active_day.isoformat()

        member_id = self.member_id

        sign_ins = self.sign_ins

        usage = []
        for usage_item_data in self.usage:
            usage_item = usage_item_data.to_dict()
            usage.append(usage_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "active_days": active_days,
                "last_active_day": last_active_day,
                "member_id": member_id,
                "sign_ins": sign_ins,
                "usage": usage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metric_total import MetricTotal  # noqa: PLC0415

        d = dict(src_dict)
        active_days = d.pop("active_days")

        last_active_day = datetime.date.fromisoformat(d.pop("last_active_day"))

        member_id = d.pop("member_id")

        sign_ins = d.pop("sign_ins")

        usage = []
        _usage = d.pop("usage")
        for usage_item_data in _usage:
            usage_item = MetricTotal.from_dict(usage_item_data)

            usage.append(usage_item)

        member_activity = cls(
            active_days=active_days,
            last_active_day=last_active_day,
            member_id=member_id,
            sign_ins=sign_ins,
            usage=usage,
        )

        return member_activity
