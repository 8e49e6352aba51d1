from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PaymentMethod")


@_attrs_define
class PaymentMethod:
    """
    Attributes:
        brand (str):
        display (str):
        expiry_month (int):
        expiry_year (int):
        kind (str):
        label (str):
        last4 (str):
        reference (str):
    """

    brand: str
    display: str
    expiry_month: int
    expiry_year: int
    kind: str
    label: str
    last4: str
    reference: str

    def to_dict(self) -> dict[str, Any]:
        brand = self.brand

        display = self.display

        expiry_month = self.expiry_month

        expiry_year = self.expiry_year

        kind = self.kind

        label = self.label

        last4 = self.last4

        reference = self.reference

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "brand": brand,
                "display": display,
                "expiry_month": expiry_month,
                "expiry_year": expiry_year,
                "kind": kind,
                "label": label,
                "last4": last4,
                "reference": reference,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        brand = d.pop("brand")

        display = d.pop("display")

        expiry_month = d.pop("expiry_month")

        expiry_year = d.pop("expiry_year")

        kind = d.pop("kind")

        label = d.pop("label")

        last4 = d.pop("last4")

        reference = d.pop("reference")

        payment_method = cls(
            brand=brand,
            display=display,
            expiry_month=expiry_month,
            expiry_year=expiry_year,
            kind=kind,
            label=label,
            last4=last4,
            reference=reference,
        )

        return payment_method
