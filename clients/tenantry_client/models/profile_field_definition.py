from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.profile_field_definition_type import ProfileFieldDefinitionType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProfileFieldDefinition")


@_attrs_define
class ProfileFieldDefinition:
    """
    Attributes:
        key (str): lower case letters, digits and _, starting with a letter
        label (str):
        type_ (ProfileFieldDefinitionType):
        choices (list[str] | Unset):
        shown (bool | Unset):  Default: True.
    """

    key: str
    label: str
    type_: ProfileFieldDefinitionType
    choices: list[str] | Unset = UNSET
    shown: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        label = self.label

        type_ = self.type_.value

        choices: list[str] | Unset = UNSET
        if not isinstance(self.choices, Unset):
            choices = self.choices

        shown = self.shown

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "label": label,
                "type": type_,
            }
        )
        if choices is not UNSET:
            field_dict["choices"] = choices
        if shown is not UNSET:
            field_dict["shown"] = shown

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        label = d.pop("label")

        type_ = ProfileFieldDefinitionType(d.pop("type"))

        choices = cast(list[str], d.pop("choices", UNSET))

        shown = d.pop("shown", UNSET)

        profile_field_definition = cls(
            key=key,
            label=label,
            type_=type_,
            choices=choices,
            shown=shown,
        )

        return profile_field_definition
