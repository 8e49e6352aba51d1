from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TotpEnrollment")


@_attrs_define
class TotpEnrollment:
    """
    Attributes:
        otpauth_uri (str):
        qr_code_svg (str):
        secret (str):
    """

    otpauth_uri: str
    qr_code_svg: str
    secret: str

    def to_dict(self) -> dict[str, Any]:
        otpauth_uri = self.otpauth_uri

        qr_code_svg = self.qr_code_svg

        secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "otpauth_uri": otpauth_uri,
                "qr_code_svg": qr_code_svg,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        otpauth_uri = d.pop("otpauth_uri")

        qr_code_svg = d.pop("qr_code_svg")

        secret = d.pop("secret")

        totp_enrollment = cls(
            otpauth_uri=otpauth_uri,
            qr_code_svg=qr_code_svg,
            secret=secret,
        )

        return totp_enrollment
