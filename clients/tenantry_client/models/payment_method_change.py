from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.payment_method_change_kind import PaymentMethodChangeKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="PaymentMethodChange")


@_attrs_define
class PaymentMethodChange:
    """Provider references only: card numbers are refused.

    Attributes:
        kind (PaymentMethodChangeKind):
        brand (str | Unset):  Default: ''.
        expiry_month (int | Unset):  Default: 0.
        expiry_year (int | Unset):  Default: 0.
        label (str | Unset):  Default: ''.
        last4 (str | Unset):  Default: ''.
        reference (str | Unset): a provider token: tok_… Default: ''.
    """

    kind: PaymentMethodChangeKind
    brand: str | Unset = ""
    expiry_month: int | Unset = 0
    expiry_year: int | Unset = 0
    label: str | Unset = ""
    last4: str | Unset = ""
    reference: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        brand = self.brand

        expiry_month = self.expiry_month

        expiry_year = self.expiry_year

        label = self.label

        last4 = self.last4

        reference = self.reference

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
            }
        )
        if brand is not UNSET:
            field_dict["brand"] = brand
        if expiry_month is not UNSET:
            field_dict["expiry_month"] = expiry_month
        if expiry_year is not UNSET:
            field_dict["expiry_year"] = expiry_year
        if label is not UNSET:
            field_dict["label"] = label
        if last4 is not UNSET:
            field_dict["last4"] = last4
        if reference is not UNSET:
            field_dict["reference"] = reference

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = PaymentMethodChangeKind(d.pop("kind"))

        brand = d.pop("brand", UNSET)

        expiry_month = d.pop("expiry_month", UNSET)

        expiry_year = d.pop("expiry_year", UNSET)

        label = d.pop("label", UNSET)

        last4 = d.pop("last4", UNSET)

        reference = d.pop("reference", UNSET)

        payment_method_change = cls(
            kind=kind,
            brand=brand,
            expiry_month=expiry_month,
            expiry_year=expiry_year,
            label=label,
            last4=last4,
            reference=reference,
        )

        return payment_method_change
