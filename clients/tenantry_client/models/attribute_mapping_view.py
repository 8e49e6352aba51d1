from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.attribute_mapping_view_profile_fields import AttributeMappingViewProfileFields


T = TypeVar("T", bound="AttributeMappingView")


@_attrs_define
class AttributeMappingView:
    """
    Attributes:
        display_name (str):
        email (str):
        groups (str):
        profile_fields (AttributeMappingViewProfileFields):
    """

    display_name: str
    email: str
    groups: str
    profile_fields: AttributeMappingViewProfileFields

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        email = self.email

        groups = self.groups

        profile_fields = self.profile_fields.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "display_name": display_name,
                "email": email,
                "groups": groups,
                "profile_fields": profile_fields,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attribute_mapping_view_profile_fields import AttributeMappingViewProfileFields  # noqa: PLC0415

        d = dict(src_dict)
        display_name = d.pop("display_name")

        email = d.pop("email")

        groups = d.pop("groups")

        profile_fields = AttributeMappingViewProfileFields.from_dict(d.pop("profile_fields"))

        attribute_mapping_view = cls(
            display_name=display_name,
            email=email,
            groups=groups,
            profile_fields=profile_fields,
        )

        return attribute_mapping_view
