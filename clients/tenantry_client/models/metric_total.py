from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MetricTotal")


@_attrs_define
class MetricTotal:
    """
    Attributes:
        metric (str):
        total (int):
    """

    metric: str
    total: int

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric

        total = self.total

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "metric": metric,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        metric = d.pop("metric")

        total = d.pop("total")

        metric_total = cls(
            metric=metric,
            total=total,
        )

        return metric_total
