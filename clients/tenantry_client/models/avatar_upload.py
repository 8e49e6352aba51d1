from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AvatarUpload")


@_attrs_define
class AvatarUpload:
    """
    Attributes:
        picture (str): The picture, base64: a PNG, JPEG or WebP of at most 256 KiB (recognised by its content).
    """

    picture: str

    def to_dict(self) -> dict[str, Any]:
        picture = self.picture

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "picture": picture,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        picture = d.pop("picture")

        avatar_upload = cls(
            picture=picture,
        )

        return avatar_upload
