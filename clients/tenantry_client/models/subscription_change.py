from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.invoice import Invoice
    from ..models.payment import Payment
    from ..models.subscription import Subscription


T = TypeVar("T", bound="SubscriptionChange")


@_attrs_define
class SubscriptionChange:
    """
    Attributes:
        invoice (Invoice | None): the prorated invoice, when one was issued now
        payment (None | Payment): its collection attempt, when one was made
        subscription (Subscription):
    """

    invoice: Invoice | None
    payment: None | Payment
    subscription: Subscription

    def to_dict(self) -> dict[str, Any]:
        from ..models.invoice import Invoice  # noqa: PLC0415
        from ..models.payment import Payment  # noqa: PLC0415

        invoice: dict[str, Any] | None
        if isinstance(self.invoice, Invoice):
            invoice = self.invoice.to_dict()
        else:
            invoice = self.invoice

        payment: dict[str, Any] | None
        if isinstance(self.payment, Payment):
            payment = self.payment.to_dict()
        else:
            payment = self.payment

        subscription = self.subscription.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "invoice": invoice,
                "payment": payment,
                "subscription": subscription,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invoice import Invoice  # noqa: PLC0415
        from ..models.payment import Payment  # noqa: PLC0415
        from ..models.subscription import Subscription  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_invoice(data: object) -> Invoice | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                invoice_type_0 = Invoice.from_dict(data)

                return invoice_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Invoice | None, data)

        invoice = _parse_invoice(d.pop("invoice"))

        def _parse_payment(data: object) -> None | Payment:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payment_type_0 = Payment.from_dict(data)

                return payment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Payment, data)

        payment = _parse_payment(d.pop("payment"))

        subscription = Subscription.from_dict(d.pop("subscription"))

        subscription_change = cls(
            invoice=invoice,
            payment=payment,
            subscription=subscription,
        )

        return subscription_change
