from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.profile_field import ProfileField


T = TypeVar("T", bound="ProfileFieldList")


@_attrs_define
class ProfileFieldList:
    """
    Attributes:
        fields (list[ProfileField]):
    """

    fields: list[ProfileField]

    def to_dict(self) -> dict[str, Any]:
        fields = []
        for fields_item_data in self.fields:
            fields_item = fields_item_data.to_dict()
            fields.append(fields_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "fields": fields,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.profile_field import ProfileField  # noqa: PLC0415

        d = dict(src_dict)
        fields = []
        _fields = d.pop("fields")
        for fields_item_data in _fields:
            fields_item = ProfileField.from_dict(fields_item_data)

            fields.append(fields_item)

        profile_field_list = cls(
            fields=fields,
        )

        return profile_field_list
