from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="NewIdpCertificate")


@_attrs_define
class NewIdpCertificate:
    """
    Attributes:
        certificate_pem (str):
    """

    certificate_pem: str

    def to_dict(self) -> dict[str, Any]:
        certificate_pem = self.certificate_pem

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "certificate_pem": certificate_pem,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        certificate_pem = d.pop("certificate_pem")

        new_idp_certificate = cls(
            certificate_pem=certificate_pem,
        )

        return new_idp_certificate
