from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="UsageEvent")


@_attrs_define
class UsageEvent:
    """
    Attributes:
        event_id (str):
        member_id (str):
        metric (str): A documented metric or a namespaced one, `x-<vendor>.<name>`.
        occur_time (datetime.datetime):
        value (int):
    """

    event_id: str
    member_id: str
    metric: str
    occur_time: datetime.datetime
    value: int

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        member_id = self.member_id

        metric = self.metric

        occur_time = self.occur_time.isoformat()

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_id": event_id,
                "member_id": member_id,
                "metric": metric,
                "occur_time": occur_time,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_id = d.pop("event_id")

        member_id = d.pop("member_id")

        metric = d.pop("metric")

        occur_time = datetime.datetime.fromisoformat(d.pop("occur_time"))

        value = d.pop("value")

        usage_event = cls(
            event_id=event_id,
            member_id=member_id,
            metric=metric,
            occur_time=occur_time,
            value=value,
        )

        return usage_event
