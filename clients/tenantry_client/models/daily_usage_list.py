from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.daily_usage import DailyUsage


T = TypeVar("T", bound="DailyUsageList")


@_attrs_define
class DailyUsageList:
    """
    Attributes:
        usage (list[DailyUsage]):
    """

    usage: list[DailyUsage]

    def to_dict(self) -> dict[str, Any]:
        usage = []
        for usage_item_data in self.usage:
            usage_item = usage_item_data.to_dict()
            usage.append(usage_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "usage": usage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.daily_usage import DailyUsage  # noqa: PLC0415

        d = dict(src_dict)
        usage = []
        _usage = d.pop("usage")
        for usage_item_data in _usage:
            usage_item = DailyUsage.from_dict(usage_item_data)

            usage.append(usage_item)

        daily_usage_list = cls(
            usage=usage,
        )

        return daily_usage_list
