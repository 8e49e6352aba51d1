from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ProfileField")


@_attrs_define
class ProfileField:
    """
    Attributes:
        choices (list[str]):
        key (str):
        label (str):
        shown (bool):
        type_ (str):
    """

    choices: list[str]
    key: str
    label: str
    shown: bool
    type_: str

    def to_dict(self) -> dict[str, Any]:
        choices = self.choices

        key = self.key

        label = self.label

        shown = self.shown

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "choices": choices,
                "key": key,
                "label": label,
                "shown": shown,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        choices = cast(list[str], d.pop("choices"))

        key = d.pop("key")

        label = d.pop("label")

        shown = d.pop("shown")

        type_ = d.pop("type")

        profile_field = cls(
            choices=choices,
            key=key,
            label=label,
            shown=shown,
            type_=type_,
        )

        return profile_field
