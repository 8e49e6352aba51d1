from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SpKey")


@_attrs_define
class SpKey:
    """
    Attributes:
        certificate_pem (str): published next to the previous one
        key_id (str):
    """

    certificate_pem: str
    key_id: str

    def to_dict(self) -> dict[str, Any]:
        certificate_pem = self.certificate_pem

        key_id = self.key_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "certificate_pem": certificate_pem,
                "key_id": key_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        certificate_pem = d.pop("certificate_pem")

        key_id = d.pop("key_id")

        sp_key = cls(
            certificate_pem=certificate_pem,
            key_id=key_id,
        )

        return sp_key
