from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.invoice import Invoice
    from ..models.subscription import Subscription


T = TypeVar("T", bound="PlanChangePreview")


@_attrs_define
class PlanChangePreview:
    """
    Attributes:
        applies_now (bool): true for an upgrade (or in a trial); false: at the next renewal
        charge_now (Invoice | None): the prorated invoice an upgrade would issue now; none otherwise
        next_invoice (Invoice | None): the next renewal's invoice after the change; none when it ends
        subscription (Subscription):
    """

    applies_now: bool
    charge_now: Invoice | None
    next_invoice: Invoice | None
    subscription: Subscription

    def to_dict(self) -> dict[str, Any]:
        from ..models.invoice import Invoice  # noqa: PLC0415

        applies_now = self.applies_now

        charge_now: dict[str, Any] | None
        if isinstance(self.charge_now, Invoice):
            charge_now = self.charge_now.to_dict()
        else:
            charge_now = self.charge_now

        next_invoice: dict[str, Any] | None
        if isinstance(self.next_invoice, Invoice):
            next_invoice = self.next_invoice.to_dict()
        else:
            next_invoice = self.next_invoice

        subscription = self.subscription.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "applies_now": applies_now,
                "charge_now": charge_now,
                "next_invoice": next_invoice,
                "subscription": subscription,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invoice import Invoice  # noqa: PLC0415
        from ..models.subscription import Subscription  # noqa: PLC0415

        d = dict(src_dict)
        applies_now = d.pop("applies_now")

        def _parse_charge_now(data: object) -> Invoice | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                charge_now_type_0 = Invoice.from_dict(data)

                return charge_now_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Invoice | None, data)

        charge_now = _parse_charge_now(d.pop("charge_now"))

        def _parse_next_invoice(data: object) -> Invoice | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_invoice_type_0 = Invoice.from_dict(data)

                return next_invoice_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Invoice | None, data)

        next_invoice = _parse_next_invoice(d.pop("next_invoice"))

        subscription = Subscription.from_dict(d.pop("subscription"))

        plan_change_preview = cls(
            applies_now=applies_now,
            charge_now=charge_now,
            next_invoice=next_invoice,
            subscription=subscription,
        )

        return plan_change_preview
