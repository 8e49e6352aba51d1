from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.profile_field import ProfileField


T = TypeVar("T", bound="ProfileFieldReply")


@_attrs_define
class ProfileFieldReply:
    """
    Attributes:
        field (ProfileField):
    """

    field: ProfileField

    def to_dict(self) -> dict[str, Any]:
        field = self.field.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "field": field,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.profile_field import ProfileField  # noqa: PLC0415

        d = dict(src_dict)
        field = ProfileField.from_dict(d.pop("field"))

        profile_field_reply = cls(
            field=field,
        )

        return profile_field_reply
