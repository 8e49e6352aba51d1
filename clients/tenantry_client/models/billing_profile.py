from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="BillingProfile")


@_attrs_define
class BillingProfile:
    """
    Attributes:
        address (str):
        billing_email (str):
        country (str):
        legal_name (str):
        tax_rate_basis_points (int):
        vat_id (str):
    """

    address: str
    billing_email: str
    country: str
    legal_name: str
    tax_rate_basis_points: int
    vat_id: str

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        billing_email = self.billing_email

        country = self.country

        legal_name = self.legal_name

        tax_rate_basis_points = self.tax_rate_basis_points

        vat_id = self.vat_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "address": address,
                "billing_email": billing_email,
                "country": country,
                "legal_name": legal_name,
                "tax_rate_basis_points": tax_rate_basis_points,
                "vat_id": vat_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address = d.pop("address")

        billing_email = d.pop("billing_email")

        country = d.pop("country")

        legal_name = d.pop("legal_name")

        tax_rate_basis_points = d.pop("tax_rate_basis_points")

        vat_id = d.pop("vat_id")

        billing_profile = cls(
            address=address,
            billing_email=billing_email,
            country=country,
            legal_name=legal_name,
            tax_rate_basis_points=tax_rate_basis_points,
            vat_id=vat_id,
        )

        return billing_profile
