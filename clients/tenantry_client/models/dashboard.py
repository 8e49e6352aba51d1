from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.invoice import Invoice
    from ..models.next_payment import NextPayment
    from ..models.plan import Plan
    from ..models.seat_usage import SeatUsage
    from ..models.subscription import Subscription


T = TypeVar("T", bound="Dashboard")


@_attrs_define
class Dashboard:
    """
    Attributes:
        next_payment (NextPayment | None):
        plan (Plan):
        seats (SeatUsage):
        subscription (Subscription):
        upcoming_invoice (Invoice | None): none once the subscription ends
    """

    next_payment: NextPayment | None
    plan: Plan
    seats: SeatUsage
    subscription: Subscription
    upcoming_invoice: Invoice | None

    def to_dict(self) -> dict[str, Any]:
        from ..models.invoice import Invoice  # noqa: PLC0415
        from ..models.next_payment import NextPayment  # noqa: PLC0415

        next_payment: dict[str, Any] | None
        if isinstance(self.next_payment, NextPayment):
            next_payment = self.next_payment.to_dict()
        else:
            next_payment = self.next_payment

        plan = self.plan.to_dict()

        seats = self.seats.to_dict()

        subscription = self.subscription.to_dict()

        upcoming_invoice: dict[str, Any] | None
        if isinstance(self.upcoming_invoice, Invoice):
            upcoming_invoice = self.upcoming_invoice.to_dict()
        else:
            upcoming_invoice = self.upcoming_invoice

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "next_payment": next_payment,
                "plan": plan,
                "seats": seats,
                "subscription": subscription,
                "upcoming_invoice": upcoming_invoice,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invoice import Invoice  # noqa: PLC0415
        from ..models.next_payment import NextPayment  # noqa: PLC0415
        from ..models.plan import Plan  # noqa: PLC0415
        from ..models.seat_usage import SeatUsage  # noqa: PLC0415
        from ..models.subscription import Subscription  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_next_payment(data: object) -> NextPayment | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_payment_type_0 = NextPayment.from_dict(data)

                return next_payment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NextPayment | None, data)

        next_payment = _parse_next_payment(d.pop("next_payment"))

        plan = Plan.from_dict(d.pop("plan"))

        seats = SeatUsage.from_dict(d.pop("seats"))

        subscription = Subscription.from_dict(d.pop("subscription"))

        def _parse_upcoming_invoice(data: object) -> Invoice | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                upcoming_invoice_type_0 = Invoice.from_dict(data)

                return upcoming_invoice_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Invoice | None, data)

        upcoming_invoice = _parse_upcoming_invoice(d.pop("upcoming_invoice"))

        dashboard = cls(
            next_payment=next_payment,
            plan=plan,
            seats=seats,
            subscription=subscription,
            upcoming_invoice=upcoming_invoice,
        )

        return dashboard
