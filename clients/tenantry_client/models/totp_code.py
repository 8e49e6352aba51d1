from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TotpCode")


@_attrs_define
class TotpCode:
    """
    Attributes:
        totp_code (str):
    """

    totp_code: str

    def to_dict(self) -> dict[str, Any]:
        totp_code = self.totp_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "totp_code": totp_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        totp_code = d.pop("totp_code")

        totp_code = cls(
            totp_code=totp_code,
        )

        return totp_code
