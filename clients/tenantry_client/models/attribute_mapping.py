from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attribute_mapping_profile_fields import AttributeMappingProfileFields


T = TypeVar("T", bound="AttributeMapping")


@_attrs_define
class AttributeMapping:
    """
    Attributes:
        display_name (str | Unset):  Default: ''.
        email (str | Unset): empty reads the NameID (SAML) or email (OIDC) Default: ''.
        groups (str | Unset):  Default: ''.
        profile_fields (AttributeMappingProfileFields | Unset): field key to attribute
    """

    display_name: str | Unset = ""
    email: str | Unset = ""
    groups: str | Unset = ""
    profile_fields: AttributeMappingProfileFields | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        email = self.email

        groups = self.groups

        profile_fields: dict[str, Any] | Unset = UNSET
        if not isinstance(self.profile_fields, Unset):
            profile_fields = self.profile_fields.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if email is not UNSET:
            field_dict["email"] = email
        if groups is not UNSET:
            field_dict["groups"] = groups
        if profile_fields is not UNSET:
            field_dict["profile_fields"] = profile_fields

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attribute_mapping_profile_fields import AttributeMappingProfileFields  # noqa: PLC0415

        d = dict(src_dict)
        display_name = d.pop("display_name", UNSET)

        email = d.pop("email", UNSET)

        groups = d.pop("groups", UNSET)

        _profile_fields = d.pop("profile_fields", UNSET)
        profile_fields: AttributeMappingProfileFields | Unset
        if isinstance(_profile_fields, Unset):
            profile_fields = UNSET
        else:
            profile_fields = AttributeMappingProfileFields.from_dict(_profile_fields)

        attribute_mapping = cls(
            display_name=display_name,
            email=email,
            groups=groups,
            profile_fields=profile_fields,
        )

        return attribute_mapping
