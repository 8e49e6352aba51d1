from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SecondFactor")


@_attrs_define
class SecondFactor:
    """
    Attributes:
        mfa_challenge_token (str):
        recovery_code (str | Unset):  Default: ''.
        totp_code (str | Unset):  Default: ''.
    """

    mfa_challenge_token: str
    recovery_code: str | Unset = ""
    totp_code: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        mfa_challenge_token = self.mfa_challenge_token

        recovery_code = self.recovery_code

        totp_code = self.totp_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "mfa_challenge_token": mfa_challenge_token,
            }
        )
        if recovery_code is not UNSET:
            field_dict["recovery_code"] = recovery_code
        if totp_code is not UNSET:
            field_dict["totp_code"] = totp_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mfa_challenge_token = d.pop("mfa_challenge_token")

        recovery_code = d.pop("recovery_code", UNSET)

        totp_code = d.pop("totp_code", UNSET)

        second_factor = cls(
            mfa_challenge_token=mfa_challenge_token,
            recovery_code=recovery_code,
            totp_code=totp_code,
        )

        return second_factor
