from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="UsageReportResult")


@_attrs_define
class UsageReportResult:
    """
    Attributes:
        accepted (int):
        duplicates (int):
    """

    accepted: int
    duplicates: int

    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        duplicates = self.duplicates

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "accepted": accepted,
                "duplicates": duplicates,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        accepted = d.pop("accepted")

        duplicates = d.pop("duplicates")

        usage_report_result = cls(
            accepted=accepted,
            duplicates=duplicates,
        )

        return usage_report_result
