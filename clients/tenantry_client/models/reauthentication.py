from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Reauthentication")


@_attrs_define
class Reauthentication:
    """
    Attributes:
        password (str):
        totp_code (str | Unset):  Default: ''.
    """

    password: str
    totp_code: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        password = self.password

        totp_code = self.totp_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "password": password,
            }
        )
        if totp_code is not UNSET:
            field_dict["totp_code"] = totp_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        password = d.pop("password")

        totp_code = d.pop("totp_code", UNSET)

        reauthentication = cls(
            password=password,
            totp_code=totp_code,
        )

        return reauthentication
