from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.member_outcome import MemberOutcome


T = TypeVar("T", bound="BulkResults")


@_attrs_define
class BulkResults:
    """
    Attributes:
        results (list[MemberOutcome]):
    """

    results: list[MemberOutcome]

    def to_dict(self) -> dict[str, Any]:
        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member_outcome import MemberOutcome  # noqa: PLC0415

        d = dict(src_dict)
        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = MemberOutcome.from_dict(results_item_data)

            results.append(results_item)

        bulk_results = cls(
            results=results,
        )

        return bulk_results
