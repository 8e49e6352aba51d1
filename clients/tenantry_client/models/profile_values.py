from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.profile_values_values import ProfileValuesValues


T = TypeVar("T", bound="ProfileValues")


@_attrs_define
class ProfileValues:
    """
    Attributes:
        values (ProfileValuesValues): field key to text; an empty string clears the value
    """

    values: ProfileValuesValues

    def to_dict(self) -> dict[str, Any]:
        values = self.values.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "values": values,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.profile_values_values import ProfileValuesValues  # noqa: PLC0415

        d = dict(src_dict)
        values = ProfileValuesValues.from_dict(d.pop("values"))

        profile_values = cls(
            values=values,
        )

        return profile_values
