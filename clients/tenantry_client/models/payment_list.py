from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.payment import Payment


T = TypeVar("T", bound="PaymentList")


@_attrs_define
class PaymentList:
    """
    Attributes:
        next_page_token (str): empty on the last page
        payments (list[Payment]):
    """

    next_page_token: str
    payments: list[Payment]

    def to_dict(self) -> dict[str, Any]:
        next_page_token = self.next_page_token

        payments = []
        for payments_item_data in self.payments:
            payments_item = payments_item_data.to_dict()
            payments.append(payments_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "next_page_token": next_page_token,
                "payments": payments,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment import Payment  # noqa: PLC0415

        d = dict(src_dict)
        next_page_token = d.pop("next_page_token")

        payments = []
        _payments = d.pop("payments")
        for payments_item_data in _payments:
            payments_item = Payment.from_dict(payments_item_data)

            payments.append(payments_item)

        payment_list = cls(
            next_page_token=next_page_token,
            payments=payments,
        )

        return payment_list
