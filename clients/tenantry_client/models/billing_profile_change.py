from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="BillingProfileChange")


@_attrs_define
class BillingProfileChange:
    """The whole profile: fields not sent become empty.

    Attributes:
        address (str | Unset):  Default: ''.
        billing_email (str | Unset):  Default: ''.
        country (str | Unset): ISO 3166-1 alpha-2 Default: ''.
        legal_name (str | Unset):  Default: ''.
        tax_rate_basis_points (int | Unset): set by platform operators only; others send the current rate Default: 0.
        vat_id (str | Unset):  Default: ''.
    """

    address: str | Unset = ""
    billing_email: str | Unset = ""
    country: str | Unset = ""
    legal_name: str | Unset = ""
    tax_rate_basis_points: int | Unset = 0
    vat_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        billing_email = self.billing_email

        country = self.country

        legal_name = self.legal_name

        tax_rate_basis_points = self.tax_rate_basis_points

        vat_id = self.vat_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if address is not UNSET:
            field_dict["address"] = address
        if billing_email is not UNSET:
            field_dict["billing_email"] = billing_email
        if country is not UNSET:
            field_dict["country"] = country
        if legal_name is not UNSET:
            field_dict["legal_name"] = legal_name
        if tax_rate_basis_points is not UNSET:
            field_dict["tax_rate_basis_points"] = tax_rate_basis_points
        if vat_id is not UNSET:
            field_dict["vat_id"] = vat_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address = d.pop("address", UNSET)

        billing_email = d.pop("billing_email", UNSET)

        country = d.pop("country", UNSET)

        legal_name = d.pop("legal_name", UNSET)

        tax_rate_basis_points = d.pop("tax_rate_basis_points", UNSET)

        vat_id = d.pop("vat_id", UNSET)

        billing_profile_change = cls(
            address=address,
            billing_email=billing_email,
            country=country,
            legal_name=legal_name,
            tax_rate_basis_points=tax_rate_basis_points,
            vat_id=vat_id,
        )

        return billing_profile_change
