from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.metric_total import MetricTotal


T = TypeVar("T", bound="GroupActivity")


@_attrs_define
class GroupActivity:
    """
    Attributes:
        active_members (int):
        group_id (str):
        members (int):
        name (str):
        usage (list[MetricTotal]):
    """

    active_members: int
    group_id: str
    members: int
    name: str
    usage: list[MetricTotal]

    def to_dict(self) -> dict[str, Any]:
        active_members = self.active_members

        group_id = self.group_id

        members = self.members

        name = self.name

        usage = []
        for usage_item_data in self.usage:
            usage_item = usage_item_data.to_dict()
            usage.append(usage_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "active_members": active_members,
                "group_id": group_id,
                "members": members,
                "name": name,
                "usage": usage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metric_total import MetricTotal  # noqa: PLC0415

        d = dict(src_dict)
        active_members = d.pop("active_members")

        group_id = d.pop("group_id")

        members = d.pop("members")

        name = d.pop("name")

        usage = []
        _usage = d.pop("usage")
        for usage_item_data in _usage:
            usage_item = MetricTotal.from_dict(usage_item_data)

            usage.append(usage_item)

        group_activity = cls(
            active_members=active_members,
            group_id=group_id,
            members=members,
            name=name,
            usage=usage,
        )

        return group_activity
