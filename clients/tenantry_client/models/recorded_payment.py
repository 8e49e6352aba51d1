from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.payment import Payment
    from ..models.subscription import Subscription


T = TypeVar("T", bound="RecordedPayment")


@_attrs_define
class RecordedPayment:
    """
    Attributes:
        payment (Payment):
        subscription (Subscription):
    """

    payment: Payment
    subscription: Subscription

    def to_dict(self) -> dict[str, Any]:
        payment = self.payment.to_dict()

        subscription = self.subscription.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "payment": payment,
                "subscription": subscription,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment import Payment  # noqa: PLC0415
        from ..models.subscription import Subscription  # noqa: PLC0415

        d = dict(src_dict)
        payment = Payment.from_dict(d.pop("payment"))

        subscription = Subscription.from_dict(d.pop("subscription"))

        recorded_payment = cls(
            payment=payment,
            subscription=subscription,
        )

        return recorded_payment
