from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AccountSecurity")


@_attrs_define
class AccountSecurity:
    """
    Attributes:
        recovery_codes_left (int):
        totp_enabled (bool):
    """

    recovery_codes_left: int
    totp_enabled: bool

    def to_dict(self) -> dict[str, Any]:
        recovery_codes_left = self.recovery_codes_left

        totp_enabled = self.totp_enabled

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "recovery_codes_left": recovery_codes_left,
                "totp_enabled": totp_enabled,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        recovery_codes_left = d.pop("recovery_codes_left")

        totp_enabled = d.pop("totp_enabled")

        account_security = cls(
            recovery_codes_left=recovery_codes_left,
            totp_enabled=totp_enabled,
        )

        return account_security
